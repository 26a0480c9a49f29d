"""The simulator's modules import each other without a cycle, and handlers never see the whole.

Imports under `if TYPE_CHECKING:` count too: they are how a cycle hides.
"""

import ast
from pathlib import Path

import robin_simulator

PACKAGE = Path(robin_simulator.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The package's modules that `path` imports (relative imports resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in paths}
    # The package's __init__ re-exports the public surface; it is the top, not a link in a cycle.
    return {
        module_name(path): imported_modules(path, known) - {"robin_simulator"}
        for path in paths
        if path.name != "__main__.py"
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> list[str] | None:
        if module in trail:
            return [*trail[trail.index(module) :], module]
        if module in done:
            return None
        for target in sorted(graph.get(module, set())):
            if cycle := visit(target, [*trail, module]):
                return cycle
        done.add(module)
        return None

    for module in sorted(graph):
        if cycle := visit(module, []):
            return cycle
    return None


def test_the_simulator_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_handlers_and_middleware_do_not_import_the_simulator():
    graph = import_graph()
    narrow = [m for m in graph if m.startswith("robin_simulator.handlers")]
    narrow.append("robin_simulator.middleware")
    assert [m for m in narrow if "robin_simulator.simulator" in graph[m]] == []
