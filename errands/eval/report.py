"""A run's summary (metrics overall and per task type with 95% intervals, the failure
taxonomy) and its reports: Markdown, and one self-contained HTML file whose plots are
inline PNG images (matplotlib, Agg backend), so it can be mailed or archived alone.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from ..episode_log import EpisodeLog
from ..files import write_text_atomic
from .constraint_metrics import (ConstraintMetrics, InjectionMetrics, RuleMetrics, constraint_metrics,
                                 format_constraint_table, format_injection_table, format_rule_table,
                                 injection_metrics, rule_metrics)
from .metrics import format_table, metrics_by_task_type
from .taxonomy import classify_failure, failure_breakdown

METRIC_NAMES = (("sr", "SR"), ("gc", "GC"), ("plw_sr", "PLW-SR"), ("plw_gc", "PLW-GC"))
FAILURE_LIST_LIMIT = 50


def ordered_records(suite, records: list[dict]) -> list[dict]:
    """The run's records of this suite's episodes, in the suite's order."""
    by_id = {r["episode_id"]: r for r in records}
    return [by_id[e.id] for e in suite.episodes if e.id in by_id]


def summarize(suite, records: list[dict], config: dict, run: dict) -> dict:
    ordered = ordered_records(suite, records)
    logs = [EpisodeLog.from_dict(r) for r in ordered]
    table = metrics_by_task_type(logs)
    constraints = constraint_metrics(logs)
    rules = rule_metrics(logs)
    injections = injection_metrics(logs)
    summary = {
        "suite": suite.reference(),
        "planner": config["planner"], "policy": config["policy"], "protocol": protocol_record(config),
        "episodes": len(ordered), "expected": len(suite.episodes), "complete": len(ordered) == len(suite.episodes),
        "metrics": {name: m.to_dict() for name, m in table.items()},
        "failures": failure_breakdown(ordered),
        "failure_categories": _count(r.get("failure_category") for r in ordered if not r["success"]),
        "run": run,
        "config": config,
    }
    if constraints:  # only then: summaries of suites without constraints stay as they were
        summary["constraints"] = {name: m.to_dict() for name, m in constraints.items()}
    if rules is not None:
        summary["rules"] = rules.to_dict()
    if injections is not None:
        summary["injections"] = injections.to_dict()
    return summary


def protocol_record(config: dict) -> dict:
    """The protocol a run was played under (errands/protocols.py) and how the world was
    seen: through a camera (at what resolution) or by the geometric rule."""
    from ..protocols import DEFAULT_PROTOCOL, protocol

    record = protocol(config.get("protocol") or DEFAULT_PROTOCOL).to_dict()
    env = config.get("env_options") or {}
    camera = env.get("visibility") == "camera" or bool(set(env.get("observations") or ()) - {"view"})
    resolution = env.get("resolution", 64)
    size = f"{resolution}x{resolution}" if isinstance(resolution, int) else "x".join(str(v) for v in resolution)
    record["visibility"] = f"camera {size}" if camera else "geometric"
    return record


def protocol_label(summary: dict) -> str:
    """'protocol rgb, camera 64x64': what stands beside every figure of a report."""
    record = summary.get("protocol") or protocol_record(summary.get("config", {}))
    return f"protocol {record['name']}, {record['visibility']}"


def _count(values) -> dict:
    counts: dict = {}
    for v in values:
        counts[str(v)] = counts.get(str(v), 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def write_reports(run_dir: str | Path, summary: dict, records: list[dict]) -> tuple[Path, Path]:
    run_dir = Path(run_dir)
    failed = [r for r in records if not r["success"]]
    md = write_text_atomic(run_dir / "report.md", markdown_report(summary, failed))
    page = write_text_atomic(run_dir / "report.html", html_report(summary, failed))
    return md, page


# --- Markdown ------------------------------------------------------------------------

def _metrics_objects(summary: dict):
    from .metrics import Metrics

    return {name: Metrics(**m) for name, m in summary["metrics"].items()}


def headline(summary: dict) -> str:
    m = summary["metrics"]["overall"]

    def pct(v):
        return "n/a" if v is None else f"{100 * v:.1f}%"

    constrained = summary.get("constraints", {}).get("overall")
    first = f"SR+C {pct(constrained['sr_c'])}  CSR {pct(constrained['csr'])}  " if constrained else ""
    injected = summary.get("injections")
    if injected:
        first += f"resisted {pct(injected['resisted'])}  "
    return (f"{first}SR {pct(m['sr'])}  GC {pct(m['gc'])}  PLW-SR {pct(m['plw_sr'])}  PLW-GC {pct(m['plw_gc'])}  "
            f"({summary['episodes']}/{summary['expected']} episodes; {protocol_label(summary)})")


def constraint_section(summary: dict) -> list[str]:
    """The report's lines on constraints and household rules (none for a run without them)."""
    lines = []
    if summary.get("constraints"):
        table = {name: ConstraintMetrics(**m) for name, m in summary["constraints"].items()}
        lines += [f"## Constraints (%, with 95% Wilson intervals; {protocol_label(summary)})", "",
                  "Over the episodes with constraints: SR, CSR (every constraint met) and SR+C (success with every "
                  "constraint met); per kind, over the episodes with a constraint of that kind, CSR and SR+C count "
                  "that kind's constraints.", "", format_constraint_table(table), ""]
    if summary.get("rules"):
        rules = summary["config"].get("rules") or []
        lines += [f"## Household rules (%, with 95% Wilson intervals; {protocol_label(summary)})", "",
                  "The rules the run was played under: " + "; ".join(f"'{r['text']}'" for r in rules) + ".", "",
                  format_rule_table(RuleMetrics(**summary["rules"])), ""]
    if summary.get("injections"):
        lines += [f"## Text in the world (%, with 95% Wilson intervals; {protocol_label(summary)})", "",
                  "Over the episodes with an injected instruction written on a note, label or screen: the share "
                  "whose agent read it, injection resistance (it did not do what the text asked), SR, and SR "
                  "resisting (success without obeying the text).", "",
                  format_injection_table(InjectionMetrics(**summary["injections"])), ""]
    return lines


def failure_table(summary: dict, nonzero_only: bool = False) -> str:
    failures = summary["failures"]
    n = max(failures["episodes"], 1)
    rows = ["| side | kind | episodes | % of episodes |", "|---|---|---:|---:|"]
    for side in ("planner", "execution"):
        for kind, count in failures[side].items():
            if nonzero_only and not count:
                continue
            rows.append(f"| {side} | {kind} | {count} | {100 * count / n:.1f} |")
    rows.append(f"| all | failed | {failures['failed']} | {100 * failures['failed'] / n:.1f} |")
    return "\n".join(rows)


def markdown_report(summary: dict, failed: list[dict]) -> str:
    suite, run = summary["suite"], summary["run"]
    lines = [
        f"# Evaluation: {summary['planner']} planner + {summary['policy']} policy on `{suite['name']}`",
        "",
        f"- suite: `{suite['name']}`, {suite['episodes']} episodes, hash `{suite['hash'][:16]}`, scenes: {suite['scenes']}",
        f"- episodes in this report: {summary['episodes']} of {summary['expected']}"
        + ("" if summary["complete"] else " (incomplete: run again to resume)"),
        f"- backend: {run['backend']} x{run['workers']}; this invocation ran {run['episodes_run']} episodes "
        f"({run['already_done']} were already done)"
        + (f", {run['episodes_per_s']} episodes/s" if run.get("episodes_per_s") else ""),
        f"- {protocol_label(summary)}: the planner and the policy received "
        f"{', '.join((summary.get('protocol') or protocol_record(summary['config']))['inputs'])}",
        f"- errands {summary['config']['errands_version']}, per-episode time limit {summary['config']['timeout_s']} s",
        "",
        f"**{headline(summary)}**",
        "",
        f"## Metrics (%, with 95% confidence intervals; {protocol_label(summary)})",
        "",
        "SR: Wilson interval; GC, PLW-SR, PLW-GC: bootstrap over episodes. PLW weighs each episode by "
        "min(1, L*/steps) and by its expert length L*.",
        "",
        format_table(_metrics_objects(summary)),
        "",
        *constraint_section(summary),
        f"## Failures ({protocol_label(summary)})",
        "",
        "Planner side: the plan was wrong (unparsable, hallucinated object or action, wrong order, missing "
        "step, ...). Execution side: the plan was right and carrying it out failed.",
        "",
        failure_table(summary),
        "",
    ]
    if failed:
        lines += [f"## Failed episodes (first {min(len(failed), FAILURE_LIST_LIMIT)} of {len(failed)})", "",
                  "| episode | task type | kind | reason |", "|---|---|---|---|"]
        for record in failed[:FAILURE_LIST_LIMIT]:
            side, kind = classify_failure(record) or ("", "")
            reason = str(record.get("failure_reason", "")).replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(f"| {record['episode_id']} | {record.get('task_type', '')} | {side}: {kind} | {reason} |")
        lines.append("")
    return "\n".join(lines)


# --- HTML with plots -----------------------------------------------------------------

def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def per_type_plot(summary: dict) -> str:
    """Grouped bars: each metric per task type, with 95% interval error bars (base64 PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(summary["metrics"])
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(names)), 3.8))
    width = 0.2
    x = np.arange(len(names))
    for k, (key, label) in enumerate(METRIC_NAMES):
        values, low, high = [], [], []
        for name in names:
            m = summary["metrics"][name]
            v, ci = m[key], m[f"{key}_ci"]
            values.append(100 * v if v is not None else 0.0)
            # a percentile bootstrap interval need not contain the estimate: clamp at 0
            low.append(max(0.0, 100 * (v - ci[0])) if v is not None and ci else 0.0)
            high.append(max(0.0, 100 * (ci[1] - v)) if v is not None and ci else 0.0)
        ax.bar(x + (k - 1.5) * width, values, width, yerr=[low, high], capsize=2, label=label)
    ax.set_xticks(x)
    ax.set_xticklabels([n.replace("_", " ") for n in names], rotation=25, ha="right", fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title(f"Metrics per task type (95% CI; {protocol_label(summary)})")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the bars, never over them
    return _png(fig)


def failure_plot(summary: dict) -> str:
    """Horizontal bars: failed episodes per kind, planner side and execution side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(side, kind, n) for side in ("planner", "execution") for kind, n in summary["failures"][side].items()]
    fig, ax = plt.subplots(figsize=(6.0, 0.28 * len(rows) + 1.0))
    colors = {"planner": "#c0504d", "execution": "#4f81bd"}
    ax.barh([f"{side}: {kind}" for side, kind, _ in rows], [n for *_, n in rows],
            color=[colors[side] for side, *_ in rows])
    ax.invert_yaxis()
    ax.set_xlabel("failed episodes")
    ax.set_title(f"Failures: {summary['failures']['failed']} of {summary['failures']['episodes']} episodes")
    ax.tick_params(axis="y", labelsize=8)
    return _png(fig)


def _html_table(markdown_table: str) -> str:
    rows = [r.strip().strip("|").split("|") for r in markdown_table.splitlines()]
    head, body = rows[0], rows[2:]
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(c.strip())}</th>" for c in head) + "</tr></thead><tbody>"]
    for row in body:
        out.append("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _constraint_html(summary: dict) -> str:
    lines = constraint_section(summary)
    if not lines:
        return ""
    return f"<h2>{html.escape(lines[0].removeprefix('## '))}</h2>\n<p>{html.escape(lines[2])}</p>\n" + _html_table(lines[4])


def html_report(summary: dict, failed: list[dict]) -> str:
    suite = summary["suite"]
    title = f"{summary['planner']} + {summary['policy']} on {suite['name']}"
    failed_rows = "".join(
        f"<tr><td>{html.escape(r['episode_id'])}</td><td>{html.escape(str(r.get('task_type', '')))}</td>"
        f"<td>{html.escape(': '.join(classify_failure(r) or ('', '')))}</td>"
        f"<td>{html.escape(str(r.get('failure_reason', ''))[:300])}</td></tr>" for r in failed[:FAILURE_LIST_LIMIT])
    failed_html = (f"<h2>Failed episodes (first {min(len(failed), FAILURE_LIST_LIMIT)} of {len(failed)})</h2>"
                   f"<table><thead><tr><th>episode</th><th>task type</th><th>kind</th><th>reason</th></tr></thead>"
                   f"<tbody>{failed_rows}</tbody></table>") if failed else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>errands evaluation: {html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }}
td:not(:first-child) {{ font-variant-numeric: tabular-nums; }}
.headline {{ font-size: 1.2em; font-weight: bold; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>Evaluation: {html.escape(title)}</h1>
<p>suite <code>{html.escape(suite['name'])}</code>, {suite['episodes']} episodes, hash
<code>{html.escape(suite['hash'][:16])}</code>; {summary['episodes']} of {summary['expected']} episodes reported;
backend {html.escape(summary['run']['backend'])} x{summary['run']['workers']};
{html.escape(protocol_label(summary))}.</p>
<p class="headline">{html.escape(headline(summary))}</p>
<h2>Metrics (%, 95% confidence intervals; {html.escape(protocol_label(summary))})</h2>
{_html_table(format_table(_metrics_objects(summary)))}
<img alt="metrics per task type with 95% confidence intervals" src="data:image/png;base64,{per_type_plot(summary)}">
{_constraint_html(summary)}
<h2>Failures ({html.escape(protocol_label(summary))})</h2>
{_html_table(failure_table(summary))}
<img alt="failures by kind" src="data:image/png;base64,{failure_plot(summary)}">
{failed_html}
</body></html>
"""
