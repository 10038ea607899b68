"""Grouping matched pairs into people without chaining.

Plain connected components chain: if A~B and B~C then A, B, C become one person even when
A and C are twins. Here edges are taken strongest first, and two groups join only if no
record of one has a hard conflict (`decision.hard_conflict`) with any record of the other.

One conflict is weighed against the group: differing birth dates. When a record's
identifier (or that identifier with one typo) also sits on another record of the joined
group that has a birth date of its own, and the far record agrees with that date, the
identifier already carries two birth dates, one of them mistyped, and the far record agrees
with one of them: the dates are no evidence of two people. (`dated_identifier` says which
records carry another's identifier with a birth date.) A record with the identifier but no
birth date vouches for nothing: it does not contradict the far record, but it does not
show the identifier with the far record's date either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from marsad.engines.linkage.decision import Conflict

ConflictCheck = Callable[[str, str], Conflict | None]
#: (other, record) → whether `other` carries `record`'s identifier (the same, or one typo
#: apart) and a birth date of its own.
DatedIdentifier = Callable[[str, str], bool]


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    probability: float


@dataclass(frozen=True)
class Clustering:
    cluster_of: Mapping[str, str]  # record id → cluster id (the smallest record id in it)
    best_probability: Mapping[str, float]  # cluster id → strongest edge used inside it
    refused_edges: int  # edges above the threshold that a conflict kept out


def cluster(
    record_ids: Iterable[str],
    edges: Iterable[Edge],
    *,
    conflict: ConflictCheck,
    threshold: float,
    dated_identifier: DatedIdentifier | None = None,
) -> Clustering:
    parent: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for record_id in record_ids:
        parent[record_id] = record_id
        members[record_id] = [record_id]

    def root(record_id: str) -> str:
        while parent[record_id] != record_id:
            parent[record_id] = parent[parent[record_id]]
            record_id = parent[record_id]
        return record_id

    best: dict[str, float] = {}
    refused = 0
    strong = sorted(
        (e for e in edges if e.probability >= threshold),
        key=lambda e: (-e.probability, e.left, e.right),
    )
    for edge in strong:
        a, b = root(edge.left), root(edge.right)
        if a == b:
            continue
        if _refused(members[a], members[b], conflict, dated_identifier):
            refused += 1
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        parent[b] = a
        members[a].extend(members.pop(b))
        best[a] = max(best.get(a, 0.0), best.pop(b, 0.0), edge.probability)

    cluster_of: dict[str, str] = {}
    best_by_cluster: dict[str, float] = {}
    for group_root, ids in members.items():
        cluster_id = min(ids)
        for record_id in ids:
            cluster_of[record_id] = cluster_id
        if group_root in best:
            best_by_cluster[cluster_id] = best[group_root]
    return Clustering(cluster_of, best_by_cluster, refused)


def _refused(
    left: list[str],
    right: list[str],
    conflict: ConflictCheck,
    dated_identifier: DatedIdentifier | None,
) -> bool:
    """Whether some record of `left` and some record of `right` cannot be one person."""
    for x in left:
        for y in right:
            found = conflict(x, y)
            if found is None:
                continue
            if (
                found is Conflict.DIFFERENT_BIRTH_DATES
                and dated_identifier is not None
                and (
                    _vouched(x, y, left + right, conflict, dated_identifier)
                    or _vouched(y, x, left + right, conflict, dated_identifier)
                )
            ):
                continue
            return True
    return False


def _vouched(
    record: str,
    far: str,
    group: list[str],
    conflict: ConflictCheck,
    dated_identifier: DatedIdentifier,
) -> bool:
    """Another record of the group carries `record`'s identifier with a birth date, and
    `far` agrees with it."""
    return any(
        other not in (record, far)
        and dated_identifier(other, record)
        and conflict(other, far) is None
        for other in group
    )
