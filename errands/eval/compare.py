"""Compare two runs on the episodes they share (paired by episode id): the difference
in SR, GC, PLW-SR and PLW-GC and whether it is significant. Success is compared with
McNemar's exact test (a binomial test on the episodes where exactly one run succeeded);
the ratio metrics with a seeded paired bootstrap over episodes (95% interval of B - A,
and a two-sided p-value from how often the resampled difference crosses zero). When
either run's tasks have constraints, SR+C (success with every constraint met) is
compared as SR is: a run of the same tasks without constraints meets them all. When
either run's tasks have injected text, injection resistance and SR resisting are
compared the same way.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..episode_log import EpisodeLog
from .constraint_metrics import constraint_results
from .runner import EPISODES_FILE, read_records

BOOTSTRAP_SAMPLES = 4000
ALPHA = 0.05


@dataclass
class MetricDifference:
    metric: str
    a: float | None
    b: float | None
    difference: float | None  # b - a
    ci: tuple[float, float] | None
    p_value: float | None
    test: str

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA


@dataclass
class Comparison:
    run_a: str
    run_b: str
    shared: int
    only_a: int
    only_b: int
    a_only_success: int  # episodes run A solved and run B did not
    b_only_success: int
    rows: list[MetricDifference]
    protocol_a: str = ""  # "protocol rgb, camera 64x64", from the run folder's config (blank without one)
    protocol_b: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        for row, obj in zip(data["rows"], self.rows):
            row["significant"] = obj.significant
        return data


def load_run(path: str | Path) -> dict[str, dict]:
    """Records by episode id from a run folder or an episodes.jsonl file."""
    path = Path(path)
    file = path / EPISODES_FILE if path.is_dir() else path
    if not file.is_file():
        raise FileNotFoundError(f"no run at {path}: expected a run folder with {EPISODES_FILE}, or that file")
    return {r["episode_id"]: r for r in read_records(file)}


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for b and c discordant pairs."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def _columns(logs: list[EpisodeLog]) -> dict[str, np.ndarray]:
    met = np.array([log.goal_conditions[0] for log in logs], dtype=float)
    total = np.array([log.goal_conditions[1] for log in logs], dtype=float)
    ref = np.array([log.expert_length or 0 for log in logs], dtype=float)
    weight = np.array([log.path_weight() for log in logs])
    success = np.array([1.0 if log.success else 0.0 for log in logs])
    gc_frac = np.divide(met, total, out=np.zeros(len(logs)), where=total > 0)
    # success with every constraint met (an episode without constraints meets them all)
    success_c = np.array([1.0 if log.success and all(r["satisfied"] for r in constraint_results(log)) else 0.0
                          for log in logs])
    # not doing what an injected text asked, and success so (an episode without one resists)
    resisted = np.array([1.0 if log.injections_resisted else 0.0 for log in logs])
    return {"met": met, "total": total, "ref": ref, "s_w": success * weight * ref, "gc_w": gc_frac * weight * ref,
            "success": success, "success_c": success_c, "resisted": resisted, "success_r": success * resisted}


RATIOS = {"GC": ("met", "total"), "PLW-SR": ("s_w", "ref"), "PLW-GC": ("gc_w", "ref")}


def _ratio(cols: dict, numer: str, denom: str, idx=None):
    n = cols[numer] if idx is None else cols[numer][idx]
    d = cols[denom] if idx is None else cols[denom][idx]
    total = d.sum(axis=-1)
    return np.divide(n.sum(axis=-1), total, out=np.zeros(np.shape(total)), where=total > 0)


def compare_runs(path_a: str | Path, path_b: str | Path, seed: int = 0) -> Comparison:
    a, b = load_run(path_a), load_run(path_b)
    shared = [i for i in a if i in b]
    if not shared:
        raise ValueError(f"{path_a} and {path_b} share no episode ids: compare runs of the same suite "
                         f"(or of suites built on the same episodes, such as valid_seen and novel_phrasing)")
    logs_a = [EpisodeLog.from_dict(a[i]) for i in shared]
    logs_b = [EpisodeLog.from_dict(b[i]) for i in shared]
    ca, cb = _columns(logs_a), _columns(logs_b)
    a_only = int(((ca["success"] == 1) & (cb["success"] == 0)).sum())
    b_only = int(((ca["success"] == 0) & (cb["success"] == 1)).sum())
    sr_a, sr_b = float(ca["success"].mean()), float(cb["success"].mean())
    rows = [MetricDifference("SR", sr_a, sr_b, sr_b - sr_a, _paired_ci_sr(ca, cb, seed),
                             mcnemar_exact(a_only, b_only), "McNemar exact")]
    if any(log.task.get("constraints") for log in logs_a + logs_b):  # only then: the rows stay as they were
        rows.append(_success_row("SR+C", ca, cb, "success_c", seed))
    if any(log.injection_results for log in logs_a + logs_b):  # likewise
        rows.append(_success_row("resisted", ca, cb, "resisted", seed))
        rows.append(_success_row("SR resisting", ca, cb, "success_r", seed))
    n = len(shared)
    idx = np.random.default_rng(seed).integers(0, n, size=(BOOTSTRAP_SAMPLES, n))
    for name, (numer, denom) in RATIOS.items():
        if denom == "ref" and not (ca["ref"].all() and cb["ref"].all()):
            rows.append(MetricDifference(name, None, None, None, None, None, "no L* for every episode"))
            continue
        va, vb = float(_ratio(ca, numer, denom)), float(_ratio(cb, numer, denom))
        diffs = _ratio(cb, numer, denom, idx) - _ratio(ca, numer, denom, idx)
        lo, hi = np.percentile(diffs, [2.5, 97.5])
        rows.append(MetricDifference(name, va, vb, vb - va, (float(lo), float(hi)), _bootstrap_p(diffs),
                                     "paired bootstrap"))
    return Comparison(str(path_a), str(path_b), n, len(a) - n, len(b) - n, a_only, b_only, rows,
                      run_protocol(path_a), run_protocol(path_b))


def run_protocol(path: str | Path) -> str:
    """The protocol label of a run folder (report.protocol_label), from its config.json."""
    from .report import protocol_label

    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    config = folder / "config.json"
    if not config.is_file():
        return ""
    try:
        return protocol_label({"config": json.loads(config.read_text())})
    except (ValueError, KeyError, TypeError):
        return ""


def _success_row(name: str, ca: dict, cb: dict, key: str, seed: int) -> MetricDifference:
    """A per-episode success column (such as SR+C) compared as SR is."""
    a_only = int(((ca[key] == 1) & (cb[key] == 0)).sum())
    b_only = int(((ca[key] == 0) & (cb[key] == 1)).sum())
    va, vb = float(ca[key].mean()), float(cb[key].mean())
    return MetricDifference(name, va, vb, vb - va, _paired_ci_sr(ca, cb, seed, key), mcnemar_exact(a_only, b_only),
                            "McNemar exact")


def _paired_ci_sr(ca: dict, cb: dict, seed: int, key: str = "success") -> tuple[float, float]:
    n = len(ca[key])
    idx = np.random.default_rng(seed).integers(0, n, size=(BOOTSTRAP_SAMPLES, n))
    diffs = cb[key][idx].mean(axis=1) - ca[key][idx].mean(axis=1)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return (float(lo), float(hi))


def _bootstrap_p(diffs: np.ndarray) -> float:
    """Two-sided: twice the share of resampled differences on the far side of zero."""
    if np.all(diffs == 0):
        return 1.0
    below, above = (diffs <= 0).mean(), (diffs >= 0).mean()
    return float(min(1.0, 2 * min(below, above)))


def format_comparison(c: Comparison) -> str:
    def pct(v):
        return "n/a" if v is None else f"{100 * v:.1f}"

    lines = [f"A: {c.run_a}" + (f" ({c.protocol_a})" if c.protocol_a else ""),
             f"B: {c.run_b}" + (f" ({c.protocol_b})" if c.protocol_b else ""),
             f"paired episodes: {c.shared} (only in A: {c.only_a}, only in B: {c.only_b}); "
             f"solved by A only: {c.a_only_success}, by B only: {c.b_only_success}", "",
             "| metric | A % | B % | B - A (points) | 95% CI | p | test | significant |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for r in c.rows:
        diff = "n/a" if r.difference is None else f"{100 * r.difference:+.1f}"
        ci = "n/a" if r.ci is None else f"[{100 * r.ci[0]:+.1f}, {100 * r.ci[1]:+.1f}]"
        p = "n/a" if r.p_value is None else f"{r.p_value:.3g}"
        lines.append(f"| {r.metric} | {pct(r.a)} | {pct(r.b)} | {diff} | {ci} | {p} | {r.test} | "
                     f"{'yes' if r.significant else 'no'} |")
    return "\n".join(lines)


def comparison_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), indent=1)
