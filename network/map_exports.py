"""A stored map level taken elsewhere: CSV (nodes, edges), GraphML and GEXF (networkx's writers, for Gephi)
and an XLSX workbook Kumu imports as it is ("Elements" and "Connections" sheets).
Pure functions of a level's nodes and ties.

Column headers are in the reader's language, except the ones the tools read by name (Gephi's id, label,
source, target and weight; Kumu's sheet names, Label, Type, From, To, Direction and Strength): translated,
those would no longer import."""

from __future__ import annotations

import io

import networkx as nx
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from network.csv_cells import SafeWriter
from network.map_drawing import sector_label
from network.map_schema import Edge, Node


def node_columns() -> list[str]:
    return ["id", "label", _("agency"), _("sector"), _("ties"), _("betweenness"), _("cut point"), _("last active")]


def edge_columns() -> list[str]:
    return ["source", "target", "weight", _("where it comes from"), _("most recent"), _("trust")]


def _sources(sources: dict[str, int], labels: dict[str, str] | None = None) -> str:
    """Where a tie comes from, counted: the sources' keys for Gephi's attributes, their names (`labels`, in the
    reader's language) for the tables people read."""
    if labels is None:
        return "; ".join(f"{k}:{n}" for k, n in sources.items())
    return "; ".join(f"{labels.get(k, k)}: {n}" for k, n in sources.items())


def nodes_csv(nodes: list[Node]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(node_columns())
    for n in nodes:
        writer.writerow(
            [
                n["key"],
                n["label"],
                n["agency"],
                sector_label(n["sector"]),
                n["degree"],
                n["betweenness"],
                n["cut_point"],
                n["last_active"] or "",
            ]
        )
    return out.getvalue()


def edges_csv(edges: list[Edge], *, source_labels: dict[str, str]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(edge_columns())
    for e in edges:
        writer.writerow(
            [
                e["a"],
                e["b"],
                e["weight"],
                _sources(e["sources"], source_labels),
                e["last"],
                "" if e["trust"] is None else e["trust"],
            ]
        )
    return out.getvalue()


def _graph(nodes: list[Node], edges: list[Edge]) -> nx.Graph:
    graph = nx.Graph()
    for n in nodes:
        graph.add_node(
            n["key"],
            label=n["label"],
            agency=n["agency"],
            sector=sector_label(n["sector"]),
            degree=n["degree"],
            betweenness=n["betweenness"],
            last_active=n["last_active"] or "",
        )
    for e in edges:
        attrs: dict[str, object] = {"weight": e["weight"], "sources": _sources(e["sources"]), "last": e["last"]}
        if e["trust"] is not None:
            attrs["trust"] = e["trust"]
        graph.add_edge(e["a"], e["b"], **attrs)
    return graph


def graphml(nodes: list[Node], edges: list[Edge]) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(_graph(nodes, edges), out)
    return out.getvalue()


def gexf(nodes: list[Node], edges: list[Edge]) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(_graph(nodes, edges), out)
    return out.getvalue()


def _row(sheet: object, values: list[object]) -> list[WriteOnlyCell]:  # sheet: a write-only worksheet
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # openpyxl stores text starting with "=" as a formula; a name is always plain text.
            cell.data_type = "s"
        cells.append(cell)
    return cells


def kumu_xlsx(nodes: list[Node], edges: list[Edge], *, people: bool, source_labels: dict[str, str]) -> bytes:
    """Kumu's import workbook: elements by Label (unique: a repeated name gets its agency after it) and
    connections From/To those labels."""
    book = Workbook(write_only=True)
    elements = book.create_sheet("Elements")
    elements.append(["Label", "Type", _("Agency"), _("Sector"), _("Betweenness"), _("Last active")])
    seen: dict[str, int] = {}
    for n in nodes:
        seen[n["label"]] = seen.get(n["label"], 0) + 1
    label_of = {}
    for n in nodes:
        label = n["label"] if seen[n["label"]] == 1 else f"{n['label']} ({n['agency'] or n['key']})"
        label_of[n["key"]] = label
        elements.append(
            _row(
                elements,
                [
                    label,
                    # Kumu's own element types, which its templates style: kept as Kumu names them.
                    "Person" if people else "Organization",
                    n["agency"],
                    sector_label(n["sector"]),
                    n["betweenness"],
                    n["last_active"] or "",
                ],
            )
        )
    connections = book.create_sheet("Connections")
    connections.append(["From", "To", "Type", "Direction", "Strength", _("Most recent"), _("Trust")])
    for e in edges:
        connections.append(
            _row(
                connections,
                [
                    label_of[e["a"]],
                    label_of[e["b"]],
                    _sources(e["sources"], source_labels),
                    "undirected",
                    e["weight"],
                    e["last"],
                    e["trust"],
                ],
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
