"""The action sequences of every packaged suite, as hashes, to show that a change kept
behaviour exactly: run it before and after, then compare the two files.

    python benchmarks/action_sequences.py --out runs/actions-before.json
    python benchmarks/action_sequences.py --out runs/actions-after.json --compare runs/actions-before.json

Each suite is played with the oracle planner and each policy (`--policies`), on the
procedural scenes and, with `--layouts`, on ALFRED's floor plans. For every episode the
file holds the SHA-256 of its actions in order (one per line), so two files are equal
exactly when every episode took the same actions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

SUITES = ("smoke", "valid_seen", "valid_unseen", "novel_phrasing")


def episode_hashes(run_folder: Path) -> dict[str, str]:
    hashes = {}
    for line in (run_folder / "episodes.jsonl").read_text().splitlines():
        record = json.loads(line)
        actions = "\n".join(str(step["action"]) for step in record["steps"])
        hashes[record["episode_id"]] = hashlib.sha256(actions.encode()).hexdigest()
    return dict(sorted(hashes.items()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="JSON file of the hashes")
    parser.add_argument("--compare", type=Path, help="an earlier file: exit 1 if any episode's actions differ")
    parser.add_argument("--suites", default=",".join(SUITES), help="comma-separated packaged suites")
    parser.add_argument("--policies", default="expert,learned", help="comma-separated skill policies")
    parser.add_argument("--layouts", help="ALFRED's gen/layouts folder: also play the floor-plan variants")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=Path, default=Path("runs/action-sequences"), help="where the runs go")
    args = parser.parse_args(argv)

    variants = [("procedural", None)] + ([("floorplans", args.layouts)] if args.layouts else [])
    result: dict[str, dict[str, str]] = {}
    for scenes, layouts in variants:
        for suite in args.suites.split(","):
            for policy in args.policies.split(","):
                key = f"{scenes}/{suite}/{policy}"
                folder = args.runs / key.replace("/", "-")
                command = [sys.executable, "-m", "errands.cli", "eval", "--suite", suite, "--policy", policy,
                           "--workers", str(args.workers), "--out", str(folder), "--overwrite", "--no-progress"]
                if layouts:
                    command += ["--layouts", layouts]
                started = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=os.environ.copy())
                result[key] = episode_hashes(folder)
                print(f"{key}: {len(result[key])} episodes, {time.perf_counter() - started:.0f} s", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    if args.compare is None:
        return 0
    before = json.loads(args.compare.read_text())
    differ = 0
    for key, hashes in result.items():
        if key not in before:
            print(f"{key}: not in {args.compare}")
            continue
        changed = [e for e in hashes if before[key].get(e) != hashes[e]]
        missing = sorted(set(before[key]) - set(hashes))
        differ += len(changed) + len(missing)
        print(f"{key}: {len(hashes) - len(changed)} of {len(hashes)} episodes identical"
              + (f", {len(missing)} missing" if missing else ""))
    print("identical" if not differ else f"{differ} episodes differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
