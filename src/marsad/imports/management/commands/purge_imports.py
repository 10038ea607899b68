"""`marsad purge_imports [--days N]`: remove old import files and rejected rows.

An uploaded file and its rejected rows hold the personal data of the families in it. They
are kept `MARSAD_IMPORT_KEEP_DAYS` days (default 90) after the last work on the import
(upload, check or import), long enough to correct and import the rejected rows, and then
removed; the import's counts and audit trail stay. Run it daily from cron.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from marsad.imports.services import batches_purge


class Command(BaseCommand):
    help = "Remove the files and rejected rows of imports older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days to keep after the last work on an import (default: "
            "MARSAD_IMPORT_KEEP_DAYS, 90).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.MARSAD_IMPORT_KEEP_DAYS if options["days"] is None else options["days"]
        if days < 1:
            raise CommandError("--days must be 1 or more.", returncode=2)
        purged = batches_purge(keep_days=days)
        self.stdout.write(
            f"purged={len(purged)} kept_days={days}"
            + (f" imports={','.join(map(str, purged))}" if purged else "")
        )
