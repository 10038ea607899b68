"""Keeping PostgreSQL's planner statistics current while bulk work grows a table.

The planner chooses among a table's indexes from the statistics `ANALYZE` gathers. A
bulk import can grow a table from nothing to hundreds of thousands of rows within a
minute: before autovacuum's next round (or ever, where autovacuum is off) the planner
then knows nothing of its columns and may pick a worse index for every look-up of the
import itself. Measured on a registry of 425,000 people never analysed: the candidate
statement read one rule through another rule's index and filtered 55 rows a probe, 650 ms
a batch instead of 220 ms with statistics.

So bulk work calls `analyze_grown` between its chunks: a table is analysed once it has
doubled since its last `ANALYZE` (sizes in pages, which PostgreSQL knows exactly and at
once). Doubling keeps the number of analyses logarithmic in the table's final size (an
import of 100,000 households analyses the person table seven times, about 2 s in all);
the planner scales the row counts it last saw to the table's current size by itself, and
the columns' distributions change slowly as a registry grows. Other databases keep no
such statistics here: the call does nothing.
"""

from __future__ import annotations

from django.db import connection, models

#: A table smaller than this many pages (8 KB each) is not worth analysing yet.
MINIMUM_PAGES = 128
#: Analyse once the table has more than this many times its pages at the last analysis.
GROWTH = 2.0


def needs_analysis(pages_now: int, pages_analysed: int) -> bool:
    """Whether a table of `pages_now` pages, analysed at `pages_analysed`, is due."""
    return pages_now >= MINIMUM_PAGES and pages_now > GROWTH * pages_analysed


def analyze_grown(*tables: type[models.Model]) -> list[str]:
    """`ANALYZE` each model's table that doubled since its last analysis; returns
    the tables analysed. Called once a chunk has committed, so the sample is of rows
    every later statement sees."""
    if connection.vendor != "postgresql":
        return []
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_relation_size(oid) / current_setting('block_size')::int, "
            "relpages FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r' "
            "AND relnamespace = to_regnamespace(current_schema())",
            [names],
        )
        due = [
            name for name, pages, analysed in cursor.fetchall() if needs_analysis(pages, analysed)
        ]
        for name in due:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return due
