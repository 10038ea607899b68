"""Memory habits of batch work (imports, batch registration, the aid ledger's batches)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while (reference counting still frees
    everything that is not in a cycle), then back to what it was. Long work pauses it
    throughout and calls `collect_young` between its chunks.

    A batch keeps tens of thousands of small objects alive until it ends; with the collector
    on they set off full collections, and each walks every object of the process, the
    name functions' memo caches (hundreds of thousands of entries) included: a tenth to a
    half of a batch's time. Whatever cycles a batch leaves are collected afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect_young() -> None:
    """Free the garbage cycles among objects made since the last collection.

    Only the youngest generation is examined, so it costs in proportion to what one chunk
    left behind, never the whole process: long work runs under `collector_paused` and
    calls this between chunks.
    """
    gc.collect(0)
