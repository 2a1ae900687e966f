"""Planners: an instruction (and what the agent knows) in, a Plan of typed skills out.

Each planner is registered under a name with its config class (planners/config.py) and
the factory that builds it from a config: `make_planner(name, **options)` checks the
options against the config class first, so an unknown option or a wrong type is refused
by name before anything is built."""

from __future__ import annotations

from ..options import Registry
from .config import GoalSkillsPlannerConfig, InterpreterPlannerConfig, LLMPlannerConfig, OraclePlannerConfig

PLANNERS = Registry("planner")  # name -> Registration(config class, factory)


def register_planner(name: str, config: type, factory) -> None:
    """Make a planner known by name: `factory(config)` builds it from a `config` instance."""
    PLANNERS.register(name, config, factory)


def planner_config(name: str, options: dict | None = None):
    """The checked config of planner `name` from plain options."""
    return PLANNERS.config(name, options)


def make_planner(name: str, config=None, **options):
    """A planner by name, from its config or from plain options (so that runners and the
    CLI can pass them between processes as dicts)."""
    if config is not None and options:
        raise ValueError("make_planner takes a config or options, not both")
    config = planner_config(name, config if config is not None else options)
    return PLANNERS.entry(name).factory(config)


def _oracle_planner(config: OraclePlannerConfig):
    from .oracle import OraclePlanner

    return OraclePlanner()


def _goal_skills_planner(config: GoalSkillsPlannerConfig):
    from .goal_skills import GoalSkillsPlanner

    return GoalSkillsPlanner()


def _llm_planner(config: LLMPlannerConfig):
    from .llm import LLMPlanner
    from .llm_backends import default_gguf_path, make_backend
    from .llm_cache import CachedBackend

    options = config.backend_options()
    if config.cache_path and config.cache_mode == "replay":
        model_id = options.get("model") or (options.get("model_path") and str(options["model_path"]).rsplit("/", 1)[-1])
        model = ReplayOnlyBackend(model_id or default_gguf_path().name)
    else:
        model = make_backend(config.backend, **options)
    if config.cache_path:
        model = CachedBackend(model, config.cache_path, config.cache_mode)
    return LLMPlanner(model, mode=config.mode, retrieval=config.retrieval, k=config.k,
                      max_repairs=config.max_repairs, grounding=config.grounding, constraints=config.constraints,
                      seen_text=config.seen_text)


def _interpreter_planner(config: InterpreterPlannerConfig):
    from .interpreter.planner import InterpreterPlanner

    llm = None
    if config.llm_backend != "none":
        llm = _llm_planner(LLMPlannerConfig(backend=config.llm_backend, mode="goal", model_path=config.llm_model_path,
                                            base_url=config.llm_base_url, model=config.llm_model))
    return InterpreterPlanner(config.reader, ask_below=config.ask_below, llm=llm, llm_below=config.llm_below,
                              model_path=config.model_path, constraints=config.constraints,
                              seen_text=config.seen_text, plan_from=config.plan_from)


class ReplayOnlyBackend:
    """Stands in for a model that is not loaded: replay mode answers from the cache."""

    def __init__(self, model_id: str):
        self.model_id = model_id

    def complete(self, messages, **params) -> str:
        from .llm_backends import LLMError

        raise LLMError("replay mode: the model is not loaded")


register_planner("oracle", OraclePlannerConfig, _oracle_planner)
register_planner("goal-skills", GoalSkillsPlannerConfig, _goal_skills_planner)
register_planner("llm", LLMPlannerConfig, _llm_planner)
register_planner("interpreter", InterpreterPlannerConfig, _interpreter_planner)
