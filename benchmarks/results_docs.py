"""Write docs/results/*.md from the measured results in benchmarks/results/*.json.

Every table in docs/results is generated here: a page per topic (PAGES), a section per
result with its description, its table, the command, commit and date that produced it,
and the notes that explain it. Edit the JSON (or re-run the benchmark with --results),
never the Markdown; tests/test_results_docs.py fails when the two disagree.

Run:  python benchmarks/results_docs.py [--out docs/results]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from results import REQUIRED_KEYS, RESULTS_DIR

DOCS_DIR = RESULTS_DIR.parent.parent / "docs" / "results"

# page file -> (title, introduction, results in the order shown)
PAGES = {
    "simulator.md": (
        "Simulator", "How fast the built-in household simulator steps, creates scenes and plays the expert, "
        "beside minigrid's BabyAI.",
        ["sim_throughput", "scene_creation", "sim_memory", "sim_vector_throughput", "sim_vector_memory",
         "sim_vector_two_cores", "sim_vector_pool_refresh", "sim_vector_camera_throughput", "sim_vector_camera_memory", "expert", "expert_quiet"]),
    "camera.md": (
        "First-person camera", "The camera's cost, how far the geometric visibility rule and the camera agree, "
        "and the suites played through the camera.",
        ["render_throughput", "visibility_gap", "camera_suites", "camera_expert", "camera_expert_words",
         "camera_policies"]),
    "evaluation.md": (
        "Evaluation", "The packaged suites with each planner and policy, and how fast the runners play them.",
        ["evaluation_suites", "eval_throughput", "eval_throughput_quiet", "eval_threads"]),
    "planner.md": (
        "Planners", "Reading goals from templated and hand-written instructions (the goal interpreter, the rules, "
                    "packaged and served language models), and the packaged SmolLM2-135M through llama.cpp as a "
                    "planner, with and without retrieval.",
        ["goal_readers", "goal_readers_openai", "llm_planner"]),
    "imitation.md": (
        "Learned skill policies (imitation)", "Behaviour cloning and DAgger on expert demonstrations, the "
        "learned policy's rules for refused actions and loops, and training in ALFRED's floor plans.",
        ["imitation", "learned_refusal_memory", "learned_loop_escape", "imitation_floorplans", "imitation_camera",
         "imitation_camera_training"]),
    "rl.md": (
        "RL fine-tuning (PPO)", "PPO from scratch and on top of imitation, in procedural scenes and in ALFRED's "
        "floor plans.",
        ["rl_scratch", "rl_vs_imitation", "rl_options", "rl_before_loop_escape", "rl_floorplans_before_loop_escape",
         "rl_throughput"]),
    "constraints.md": (
        "Constraints, household rules and text in the world", "Tasks that must be done within constraints, read "
        "from their words, under an operator's household rules, and with injected instructions written on things "
        "in the room: each planner with the expert, beside the same tasks without constraints or text.",
        ["constraints", "constraints_by_kind", "constraint_reader", "household_rules"]),
    "viewer.md": (
        "Viewer", "Latency and streaming rates of the web viewer.",
        ["viewer"]),
    "babyai.md": (
        "BabyAI", "Behaviour cloning on the BabyAI bot's demonstrations, per level and budget.",
        ["babyai_bc"]),
    "datasets.md": (
        "Datasets", "Demonstrations collected one episode at a time and over the batched worlds, and exported "
        "for other tools: LeRobot (v3.0 layout) and Minari.",
        ["collect_throughput", "dataset_export"]),
}


def load_results(directory: Path = RESULTS_DIR) -> dict[str, dict]:
    """Every result file by name; a file missing a required key is an error naming it."""
    results = {}
    for path in sorted(Path(directory).glob("*.json")):
        data = json.loads(path.read_text())
        missing = [k for k in REQUIRED_KEYS if not data.get(k)]
        if missing:
            raise ValueError(f"{path}: missing {missing} (every result needs {list(REQUIRED_KEYS)})")
        if data["name"] != path.stem:
            raise ValueError(f"{path}: name {data['name']!r} differs from the file name")
        results[data["name"]] = data
    return results


def cell(value, spec: dict) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "format" in spec:
        return format(value, spec["format"])
    return str(value)


def table(result: dict) -> str:
    columns = result["columns"]
    lines = ["| " + " | ".join(c["label"] for c in columns) + " |",
             "|" + "|".join("---:" if c["align"] == "right" else "---" for c in columns) + "|"]
    for row in result["rows"]:
        lines.append("| " + " | ".join(cell(row.get(c["key"]), c) for c in columns) + " |")
    return "\n".join(lines)


def provenance(result: dict) -> str:
    commit = result["commit"]
    short = commit[:10] + ("-dirty" if commit.endswith("-dirty") else "")
    lines = [f"Command: `{result['command']}`  ", f"Commit: `{short}`, {result['date']}"]
    if result.get("transcribed_from"):
        lines[-1] += f"; transcribed from {result['transcribed_from']} (not re-run since)"
    return "\n".join(lines)


def section(result: dict) -> str:
    parts = [f"## {result['title']}"]
    if result.get("description"):
        parts.append(result["description"].strip())
    parts.append(table(result))
    parts.append(provenance(result))
    if result.get("notes"):
        parts.append(result["notes"].strip())
    return "\n\n".join(parts)


def page(title: str, intro: str, names: list[str], results: dict[str, dict]) -> str:
    header = (f"# {title}\n\n<!-- Generated by benchmarks/results_docs.py from benchmarks/results/*.json: "
              f"edit those, not this file. -->\n\n{intro}")
    return "\n\n".join([header] + [section(results[n]) for n in names]) + "\n"


def index(results: dict[str, dict]) -> str:
    lines = ["# Measured results", "",
             "<!-- Generated by benchmarks/results_docs.py from benchmarks/results/*.json: "
             "edit those, not this file. -->", "",
             "Every table here is generated from a JSON file under `benchmarks/results/` that holds the rows, the "
             "command that produced them, the commit and the date. Figures measured before the results were kept "
             "as data were transcribed from the README of their commit and say so. To re-measure, run the "
             "benchmark with `--results`, then `python benchmarks/results_docs.py` (see CONTRIBUTING.md).",
             "",
             "Unless a result says otherwise, the figures were measured on a 2-core CPU machine, often shared "
             "with other jobs; wall times are upper bounds.", ""]
    for file, (title, intro, names) in PAGES.items():
        lines.append(f"- [{title}]({file}): {intro}")
        for name in names:
            anchor = results[name]["title"]
            lines.append(f"  - [{anchor}]({file}#{slug(anchor)})")
    return "\n".join(lines) + "\n"


def slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    kept = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def render(results: dict[str, dict]) -> dict[str, str]:
    """File name -> Markdown text, for every page and the index."""
    placed = [n for _, _, names in PAGES.values() for n in names]
    unknown = sorted(set(placed) - set(results))
    if unknown:
        raise ValueError(f"PAGES names results that have no JSON file: {unknown}")
    unplaced = sorted(set(results) - set(placed))
    if unplaced:
        raise ValueError(f"results on no page (add them to PAGES in {Path(__file__).name}): {unplaced}")
    pages = {file: page(title, intro, names, results) for file, (title, intro, names) in PAGES.items()}
    pages["README.md"] = index(results)
    return pages


def write_docs(out: Path = DOCS_DIR, directory: Path = RESULTS_DIR) -> list[Path]:
    """Write every page into out, removing Markdown files there that no result produces."""
    pages = render(load_results(directory))
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    written = []
    for name, text in pages.items():
        path = out / name
        path.write_text(text)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DOCS_DIR, help=f"folder of the pages (default {DOCS_DIR})")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="folder of the JSON results")
    args = parser.parse_args(argv)
    for path in write_docs(args.out, args.results_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
