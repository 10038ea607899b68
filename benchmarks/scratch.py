"""A scratch PostgreSQL database for a benchmark: created, checked, dropped afterwards.

A benchmark marks its database with a table named after it; a database that exists and
holds anything else is refused, never used or dropped.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.registry_dup_check import Refused, Target, setup_django


def marked_or_empty(marker: str) -> bool:
    from django.db import connection

    tables = set(connection.introspection.table_names())
    return not tables or marker in tables


def mark(marker: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {marker} (id integer)")


@contextmanager
def scratch_database(
    url: str, *, marker: str, keep: bool = False, reuse: bool = False
) -> Iterator[Path]:
    """Set Django up on the scratch database at `url` and yield a scratch folder.

    An existing database of this benchmark is emptied first, unless `reuse`; it is dropped
    at the end unless `keep` (or `reuse`).
    """
    target = Target.parse(url)
    if target.engine != "postgresql":
        raise SystemExit("This benchmark loads with COPY: give a postgres:// URL.")
    created = not target.exists()
    if created:
        target.create()
    drop = not (keep or reuse)
    with tempfile.TemporaryDirectory(prefix=f"{marker}-") as work:
        setup_django(target.url, work)
        try:
            if not created and not marked_or_empty(marker):
                raise Refused(f"{target.name} holds other data: not used, not dropped.")
            if not created and not reuse:
                from django.db import connections

                connections.close_all()
                target.drop()
                target.create()
            yield Path(work)
        except Refused:
            drop = False
            raise
        finally:
            if drop:
                from django.db import connections

                connections.close_all()
                target.drop()
                print(f"dropped database {target.name}", file=sys.stderr)
