"""How the modules lean on each other, read statically from their source.

- The one seam between the apps: network reads outcomes only through outcomes.selectors.for_network.
  `outcomes` builds on `network`; were network to import outcomes anywhere else, the two would grow
  into one. An import inside a function counts too.
- No circles among the modules' own imports (those run when a module loads): a circle works or fails
  by which module happens to be imported first.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEAM = "outcomes.selectors.for_network"
APPS = ("network", "outcomes", "systemsleader")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (`from a.b import c` counts as a.b.c too, to catch `from outcomes.selectors
    import for_network`), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_network_imports_outcomes_only_through_its_seam() -> None:
    strays = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "network").rglob("*.py"))
        if "migrations" not in path.parts
        for line, name in _imports(path)
        if (name == "outcomes" or name.startswith("outcomes.")) and not name.startswith(SEAM)
    ]
    assert not strays, "network must read outcomes only through " + SEAM + ":\n" + "\n".join(strays)


def test_the_check_sees_a_stray_import(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text("def f():\n    from outcomes.services import round_close\n")
    assert (2, "outcomes.services.round_close") in _imports(stray)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _load_time_imports(path: Path, known: set[str]) -> set[str]:
    """The project's modules this one imports as it loads: its top-level imports, not those inside a
    function or under `if TYPE_CHECKING:`. `from a import b` names a.b when that is a module."""
    targets = set()
    for node in ast.parse(path.read_text(), filename=str(path)).body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        targets |= {name for name in names if name in known}
    return targets


def _graph() -> dict[str, set[str]]:
    paths = {
        _module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    known = set(paths)
    return {name: _load_time_imports(path, known) - {name} for name, path in paths.items()}


def _circles(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """Each circle once, found by depth-first search from every module in turn."""
    seen: set[frozenset[str]] = set()

    def walk(start: str, module: str, trail: list[str]) -> Iterator[list[str]]:
        for target in sorted(graph.get(module, ())):
            if target == start and frozenset(trail) not in seen:
                seen.add(frozenset(trail))
                yield [*trail, start]
            elif target not in trail and target > start:  # each circle is found from its smallest module
                yield from walk(start, target, [*trail, target])

    for start in sorted(graph):
        yield from walk(start, start, [start])


def test_no_module_imports_itself_in_a_circle() -> None:
    circles = [" -> ".join(circle) for circle in _circles(_graph())]
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_the_circle_check_sees_a_circle() -> None:
    assert list(_circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})) == [["a", "b", "c", "a"]]
