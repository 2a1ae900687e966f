"""The folder of runs the viewer serves, read-only.

A run is a folder holding `episodes.jsonl` (an evaluation run: one EpisodeLog per line,
beside config.json, summary.json and the reports) or `episode.json` (one episode, as
`errands run` writes). Runs are found anywhere up to a few folders below the root, the
root itself included.

Every path a request names is resolved (symlinks followed) and must stay inside the
root: `..`, absolute paths and links that lead out are refused. A damaged line or a log
that lacks fields is kept as an episode with an error, so that the rest of the run
still loads.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from ..episode_log import EpisodeLog
from ..eval.metrics import compute_metrics
from .replay import ReplayError, parse_log

EPISODES_FILE, SINGLE_EPISODE_FILE = "episodes.jsonl", "episode.json"
MAX_DEPTH = 4  # folders below the root searched for runs
REPORT_FILES = ("report.html", "report.md", "summary.json", "config.json", "episode.gif", "episode.mp4")
# What /files/ may serve from the runs folder: results, never code.
SERVED_SUFFIXES = {".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8",
                   ".json": "application/json", ".jsonl": "application/json", ".txt": "text/plain; charset=utf-8",
                   ".png": "image/png", ".gif": "image/gif", ".mp4": "video/mp4"}


class OutsideRoot(PermissionError):
    """A requested path leads outside the runs folder."""


def resolve_inside(root: Path, relative: str) -> Path:
    """`root / relative` with every link resolved; OutsideRoot if it climbs with `..`
    or ends anywhere but the root or below it."""
    if "\x00" in relative:
        raise OutsideRoot(f"{relative!r} is not a valid path")
    if ".." in Path(relative).parts:  # refused even where it would come back inside
        raise OutsideRoot(f"{relative!r} is outside the runs folder")
    candidate = (root / relative).resolve()
    if candidate != root and root not in candidate.parents:
        raise OutsideRoot(f"{relative!r} is outside the runs folder")
    return candidate


class RunsFolder:
    def __init__(self, root: str | Path):
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(f"runs folder {str(root)!r} does not exist: give the folder that holds your runs "
                                    f"(errands eval --out DIR, errands run --out DIR)")
        self.root = root.resolve()
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple[int, int], list[dict], dict, dict | None]] = {}

    # --- finding runs and their files ------------------------------------------------

    def find_runs(self) -> list[str]:
        """Paths of the runs, relative to the root ('.' for the root itself), sorted."""
        found = []
        for folder, subfolders, files in os.walk(self.root):
            here = Path(folder)
            depth = len(here.relative_to(self.root).parts)
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")) if depth < MAX_DEPTH else []
            if EPISODES_FILE in files or SINGLE_EPISODE_FILE in files:
                found.append(here.relative_to(self.root).as_posix())
        return sorted(found)

    def run_dir(self, run: str) -> Path:
        path = resolve_inside(self.root, run)
        if not ((path / EPISODES_FILE).is_file() or (path / SINGLE_EPISODE_FILE).is_file()):
            raise FileNotFoundError(f"no run {run!r}: a run folder holds {EPISODES_FILE} or {SINGLE_EPISODE_FILE}")
        return path

    def file(self, relative: str) -> tuple[Path, str]:
        """A results file below the root and its content type."""
        path = resolve_inside(self.root, relative)
        kind = SERVED_SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise OutsideRoot(f"{relative!r}: only results files are served ({', '.join(sorted(SERVED_SUFFIXES))})")
        if not path.is_file():
            raise FileNotFoundError(f"no file {relative!r} in the runs folder")
        return path, kind

    # --- episodes -----------------------------------------------------------------------

    def episodes(self, run: str) -> list[dict]:
        """The run's episodes: {"i", "line", "record" (or None), "error" (or None)}."""
        return self._read(self.run_dir(run))[0]

    def episode(self, run: str, index: int) -> dict:
        entries = self.episodes(run)
        if not 0 <= index < len(entries):
            raise FileNotFoundError(f"run {run!r} has no episode {index}: expected 0 to {len(entries) - 1}")
        return entries[index]

    def config(self, run: str) -> dict:
        return self._read(self.run_dir(run))[1]

    def _read(self, folder: Path) -> tuple[list[dict], dict, dict | None]:
        """The run's episodes, config and metrics, read again only when its log file changes."""
        source = folder / EPISODES_FILE
        if not source.is_file():
            source = folder / SINGLE_EPISODE_FILE
        stat = source.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(source)
        if cached and cached[0] == key:
            return cached[1:]
        text = source.read_text(encoding="utf-8", errors="replace")
        if source.name == EPISODES_FILE:
            lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        else:
            lines = [(1, text)]
        entries = [_entry(i, n, line, source.name) for i, (n, line) in enumerate(lines)]
        config = _read_json(folder / "config.json")
        logs = [EpisodeLog.from_dict(e["record"]) for e in entries if e["error"] is None]
        metrics = compute_metrics(logs).to_dict() if logs else None
        with self._lock:
            self._cache[source] = (key, entries, config, metrics)
        return entries, config, metrics

    # --- what the pages list ----------------------------------------------------------

    def summary(self, run: str) -> dict:
        folder = self.run_dir(run)
        entries, config, metrics = self._read(folder)
        first = next((EpisodeLog.from_dict(e["record"]) for e in entries if e["error"] is None), None)
        suite = config.get("suite") if isinstance(config.get("suite"), dict) else {}
        return {"run": run, "kind": "eval" if (folder / EPISODES_FILE).is_file() else "single",
                "suite": suite.get("name"), "planner": config.get("planner") or (first.planner if first else None),
                "policy": config.get("policy") or (first.policy if first else None),
                "episodes": len(entries), "errors": sum(1 for e in entries if e["error"]),
                "metrics": metrics, "files": [name for name in REPORT_FILES if (folder / name).is_file()],
                "modified": max((folder / f).stat().st_mtime for f in (EPISODES_FILE, SINGLE_EPISODE_FILE)
                                if (folder / f).is_file())}

    def rows(self, run: str) -> list[dict]:
        return [episode_row(e) for e in self.episodes(run)]


def _entry(index: int, line_number: int, text: str, file_name: str) -> dict:
    where = f"{file_name} line {line_number}" if file_name == EPISODES_FILE else file_name
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        return {"i": index, "line": line_number, "record": None, "error": f"{where} is not valid JSON: {e}"}
    try:
        parse_log(record)
    except ReplayError as e:
        return {"i": index, "line": line_number, "record": None, "error": f"{where}: {e}"}
    return {"i": index, "line": line_number, "record": record, "error": None}


def episode_row(entry: dict) -> dict:
    """One line of a run's episode table: identity, outcome and every per-episode metric."""
    row = {"i": entry["i"], "line": entry["line"], "error": entry["error"]}
    record = entry["record"]
    if record is None:
        return row
    log = EpisodeLog.from_dict(record)
    task = log.task if isinstance(log.task, dict) else {}
    m = log.episode_metrics()
    row.update({"episode_id": record.get("episode_id", task.get("task_id")), "task_type": log.task_type,
                "scene": task.get("scene"), "instruction": log.instruction, "success": log.success,
                "failure_category": log.failure_category, "failure_kind": log.failure_kind,
                "failure_reason": log.failure_reason, "steps": m["steps"], "failures": m["failures"],
                "gc": m["gc"], "s_spl": m["s_spl"], "pc_spl": m["pc_spl"], "expert_length": log.expert_length,
                "replans": max(0, len(log.plans) - 1), "wall_time_s": log.wall_time_s})
    return row


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
