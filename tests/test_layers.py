"""The import rules of errands, read from every module's source with `ast` (nothing is
imported): which layer may import which, no private names across modules, no cycles.

The allowed graph mirrors design.md ("The flow of data": a layer imports only the layers
to its right, nothing reaches back up the chain):

    cli ─► viewer ─► train, eval ─► policies ─► planners ─► envs
           viewer ─► task_request ─► planners, envs
    the base modules (errands.files, errands.failures, errands.episode_log,
    errands.seeding, errands.options, errands.protocols), which every layer may import and which
    import no layer

- errands.envs (simulators, tasks) imports nothing of planners, policies, train, eval,
  viewer, cli or task_request;
- errands.planners imports no policies, train, eval, viewer or cli, and never torch at
  module level (a planner runs without torch);
- errands.policies imports no train, eval, viewer or cli;
- errands.train and errands.eval import each other and everything below, never viewer
  or cli;
- errands.task_request (what a person asks to run) imports envs and planners only;
- errands.viewer imports no cli;
- the package itself (errands/__init__.py: registration, __version__) imports envs, base
  modules and train's registration of its envs (errands.train is cheap to import and
  registers by entry point), and any layer above envs may read its __version__.

An import inside a function counts for the layers (it is still an edge, only a later
one), and so does a Gymnasium entry point string ("errands.x.y:Class"), which imports its
module when the env is made. For cycles only the imports a module executes when it is
imported count (module level, class bodies included; not in functions): no strongly
connected component of more than one module. Imports under `if TYPE_CHECKING:` name
types for annotations and are never executed: they are no edge at all.
Two more cycle rules: a cycle is one even when one of its imports waits inside a function
(that only hides it), and no two packages import each other (their edges between
subpackages and their parents aside).
A private name is one with a leading underscore that is not a dunder (`_x`, not
`__version__`); no module imports one from another module, nor reads one off an
imported module (`module._x`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "errands"
BASE_MODULES = ("errands.files", "errands.failures", "errands.episode_log", "errands.seeding", "errands.options",
                "errands.protocols")
BELOW_ENVS = {"base", "envs"}
ALLOWED = {  # layer -> the layers its modules may import
    "base": {"base"},
    "root": {"root", "base", "envs", "train"},
    "envs": BELOW_ENVS,
    "planners": BELOW_ENVS | {"root", "planners"},
    "task_request": BELOW_ENVS | {"root", "planners", "task_request"},
    "policies": BELOW_ENVS | {"root", "planners", "policies"},
    "train": BELOW_ENVS | {"root", "planners", "policies", "train", "eval"},
    "eval": BELOW_ENVS | {"root", "planners", "policies", "train", "eval"},
    "viewer": BELOW_ENVS | {"root", "planners", "task_request", "policies", "train", "eval", "viewer"},
    "doctor": BELOW_ENVS | {"doctor"},  # errands doctor: what is installed (read by cli)
    "cli": set(),  # anything: filled below
}
ALLOWED["cli"] = set(ALLOWED) | {"cli"}
NO_TORCH_AT_MODULE_LEVEL = ("planners",)
ENTRY_POINT = re.compile(r"^(errands(?:\.\w+)+):\w+$")


@dataclass(frozen=True)
class Edge:
    source: str  # the importing module
    target: str  # the imported module
    line: int
    at_import_time: bool  # executed when the source module is imported
    names: tuple[str, ...] = ()  # the names a `from ... import` takes

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


def module_files() -> dict[str, Path]:
    """Every module of errands by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def layer(module: str) -> str:
    if module == "errands":
        return "root"
    if module in BASE_MODULES:
        return "base"
    return module.split(".")[1]


def _resolve(module: str, level: int, name: str | None) -> str:
    """The absolute module a relative import names."""
    if level == 0:
        return name or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{name}" if name else package


def _walk(node: ast.AST, at_import_time: bool):
    """(node, executed at import time) for every node below `node`, leaving out what is
    under `if TYPE_CHECKING:` (names for annotations, never imported when the code runs)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other, at_import_time
                yield from _walk(other, at_import_time)
            continue
        now = at_import_time and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield child, now
        yield from _walk(child, now)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _own_module(name: str) -> str | None:
    """The errands module a dotted name is, or lies in (None outside errands)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def parse(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(), filename=str(MODULES[module]))


def edges_of(module: str) -> list[Edge]:
    edges = []
    for node, now in _walk(parse(module), True):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _own_module(alias.name)
                if target:
                    edges.append(Edge(module, target, node.lineno, now))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node.level, node.module)
            target = _own_module(base)
            if target is None:
                continue
            names = tuple(a.name for a in node.names)
            edges.append(Edge(module, target, node.lineno, now, names))
            for name in names:  # `from package import submodule`
                if f"{base}.{name}" in MODULES:
                    edges.append(Edge(module, f"{base}.{name}", node.lineno, now))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = ENTRY_POINT.match(node.value)
            if match and _own_module(match.group(1)):
                edges.append(Edge(module, _own_module(match.group(1)), node.lineno, False))
    return edges


def third_party_at_import_time(module: str) -> list[tuple[str, int]]:
    """(top-level package, line) of each import outside errands executed at import time."""
    found = []
    for node, now in _walk(parse(module), True):
        if not now:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno))
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(module: str) -> list[str]:
    """`from m import _x`, and `m._x` where m names an imported errands module."""
    found = []
    tree = parse(module)
    aliases: dict[str, str] = {}  # local name -> errands module
    for node, _ in _walk(tree, True):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _own_module(alias.name)
                if target and alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node.level, node.module)
            if _own_module(base) is None:
                continue
            for alias in node.names:
                if _is_private(alias.name):
                    found.append(f"{module} imports {alias.name} from {base} (line {node.lineno})")
                if f"{base}.{alias.name}" in MODULES:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node, _ in _walk(tree, True):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and _is_private(node.attr)):
            found.append(f"{module} reads {aliases[node.value.id]}.{node.attr} (line {node.lineno})")
    return found


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one node, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


# --- the rules ------------------------------------------------------------------------------

def test_every_module_is_in_a_layer():
    unknown = sorted(m for m in MODULES if layer(m) not in ALLOWED)
    assert not unknown, f"modules in no layer of this test (add the layer to ALLOWED): {unknown}"


def test_no_module_imports_a_private_name_of_another():
    found = [use for module in MODULES for use in private_uses(module)]
    assert not found, "private names used across modules:\n  " + "\n  ".join(found)


def test_imports_follow_the_layers():
    against = [f"{edge}: {layer(edge.source)} may not import {layer(edge.target)}"
               for module in MODULES for edge in edges_of(module)
               if layer(edge.target) not in ALLOWED[layer(edge.source)]]
    assert not against, "imports against the layers:\n  " + "\n  ".join(against)


def test_planners_do_not_import_torch_at_module_level():
    found = [f"{module} (line {line})" for module in MODULES if layer(module) in NO_TORCH_AT_MODULE_LEVEL
             for package, line in third_party_at_import_time(module) if package == "torch"]
    assert not found, "torch imported at module level by:\n  " + "\n  ".join(found)


def _package(module: str) -> str:
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def _cycles(edges: list[Edge], node) -> list[str]:
    """Each strongly connected component of more than one node (`node(module)` names a
    module's node) with the edges inside it."""
    graph: dict[str, set[str]] = {}
    first: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        a, b = node(edge.source), node(edge.target)
        graph.setdefault(a, set())
        graph.setdefault(b, set())
        if a != b:
            graph[a].add(b)
            first.setdefault((a, b), edge)
    found = []
    for component in strongly_connected(graph):
        inside = [str(first[(a, b)]) for a in component for b in sorted(graph[a]) if b in component]
        found.append(f"{' <-> '.join(component)}: " + "; ".join(inside))
    return found


ALL_EDGES = [edge for module in MODULES for edge in edges_of(module)]


def test_no_import_cycles_among_modules():
    cycles = _cycles([e for e in ALL_EDGES if e.at_import_time], lambda m: m)
    assert not cycles, "module-level import cycles:\n  " + "\n  ".join(cycles)


def test_no_cycle_is_only_deferred_into_a_function():
    """An import moved into a function to dodge a cycle is still a cycle of the design."""
    cycles = _cycles(ALL_EDGES, lambda m: m)
    assert not cycles, "import cycles, counting imports in functions and entry points:\n  " + "\n  ".join(cycles)


def test_no_import_cycles_among_packages():
    """Two packages that import each other are one concept split in two (a package may
    import its own subpackages; those edges do not count)."""
    def related(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")

    edges = [e for e in ALL_EDGES if not related(_package(e.source), _package(e.target))]
    cycles = _cycles(edges, _package)
    assert not cycles, "packages that import each other:\n  " + "\n  ".join(cycles)


def test_the_checker_sees_what_it_looks_for(tmp_path):
    """The walker finds a module-level import, a function's import, a private name and
    an entry point in code written for it (so a rule cannot pass by seeing nothing)."""
    tree = ast.parse("from .a import b\n"
                     "def f():\n    from .c import _d\n"
                     "if TYPE_CHECKING:\n    import e\n"
                     "x = 'errands.train.skill_env:HouseholdSkillEnv'\n")
    seen = [(type(node).__name__, now) for node, now in _walk(tree, True)
            if isinstance(node, (ast.ImportFrom, ast.Import, ast.Constant))]
    assert seen == [("ImportFrom", True), ("ImportFrom", False), ("Constant", True)]  # not the TYPE_CHECKING one
    assert strongly_connected({"a": {"b"}, "b": {"a", "c"}, "c": set()}) == [["a", "b"]]
    assert _resolve("errands.viewer.live", 2, "cli") == "errands.cli"
    assert _resolve("errands.envs", 1, "babyai") == "errands.envs.babyai"
    assert ENTRY_POINT.match("errands.train.skill_env:HouseholdSkillEnv")
