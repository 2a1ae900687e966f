"""ALFRED's metrics over EpisodeLogs, overall and per task type, with 95% confidence
intervals.

Per episode, with t the agent's steps and L* the expert's: s_spl = success * min(1, L*/t),
pc_spl = gc * min(1, L*/t). Over episodes: SR = successes / episodes; GC = sum(met) /
sum(total) (a micro average); PLW-SR = sum(s_spl * L*) / sum(L*); PLW-GC = sum(pc_spl *
L*) / sum(L*). SR's interval is Wilson's; the others come from a seeded bootstrap over
episodes, so the same logs always give the same intervals.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ..envs.tasks.goals import TASK_TYPES
from ..episode_log import EpisodeLog

Z95 = 1.959963984540054
BOOTSTRAP_SAMPLES = 2000


@dataclass
class Metrics:
    episodes: int
    sr: float
    gc: float
    plw_sr: float | None
    plw_gc: float | None
    sr_ci: tuple[float, float]
    gc_ci: tuple[float, float]
    plw_sr_ci: tuple[float, float] | None
    plw_gc_ci: tuple[float, float] | None

    def to_dict(self) -> dict:
        return asdict(self)


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _ratio_ci(numer: np.ndarray, denom: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap of sum(numer) / sum(denom) over resampled episodes."""
    n = len(numer)
    if n == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(BOOTSTRAP_SAMPLES, n))
    d = denom[idx].sum(axis=1)
    ratios = np.divide(numer[idx].sum(axis=1), d, out=np.zeros(BOOTSTRAP_SAMPLES), where=d > 0)
    lo, hi = np.percentile(ratios, [2.5, 97.5])
    return (float(lo), float(hi))


def compute_metrics(logs: list[EpisodeLog]) -> Metrics:
    n = len(logs)
    success = np.array([1.0 if log.success else 0.0 for log in logs])
    met = np.array([log.goal_conditions[0] for log in logs], dtype=float)
    total = np.array([log.goal_conditions[1] for log in logs], dtype=float)
    sr = float(success.mean()) if n else 0.0
    gc = float(met.sum() / total.sum()) if total.sum() else 0.0
    with_ref = [log for log in logs if log.expert_length]
    plw_sr = plw_gc = plw_sr_ci = plw_gc_ci = None
    if with_ref and len(with_ref) == n:
        ref = np.array([log.expert_length for log in logs], dtype=float)
        weight = np.array([log.path_weight() for log in logs])
        gc_frac = np.divide(met, total, out=np.zeros(n), where=total > 0)
        s_spl, pc_spl = success * weight, gc_frac * weight
        plw_sr = float((s_spl * ref).sum() / ref.sum())
        plw_gc = float((pc_spl * ref).sum() / ref.sum())
        plw_sr_ci = _ratio_ci(s_spl * ref, ref)
        plw_gc_ci = _ratio_ci(pc_spl * ref, ref)
    return Metrics(episodes=n, sr=sr, gc=gc, plw_sr=plw_sr, plw_gc=plw_gc,
                   sr_ci=wilson_interval(int(success.sum()), n), gc_ci=_ratio_ci(met, total),
                   plw_sr_ci=plw_sr_ci, plw_gc_ci=plw_gc_ci)


def metrics_by_task_type(logs: list[EpisodeLog]) -> dict[str, Metrics]:
    """'overall' first, then each task type present, in ALFRED's order."""
    result = {"overall": compute_metrics(logs)}
    for task_type in TASK_TYPES:
        subset = [log for log in logs if log.task_type == task_type]
        if subset:
            result[task_type] = compute_metrics(subset)
    return result


def percent_cell(value, ci) -> str:
    """A rate and its interval as a table cell, in percent ("n/a" for no value)."""
    if value is None:
        return "n/a"
    return f"{100 * value:.1f} [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def format_table(table: dict[str, Metrics]) -> str:
    """A Markdown table of the metrics with their intervals."""
    cell = percent_cell
    rows = ["| task type | episodes | SR % | GC % | PLW-SR % | PLW-GC % |", "|---|---:|---:|---:|---:|---:|"]
    for name, m in table.items():
        rows.append(f"| {name} | {m.episodes} | {cell(m.sr, m.sr_ci)} | {cell(m.gc, m.gc_ci)} | "
                    f"{cell(m.plw_sr, m.plw_sr_ci)} | {cell(m.plw_gc, m.plw_gc_ci)} |")
    return "\n".join(rows)
