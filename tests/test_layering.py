"""The one seam between the apps: network reads outcomes only through outcomes.selectors.for_network.

`outcomes` builds on `network`; were network to import outcomes anywhere else, the two would grow
into one. Read statically, so an import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEAM = "outcomes.selectors.for_network"


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
