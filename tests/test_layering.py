"""The house rules of docs/contributing.md, enforced on the source (AST): layers, no import cycles,
no private name imported across modules.

Layers, bottom to top: the top-level modules and `ojexcel/io/` (shared); the products
`ojexcel/survey/` and `ojexcel/isu/`, which never import each other; the surfaces (`ojexcel/cli/`,
`ojexcel/api.py`, `ojexcel/site/`, the package `__init__` and `__main__`), the only modules that
import a product.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ojexcel"
SURFACES = ("ojexcel", "ojexcel.__main__", "ojexcel.api", "ojexcel.cli", "ojexcel.site")
PRODUCTS = ("ojexcel.survey", "ojexcel.isu")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = modules()


def resolve(mod: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = mod.split(".") if is_package else mod.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(mod: str) -> list[tuple[str, tuple[str, ...], int]]:
    """(imported module, names imported from it, line) for every import of `mod`, local ones too."""
    path = MODULES[mod]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    annotations_only = {  # `if TYPE_CHECKING:` imports name types for annotations, never run
        id(n) for block in ast.walk(tree)
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for stmt in block.body for n in ast.walk(stmt)
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in annotations_only:
            continue
        if isinstance(node, ast.Import):
            out += [(a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = resolve(mod, path.name == "__init__.py", node)
            names = tuple(a.name for a in node.names)
            # `from . import x`: x is a module when one of that name exists
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            out += [(s, (), node.lineno) for s in subs]
            rest = tuple(n for n in names if f"{target}.{n}" not in MODULES)
            if rest or not subs:
                out.append((target, rest, node.lineno))
    return [(t, n, line) for t, n, line in out if t == "ojexcel" or t.startswith("ojexcel.")]


def owner(mod: str) -> str:
    """The module's place: a product's name, 'surface' or 'base'."""
    for product in PRODUCTS:
        if mod == product or mod.startswith(product + "."):
            return product
    if mod in SURFACES or any(mod.startswith(s + ".") for s in SURFACES[1:]):
        return "surface"
    return "base"


def test_the_layers_hold():
    wrong = []
    for mod in MODULES:
        mine = owner(mod)
        for target, _, line in imports(mod):
            theirs = owner(target)
            if mine == "surface" or theirs == "base" or theirs == mine:
                continue
            wrong.append(f"{MODULES[mod].relative_to(ROOT)}:{line}: {mod} ({mine}) imports {target} ({theirs})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in imports(m) if t in MODULES and t != m} for m in MODULES}
    # a package's __init__ importing its own submodules to re-export them is not a cycle of jobs
    for m in graph:
        graph[m] = {t for t in graph[m] if not (MODULES[t].name == "__init__.py" and m.startswith(t + "."))}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["ojexcel", "dev", "bench", "tests"])
def test_no_private_name_is_imported_across_modules(folder):
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__") and not (
                        node.level == 1 and node.module is None and (path.parent / f"{a.name}.py").exists()
                    ):  # a private module of the package itself (click's `_compat.py`) is its own
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {a.name} from {node.module}")
    assert not found, "\n".join(found)


def test_the_checks_see_what_they_check():
    """The AST walk finds the imports the rules are about (a rule that sees nothing proves nothing)."""
    assert ("ojexcel.io.tables", ("ISU_LIMITS", "open_table"), 36) in [
        (t, n, line) for t, n, line in imports("ojexcel.isu.reader") if t == "ojexcel.io.tables"
    ] or any(t == "ojexcel.io.tables" for t, _, _ in imports("ojexcel.isu.reader"))
    assert owner("ojexcel.cli.isu") == "surface" and owner("ojexcel.isu.tidy") == "ojexcel.isu"
    assert owner("ojexcel.io.output") == "base" and owner("ojexcel.rounding") == "base"
    assert any(t.startswith("ojexcel.survey") for t, _, _ in imports("ojexcel.cli.survey"))
