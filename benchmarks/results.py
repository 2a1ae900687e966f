"""Measured results as data: one JSON file per table under benchmarks/results/.

A benchmark ends with write_result(name, rows, columns=...), which records the rows with
the exact command that produced them, the commit (with "-dirty" when the work tree had
uncommitted changes) and the date, so that docs/results/ (written by
benchmarks/results_docs.py) says where every figure comes from. Scripts write only when
run with --results (add_results_flag), so a quick run at small settings never replaces
a committed result.

The file, for a result NAME (benchmarks/results/NAME.json):

    name, title          the result's id and the heading of its table
    command              the command line that produced it
    commit, date         `git rev-parse HEAD` (+ "-dirty") when the benchmark started, and the
                         ISO date it ended
    columns              [{key, label, align ("left"|"right"), format (optional)}]
    rows                 [{key: value}]: numbers as numbers, text as text
    description, notes   optional Markdown shown before and after the table
    transcribed_from     only for figures copied from an earlier README, not re-run
"""

from __future__ import annotations

import datetime
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REQUIRED_KEYS = ("name", "title", "command", "commit", "date", "columns", "rows")


def current_commit(repository: Path = RESULTS_DIR.parent.parent) -> str:
    """HEAD's hash, with "-dirty" when tracked files differ from it; "unknown" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repository,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


# The commit the measurement ran at: taken when the benchmark starts (it imports this
# module), since the work tree may change while a long benchmark runs.
COMMIT_AT_START = current_commit()


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed: `python benchmarks/x.py --flag value`."""
    argv = sys.argv if argv is None else argv
    return shlex.join(["python", *argv])


def column(key: str, label: str | None = None, align: str = "right", format: str | None = None) -> dict:
    """One column of a result's table; format is a Python format spec for numbers (",.0f")."""
    if align not in ("left", "right"):
        raise ValueError(f"align must be 'left' or 'right', got {align!r}")
    spec = {"key": key, "label": label if label is not None else key, "align": align}
    if format is not None:
        spec["format"] = format
    return spec


def write_json_atomically(path: Path, data: dict) -> None:
    """Write data as indented JSON through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_result(name: str, rows: list[dict], *, columns: list[dict], title: str, description: str = "",
                 notes: str = "", directory: Path = RESULTS_DIR, argv: list[str] | None = None,
                 **extra) -> Path:
    """Write benchmarks/results/NAME.json: the rows with command, commit and date filled in.

    Keeps the description (what was measured, written by hand once) of an existing file of
    that name unless a new one is given; its notes, which discuss the old figures, are
    dropped: write new ones for the new figures."""
    if not rows:
        raise ValueError(f"result {name!r} has no rows")
    missing = sorted({c["key"] for c in columns} - set().union(*rows))
    if missing:
        raise ValueError(f"result {name!r}: columns {missing} are in no row")
    path = Path(directory) / f"{name}.json"
    previous = json.loads(path.read_text()) if path.is_file() else {}
    data = {
        "name": name,
        "title": title,
        "command": command_line(argv),
        "commit": COMMIT_AT_START,
        "date": datetime.date.today().isoformat(),
        "description": description or previous.get("description", ""),
        "columns": columns,
        "rows": rows,
        "notes": notes,
        **extra,
    }
    write_json_atomically(path, data)
    print(f"result written: {path}")
    return path


def add_results_flag(parser) -> None:
    """--results: write the tables to benchmarks/results/ (off by default)."""
    parser.add_argument("--results", action="store_true",
                        help="write the tables to benchmarks/results/*.json (then run benchmarks/results_docs.py)")
