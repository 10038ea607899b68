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
