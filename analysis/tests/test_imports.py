"""The package's modules form no import circle: every relative import, module-level or inside a
function, is an edge of an acyclic graph, and each module imports on its own in a fresh interpreter."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cpsim_analysis"


def relative_imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, inside a function?) for each `from .x import ...` in PATH."""
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom) and child.level == 1:
                found.append((child.module or "__init__", in_function))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def modules() -> dict[str, list[tuple[str, bool]]]:
    return {path.stem: relative_imports(path) for path in sorted(PACKAGE.glob("*.py"))}


def test_relative_imports_form_no_circle():
    graph = {name: {target for target, _ in imports} - {"__init__"} for name, imports in modules().items()}
    state: dict[str, str] = {}

    def cycle_from(name: str, trail: list[str]) -> list[str] | None:
        state[name] = "open"
        for target in sorted(graph.get(name, ())):
            if state.get(target) == "open":
                return trail + [name, target]
            if target not in state:
                found = cycle_from(target, trail + [name])
                if found:
                    return found
        state[name] = "done"
        return None

    for name in graph:
        if name not in state:
            cycle = cycle_from(name, [])
            assert cycle is None, "import circle: " + " -> ".join(cycle[cycle.index(cycle[-1]):])


def test_no_function_local_import_of_the_package():
    local = [f"{name}: from .{target} import" for name, imports in modules().items()
             for target, in_function in imports if in_function]
    assert local == []


def test_each_module_imports_alone():
    environment = dict(os.environ, PYTHONPATH=str(PACKAGE.parent), PYTHONDONTWRITEBYTECODE="1")
    for name in modules():
        module = "cpsim_analysis" if name == "__init__" else f"cpsim_analysis.{name}"
        result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                                env=environment, timeout=120)
        assert result.returncode == 0, f"import {module}:\n{result.stderr}"
