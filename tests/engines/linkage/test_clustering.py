from marsad.engines.linkage.clustering import Edge, cluster
from marsad.engines.linkage.decision import Conflict


def test_strong_edges_join_and_weak_ones_do_not():
    result = cluster(
        ["a", "b", "c", "d"],
        [Edge("a", "b", 0.999), Edge("c", "d", 0.6)],
        conflict=lambda x, y: None,
        threshold=0.99,
    )
    assert dict(result.cluster_of) == {"a": "a", "b": "a", "c": "c", "d": "d"}
    assert dict(result.best_probability) == {"a": 0.999}


def test_no_chaining_through_a_bridge_record():
    # b (a record with no first name) looks like both twins a and c; a and c conflict.
    twins = {frozenset({"a", "c"})}
    result = cluster(
        ["a", "b", "c"],
        [Edge("a", "b", 0.9995), Edge("b", "c", 0.999)],
        conflict=lambda x, y: Conflict.SIBLING_PATTERN if frozenset({x, y}) in twins else None,
        threshold=0.99,
    )
    assert result.cluster_of["a"] == result.cluster_of["b"] == "a"
    assert result.cluster_of["c"] == "c"
    assert result.refused_edges == 1


def test_every_record_gets_a_cluster_even_without_edges():
    result = cluster(["z", "y"], [], conflict=lambda x, y: None, threshold=0.5)
    assert dict(result.cluster_of) == {"z": "z", "y": "y"}


def _ids_and_dates(records: dict[str, tuple[str, str | None]]):
    """conflict / dated_identifier callbacks over records id → (identifier, birth date)."""

    def conflict(x, y):
        dates = records[x][1], records[y][1]
        return (
            None
            if None in dates or dates[0] == dates[1] or records[x][0] == records[y][0]
            else (Conflict.DIFFERENT_BIRTH_DATES)
        )

    def dated_identifier(other, record):
        return records[other][1] is not None and records[other][0] == records[record][0]

    return conflict, dated_identifier


def test_a_birth_date_already_contradicted_by_its_own_identifier_does_not_split_a_person():
    # org and dup2 carry one identifier N with two birth dates (one mistyped); dup3, with
    # another identifier, agrees with org's date. dup2's date is no evidence against dup3.
    records = {"org": ("N", "1967-02-27"), "dup2": ("N", "1978-07-27"), "dup3": ("M", "1967-02-27")}
    conflict, same = _ids_and_dates(records)
    edges = [Edge("org", "dup2", 1.0), Edge("org", "dup3", 0.999)]
    joined = cluster(records, edges, conflict=conflict, threshold=0.99, dated_identifier=same)
    assert set(joined.cluster_of.values()) == {"dup2"}
    # Without the identifier evidence, the old all-pairs rule keeps dup3 apart.
    kept = cluster(records, edges, conflict=conflict, threshold=0.99)
    assert kept.cluster_of["dup3"] == "dup3"
    assert kept.refused_edges == 1


def test_a_third_birth_date_is_still_another_person():
    # dup3's date agrees with neither date the identifier N carries.
    records = {"org": ("N", "1967-02-27"), "dup2": ("N", "1978-07-27"), "dup3": ("M", "1990-01-01")}
    conflict, same = _ids_and_dates(records)
    edges = [Edge("org", "dup2", 1.0), Edge("org", "dup3", 0.999)]
    result = cluster(records, edges, conflict=conflict, threshold=0.99, dated_identifier=same)
    assert result.cluster_of["dup3"] == "dup3"
    assert result.cluster_of["org"] == result.cluster_of["dup2"]


def test_an_identifier_without_a_birth_date_vouches_for_no_date():
    # kid (no identifier, born 2017) joined copy (identifier N mistyped, no birth date);
    # adult carries N with a birth date of 2004. copy contradicts neither, but nothing shows
    # N with kid's date: kid and adult stay two people.
    records = {"kid": ("", "2017-06-15"), "copy": ("N", None), "adult": ("N", "2004-06-29")}
    conflict, dated = _ids_and_dates(records)
    edges = [Edge("copy", "adult", 1.0), Edge("kid", "copy", 0.999)]
    result = cluster(records, edges, conflict=conflict, threshold=0.99, dated_identifier=dated)
    assert result.cluster_of["copy"] == result.cluster_of["adult"]
    assert result.cluster_of["kid"] == "kid"
    assert result.refused_edges == 1


def test_only_birth_dates_are_weighed_against_the_group():
    records = {"a": ("N", "1990-01-01"), "b": ("N", "1990-01-01"), "c": ("M", "1990-01-01")}
    edges = [Edge("a", "b", 1.0), Edge("a", "c", 0.999)]
    twins = {frozenset({"b", "c"})}
    result = cluster(
        records,
        edges,
        conflict=lambda x, y: Conflict.SIBLING_PATTERN if frozenset({x, y}) in twins else None,
        threshold=0.99,
        dated_identifier=lambda x, y: records[x][0] == records[y][0],
    )
    assert result.cluster_of["c"] == "c"
