"""Planners: an instruction (and what the agent knows) in, a Plan of typed skills out."""

from __future__ import annotations

PLANNERS = ("oracle", "llm", "interpreter")
LLM_PLANNER_OPTIONS = ("backend", "mode", "retrieval", "k", "max_repairs", "grounding", "cache_path", "cache_mode",
                       "model_path", "base_url", "api_key", "model", "timeout", "max_retries", "send_grammar", "schema_format")


def make_planner(name: str, **options):
    """A planner by name and plain options, so runners and the CLI can pass them between
    processes. The llm planner's options: backend (llama_cpp, openai, transformers), mode
    (goal, plan), retrieval, k, max_repairs, cache_path and cache_mode (record, replay,
    off), and the backend's own: model_path, base_url, api_key, model, timeout,
    max_retries, send_grammar."""
    if name == "oracle":
        from .oracle import OraclePlanner

        return OraclePlanner(**options)
    if name == "llm":
        return _make_llm_planner(**options)
    if name == "interpreter":
        from .interpreter.planner import InterpreterPlanner

        return InterpreterPlanner(**options)
    raise ValueError(f"unknown planner {name!r}: expected one of {', '.join(PLANNERS)}")


def _make_llm_planner(backend: str = "llama_cpp", mode: str = "goal", retrieval: bool = True, k: int = 6,
                      max_repairs: int = 2, grounding: bool = True, cache_path: str | None = None,
                      cache_mode: str = "record", **backend_options):
    from .llm import LLMPlanner
    from .llm_backends import default_gguf_path, make_backend
    from .llm_cache import CachedBackend

    unknown = set(backend_options) - set(LLM_PLANNER_OPTIONS)
    if unknown:
        raise ValueError(f"unknown llm planner options {sorted(unknown)}: expected {', '.join(LLM_PLANNER_OPTIONS)}")
    options = {k: v for k, v in backend_options.items() if v is not None}
    if cache_path and cache_mode == "replay":
        model_id = options.get("model") or (options.get("model_path") and str(options["model_path"]).rsplit("/", 1)[-1])
        model = _ReplayOnly(model_id or default_gguf_path().name)
    else:
        model = make_backend(backend, **options)
    if cache_path:
        model = CachedBackend(model, cache_path, cache_mode)
    return LLMPlanner(model, mode=mode, retrieval=retrieval, k=k, max_repairs=max_repairs, grounding=grounding)


class _ReplayOnly:
    """Stands in for a model that is not loaded: replay mode answers from the cache."""

    def __init__(self, model_id: str):
        self.model_id = model_id

    def complete(self, messages, **params) -> str:
        from .llm_backends import LLMError

        raise LLMError("replay mode: the model is not loaded")
