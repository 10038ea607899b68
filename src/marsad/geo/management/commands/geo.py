"""`marsad geo import-boundaries FILE --level district` and `marsad geo seed`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marsad.core.errors import ApplicationError
from marsad.geo import services
from marsad.geo.boundaries import LEVELS


class Command(BaseCommand):
    help = "Geography: seed the governorates, import boundaries from GeoJSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed", help="Create or refresh the 27 governorates.")
        imp = sub.add_parser(
            "import-boundaries", help="Load boundaries of one admin level from a GeoJSON file."
        )
        imp.add_argument("file", type=Path)
        imp.add_argument("--level", choices=LEVELS, required=True)
        imp.add_argument("--code-field", help="Property holding each feature's code.")
        imp.add_argument(
            "--parent-field", help="Property holding the governorate (districts only)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            count = services.governorates_seed()
            self.stdout.write(
                ngettext("%(count)s governorate ready.", "%(count)s governorates ready.", count)
                % {"count": count}
            )
            return
        try:
            result = services.boundaries_import(
                path=options["file"],
                level=options["level"],
                code_field=options["code_field"],
                parent_field=options["parent_field"],
            )
        except ApplicationError as error:
            problems: list[object] = list(error.extra.get("problems", []))  # type: ignore[call-overload]
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(str(error.message), returncode=2) from error
        self.stdout.write(
            _("%(level)s boundaries: %(created)s created, %(updated)s updated.")
            % {"level": result.level, "created": result.created, "updated": result.updated}
        )
