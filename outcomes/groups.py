"""Leaders grouped by agency and by sector, and the secrecy rule for showing those groups.

Pure functions over `Group`s. Under a secret ballot no group smaller than the
round's `min_group_size` is ever shown on its own: small groups are merged into
"Other", and a sector is built only from agencies shown on their own, so no
figure can be subtracted from another to recover a small group's votes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.utils import translation
from django.utils.translation import gettext, pgettext

from network.models import Sector

# The app's own group names. They are stored as they are (sealed ballots keep NO_AGENCY) and compared by
# value, so they stay English here; `group_label` says them in the reader's language.
NO_AGENCY = "No agency"
OTHER = "Other"


def group_label(name: str) -> str:
    """The name of a group to show: the app's own names and the sectors in the reader's language, agencies'
    names as typed. Sector groups are named by the sector's English label when a round closes (and kept so)."""
    if name == OTHER:
        return pgettext("a group of voters too small to show", "Other")
    if name == NO_AGENCY:
        return gettext("No agency")
    sector = _sectors_by_english_label().get(name)
    return str(sector.label) if sector is not None else name


@cache
def _sectors_by_english_label() -> dict[str, Sector]:
    """Each sector by its label as written in the code. Built once: switching the language off and on for
    every label was most of the system view's time (thousands of labels a request)."""
    with translation.override(None):  # no catalogue: the labels as written in the code
        return {str(sector.label): sector for sector in Sector}


@dataclass
class Group:
    """Some leaders who voted, and how many of them supported or gave energy to each outcome."""

    name: str
    voters: int
    #: Outcome id -> leaders in the group who support it (see `analysis.supports`).
    support: dict[int, int] = field(default_factory=dict)
    #: Outcome id -> leaders in the group who would commit some energy to it.
    energy: dict[int, int] = field(default_factory=dict)
    #: For a merged group: the names of the groups in it.
    members: list[str] = field(default_factory=list)
    #: For an agency: the label of its sector ("No agency" for leaders without one).
    sector: str = ""

    @property
    def label(self) -> str:
        return group_label(self.name)

    @property
    def member_labels(self) -> list[str]:
        return [group_label(member) for member in self.members]

    def share(self, outcome_id: int) -> float:
        return self.support.get(outcome_id, 0) / self.voters if self.voters else 0.0


def merge(name: str, parts: Iterable[Group]) -> Group:
    """One group holding every leader of `parts`, listing their names as its members."""
    merged = Group(name=name, voters=0)
    for part in parts:
        merged.voters += part.voters
        merged.members.extend(part.members or [part.name])
        for outcome_id, count in part.support.items():
            merged.support[outcome_id] = merged.support.get(outcome_id, 0) + count
        for outcome_id, count in part.energy.items():
            merged.energy[outcome_id] = merged.energy.get(outcome_id, 0) + count
    return merged


def shown_groups(groups: list[Group], *, secret: bool, min_size: int) -> list[Group]:
    """The groups a page may show: under secrecy, small groups are merged into "Other".

    If "Other" is still smaller than `min_size`, the smallest shown groups join
    it until it is not, so no one can subtract the shown groups from the
    totals and recover a small group's votes.
    """
    groups = [g for g in groups if g.voters]
    if not secret:
        return groups
    big = sorted((g for g in groups if g.voters >= min_size), key=lambda g: (g.voters, g.name))
    small = [g for g in groups if g.voters < min_size]
    while small and sum(g.voters for g in small) < min_size and big:
        small.append(big.pop(0))
    shown = sorted(big, key=lambda g: g.name)
    if small:
        shown.append(merge(OTHER, small))
    return shown


def sector_groups(agencies: list[Group]) -> list[Group]:
    """Agencies' groups merged by their sector's label, sorted by label."""
    by_sector: dict[str, list[Group]] = {}
    for agency in agencies:
        by_sector.setdefault(agency.sector, []).append(agency)
    return sorted((merge(label, parts) for label, parts in by_sector.items()), key=lambda g: g.name)


def shown_sector_groups(agencies: list[Group], *, secret: bool, min_size: int) -> list[Group]:
    """Sectors as a page may show them, from every agency's own group.

    Under secrecy a sector is built only from the agencies shown on their own:
    otherwise a sector's row minus its shown agencies' rows would give away a
    hidden agency's votes. Hidden agencies' sectors join "Other", by label, so
    `analysis.what_really_matters` still knows those sectors took part.
    """
    if not secret:
        return shown_groups(sector_groups(agencies), secret=False, min_size=min_size)
    shown_agencies = shown_groups(agencies, secret=True, min_size=min_size)
    hidden = {name for g in shown_agencies if g.name == OTHER for name in g.members}
    shown = shown_groups(sector_groups([g for g in agencies if g.name not in hidden]), secret=True, min_size=min_size)
    gone = [
        Group(name=s.name, voters=s.voters, support=s.support, energy=s.energy)
        for s in sector_groups([g for g in agencies if g.name in hidden])
    ]
    if not gone:
        return shown
    others = [g for g in shown if g.name == OTHER]
    return [g for g in shown if g.name != OTHER] + [merge(OTHER, others + gone)]


def group_of(name: str, shown: list[Group]) -> str:
    """The name of the shown group that holds the agency called `name`: its own, one listing it, or "Other"."""
    for group in shown:
        if name in group.members or (group.name == name and not group.members):
            return group.name
    return OTHER
