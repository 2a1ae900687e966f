"""Record and replay model calls, keyed by the hash of the prompt, the model and the
sampling parameters, so that an evaluation can be repeated without the model.

Modes: "record" (answer from the cache when it can, else call the model and append the
answer), "replay" (answer only from the cache; a miss is an error), "off".
The cache is a JSONL file; each line is appended whole and flushed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .llm_backends import LLMError

CACHE_MODES = ("record", "replay", "off")


def call_key(model_id: str, messages: list[dict], **params) -> str:
    blob = json.dumps({"model": model_id, "messages": messages, "params": params}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class CachedBackend:
    def __init__(self, backend, path: str | Path, mode: str = "record"):
        if mode not in CACHE_MODES:
            raise ValueError(f"unknown cache mode {mode!r}: expected one of {', '.join(CACHE_MODES)}")
        self.backend = backend
        self.model_id = backend.model_id
        self.path = Path(path)
        self.mode = mode
        self.entries: dict[str, str] = {}
        self.hits = self.misses = 0
        if self.path.exists():
            for number, line in enumerate(self.path.read_text().splitlines(), 1):
                try:
                    entry = json.loads(line)
                    self.entries[entry["key"]] = entry["response"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a torn last line from an interrupted run

    def complete(self, messages, **params) -> str:
        if self.mode == "off":
            return self.backend.complete(messages, **params)
        key = call_key(self.model_id, messages, **params)
        if key in self.entries:
            self.hits += 1
            return self.entries[key]
        if self.mode == "replay":
            raise LLMError(f"no recorded answer for this prompt in {self.path} (key {key[:12]}); "
                           "run once with the cache in record mode")
        self.misses += 1
        response = self.backend.complete(messages, **params)
        self.entries[key] = response
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as f:
            f.write(json.dumps({"key": key, "model": self.model_id, "messages": messages, "params": params,
                                "response": response}) + "\n")
            f.flush()
        return response
