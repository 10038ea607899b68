"""`marsad observatory seed|recompute|import-indicators FILE`.

`recompute` is what cron runs nightly (docs/operations.md); it recomputes in this process,
not on the task worker. Exit codes: 0 done, 2 a file that cannot be imported.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marsad.core.errors import ApplicationError
from marsad.observatory import services
from marsad.observatory.importing import indicator_values_import


class Command(BaseCommand):
    help = "Gap observatory: seed the indicators, recompute the gap index, import indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed", help="Create or refresh the shipped indicators and values.")
        sub.add_parser("recompute", help="Recompute every default gap snapshot now.")
        imp = sub.add_parser(
            "import-indicators", help="Import indicator values from a CSV or XLSX file."
        )
        imp.add_argument("file", type=Path)
        imp.add_argument("--indicator", default="", help="Indicator code for a file without one.")
        imp.add_argument("--source", default="", help="Source for rows without one.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "seed":
            count = services.indicators_seed()
            self.stdout.write(
                ngettext(
                    "%(count)s indicator value ready.", "%(count)s indicator values ready.", count
                )
                % {"count": count}
            )
            return
        if action == "recompute":
            started = time.perf_counter()
            snapshots = services.gap_recompute_all()
            self.stdout.write(
                ngettext(
                    "%(count)s gap snapshot stored in %(seconds).1f s.",
                    "%(count)s gap snapshots stored in %(seconds).1f s.",
                    len(snapshots),
                )
                % {"count": len(snapshots), "seconds": time.perf_counter() - started}
            )
            return
        try:
            result = indicator_values_import(
                path=options["file"],
                default_indicator=options["indicator"],
                default_source=options["source"],
            )
        except ApplicationError as error:
            problems: list[object] = list(error.extra.get("problems", []))  # type: ignore[call-overload]
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(str(error.message), returncode=2) from error
        self.stdout.write(
            _(
                "Indicator values: %(created)s added, %(updated)s replaced, "
                "%(skipped)s empty cells left missing."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "skipped": result.skipped_blank,
            }
        )
