"""The options of each planner, as `make_planner(name, **options)` and
`--planner-option KEY=VALUE` take them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..options import Options
from .interpreter.planner import DEFAULT_ASK_BELOW, DEFAULT_LLM_BELOW
from .llm import DEFAULT_K


@dataclass(frozen=True)
class OraclePlannerConfig(Options):
    """The oracle takes no options: it reads the task's goal and the world."""


@dataclass(frozen=True)
class GoalSkillsPlannerConfig(Options):
    """The goal-skills planner takes no options: it reads the task's goal."""


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
    constraints: Literal["read", "given", "none"] = "read"  # from the words; the task's (privileged); none
    seen_text: Literal["quoted", "ignored", "obeyed"] = "quoted"  # text read in the world (planners/seen_text.py)
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


@dataclass(frozen=True)
class InterpreterPlannerConfig(Options):
    """The interpreter planner: the goal read by the trained goal model and the rules (or
    the rules alone), an LLM's opinion below `llm_below` confidence when `llm_backend` is
    given, and the symbolic search. Asking the user (a callback) is set on the planner."""

    reader: Literal["combined", "trained", "rules"] = "combined"
    model_path: str | None = None  # a goal model folder (default: the packaged one)
    ask_below: float = DEFAULT_ASK_BELOW  # confidence under which a clarification question is asked
    llm_backend: Literal["none", "llama_cpp", "openai"] = "none"
    llm_below: float = DEFAULT_LLM_BELOW  # confidence under which the LLM is asked
    llm_model_path: str | None = None  # GGUF file for llama_cpp (default: the packaged SmolLM2)
    llm_base_url: str | None = None  # OpenAI-compatible endpoint
    llm_model: str | None = None  # the model name the server is asked for
    constraints: Literal["read", "given", "none"] = "read"  # from the words; the task's (privileged); none
    seen_text: Literal["ignored", "obeyed"] = "ignored"  # text read in the world (planners/seen_text.py)
    plan_from: Literal["world", "words"] = "world"  # the symbolic search over the world; the goal's skills alone
