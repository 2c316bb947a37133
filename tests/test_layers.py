"""The layers of pariah, enforced: core -> storage -> analysis -> presentation -> edges. A module may import
from its own layer or below, never above, and no two modules may import each other, directly or through
others (imports inside functions count; imports only for type checkers do not)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = ("core", "storage", "analysis", "presentation", "edges")
#: The first matching prefix decides a module's layer.
PLACES = (
    ("pariah.ledger", "storage"),
    ("pariah.measure", "analysis"), ("pariah.forecast", "analysis"), ("pariah.leverage", "analysis"),
    ("pariah.events", "analysis"), ("pariah.api", "analysis"),
    ("pariah.present", "presentation"), ("pariah.report", "presentation"), ("pariah.brief", "presentation"),
    ("pariah.cli", "edges"), ("pariah.web", "edges"), ("pariah.clidoc", "edges"),
    ("pariah", "core"),
)


def layer(module: str) -> str:
    return next(place for prefix, place in PLACES if module == prefix or module.startswith(prefix + "."))


def _modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / "pariah").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(name: str) -> set[str]:
    """The pariah modules ``name`` imports at run time."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name and m != "pariah"}


GRAPH = {name: imports(name) for name in MODULES}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_points_up_a_layer(name):
    mine = LAYERS.index(layer(name))
    upward = sorted(m for m in GRAPH[name] if LAYERS.index(layer(m)) > mine)
    assert not upward, f"{name} ({layer(name)}) imports {upward} from a higher layer"


def test_no_import_cycle():
    # a module's own package __init__ re-exporting it is not a cycle of logic: leave packages out
    graph = {n: {m for m in deps if not (MODULES[m].name == "__init__.py" and n.startswith(m + "."))}
             for n, deps in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_every_module_has_a_layer_and_the_layers_are_the_readme_s():
    assert {layer(m) for m in MODULES} == set(LAYERS)
    readme = (SRC.parent / "README.md").read_text(encoding="utf-8")
    assert " -> ".join(LAYERS) in readme
