"""The options of each planner, as `make_planner(name, **options)` and
`--planner-option KEY=VALUE` take them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..options import Options
from .llm import DEFAULT_K


@dataclass(frozen=True)
class OraclePlannerConfig(Options):
    """The oracle takes no options: it reads the task's goal and the world."""


@dataclass(frozen=True)
class LLMPlannerConfig(Options):
    """The LLM planner and its model backend. The backend's own options left at None take
    the backend's defaults (and the environment's: OPENAI_BASE_URL, OPENAI_MODEL, ...)."""

    backend: Literal["llama_cpp", "openai", "transformers"] = "llama_cpp"
    mode: Literal["goal", "plan"] = "goal"  # goal: the model names the goal, the symbolic planner plans
    retrieval: bool = True  # retrieved in-context examples (else a fixed set)
    k: int = DEFAULT_K  # in-context examples
    max_repairs: int = 2
    grounding: bool = True  # goal arguments limited to the objects the instruction names
    cache_path: str | None = None  # JSONL file of model answers
    cache_mode: Literal["record", "replay", "off"] = "record"
    # the backend's own options
    model_path: str | None = None  # GGUF file (llama_cpp) or model folder (transformers)
    base_url: str | None = None  # OpenAI-compatible endpoint
    api_key: str | None = None
    model: str | None = None  # the model name a server is asked for
    timeout: float | None = None  # seconds per HTTP request
    max_retries: int | None = None
    send_grammar: bool | None = None
    schema_format: str | None = None

    BACKEND_OPTIONS = ("model_path", "base_url", "api_key", "model", "timeout", "max_retries", "send_grammar",
                       "schema_format")

    def backend_options(self) -> dict:
        """The backend's options that were given (the others keep the backend's defaults)."""
        return {name: getattr(self, name) for name in self.BACKEND_OPTIONS if getattr(self, name) is not None}
