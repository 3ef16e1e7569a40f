"""The map drawn: colour and shape per sector, and the SVG made once, when the snapshot is made.

The task renders each level's SVG and stores it with the snapshot, so the page pastes stored markup
rather than laying out thousands of shapes on every request. Every label is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.map_schema import Edge, Node
from network.models import Sector

WIDTH, HEIGHT = 800, 560
#: Person-level labels are drawn only on a map this small (and for brokers on any map); the table has them all.
LABELS_UP_TO = 60

#: Colour and shape per sector, so the map never relies on colour alone (Okabe-Ito colours, dark outlines).
SECTOR_STYLE: dict[str, tuple[str, str]] = {
    Sector.LOCAL_AUTHORITY: ("#0072B2", "circle"),
    Sector.NHS: ("#56B4E9", "square"),
    Sector.POLICE: ("#1B2A49", "triangle"),
    Sector.FIRE: ("#D55E00", "diamond"),
    Sector.HOUSING: ("#009E73", "pentagon"),
    Sector.EDUCATION: ("#E69F00", "hexagon"),
    Sector.VOLUNTARY: ("#CC79A7", "star"),
    Sector.BUSINESS: ("#F0E442", "down"),
    Sector.ELECTED: ("#882255", "octagon"),
    Sector.OTHER: ("#999999", "cross"),
    "": ("#FFFFFF", "circle"),
}
SHAPE_NAMES = {
    "circle": gettext_lazy("circle"),
    "square": gettext_lazy("square"),
    "triangle": gettext_lazy("triangle"),
    "diamond": gettext_lazy("diamond"),
    "pentagon": gettext_lazy("pentagon"),
    "hexagon": gettext_lazy("hexagon"),
    "star": gettext_lazy("star"),
    "down": gettext_lazy("downward triangle"),
    "octagon": gettext_lazy("octagon"),
    "cross": gettext_lazy("cross"),
}
_SIDES = {"triangle": 3, "down": 3, "square": 4, "diamond": 4, "pentagon": 5, "hexagon": 6, "octagon": 8}
_TURN = {"square": math.pi / 4, "down": math.pi, "octagon": math.pi / 8}


# Lazy labels, made text on each call: in the reader's language, not the language of whoever imported this first.
_SECTOR_LABELS = dict(Sector.choices)


def sector_label(sector: str) -> str:
    # A dict, not Sector(sector): the map's tables ask this for every row.
    label = _SECTOR_LABELS.get(sector)
    return str(label) if label is not None else _("No agency")


def style(sector: str) -> tuple[str, str]:
    return SECTOR_STYLE.get(sector, SECTOR_STYLE[""])


def polygon(shape: str, cx: float, cy: float, r: float) -> str:
    """SVG points of a sector's shape (anything but a circle)."""
    if shape == "star":
        points = [
            (
                cx + (r if i % 2 == 0 else r * 0.45) * math.sin(math.pi * i / 5),
                cy - (r if i % 2 == 0 else r * 0.45) * math.cos(math.pi * i / 5),
            )
            for i in range(10)
        ]
    elif shape == "cross":
        w = r * 0.38
        outline = [(-w, -r), (w, -r), (w, -w), (r, -w), (r, w), (w, w), (w, r), (-w, r), (-w, w), (-r, w)]
        points = [(cx + x, cy + y) for x, y in [*outline, (-r, -w), (-w, -w)]]
    else:
        n, turn = _SIDES[shape], _TURN.get(shape, 0.0)
        points = [
            (cx + r * math.sin(turn + 2 * math.pi * i / n), cy - r * math.cos(turn + 2 * math.pi * i / n))
            for i in range(n)
        ]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def shape_markup(shape: str, colour: str, x: float, y: float, r: float) -> str:
    if shape == "circle":
        return f'<circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'
    return f'<polygon class="node" points="{polygon(shape, x, y, r)}" fill="{colour}"/>'


def svg_markup(nodes: list[Node], edges: Iterable[Edge], brokers: set[str], *, people: bool) -> str:
    """The inside of the map's <svg>: ties, then shapes, then labels (so labels sit on top)."""
    many = len(nodes) > LABELS_UP_TO
    r = 6.0 if people and many else 11.0
    at = {n["key"]: (n["x"] * WIDTH, n["y"] * HEIGHT) for n in nodes}
    parts = ["<g>"]
    for e in edges:
        (x1, y1), (x2, y2) = at[e["a"]], at[e["b"]]
        width = min(6.0, 1.0 + math.log2(e["weight"]))
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{width:.1f}"/>')
    parts.append("</g><g>")
    for n in nodes:
        colour, shape = style(n["sector"])
        parts.append(shape_markup(shape, colour, *at[n["key"]], r))
    parts.append("</g><g>")
    for n in nodes:
        if not many or n["key"] in brokers:
            x, y = at[n["key"]]
            # Labels on the right half run leftwards, so none runs off the edge.
            anchor = ' text-anchor="end" dx="-14"' if x > WIDTH * 0.6 else ' dx="14"'
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}"{anchor} dy="4">{escape(n["label"])}</text>')
    parts.append("</g>")
    return "".join(parts)
