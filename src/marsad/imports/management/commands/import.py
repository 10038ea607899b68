"""`marsad import FILE --member SLUG --kind households|aid`: a member's spreadsheet, in bulk.

The same path as the import screens: the file is stored with its batch, the columns are
matched (the member's remembered mapping, the recognised headers, or `--mapping`), every row
is checked, then imported in chunks through duplicate prevention. Rejected rows, with their
reasons, go to `--rejected`. Exit codes: 0 done (rows may have been rejected), 1 the import
failed midway (what was imported before stays; run it again to continue), 2 unusable
arguments, member, file or mapping.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marsad.core.errors import ApplicationError
from marsad.imports.errors import ImportsError
from marsad.imports.fields import field_names
from marsad.imports.models import ImportBatch, ImportKind
from marsad.imports.services import import_file, rejections_export
from marsad.members.models import Member


class Progress:
    """One status line on a terminal, nothing in a pipe; a new line when a pass restarts."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.active = stream.isatty()
        self.started = time.perf_counter()
        self.last = -1
        self.stage = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.active:
            return
        if done < self.last:
            self.stream.write("\n")
            self.stage += 1
        self.last = done
        label = "checking" if self.stage == 0 else "importing"
        elapsed = time.perf_counter() - self.started
        if total:
            width = 28
            filled = width * min(done, total) // total
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        else:
            bar = f"{done:,}"
        self.stream.write(f"\r  {label:<10} {bar}  {elapsed:6.1f} s\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        if self.active and self.last >= 0:
            self.stream.write("\n")


def _mapping(values: list[str], kind: str) -> dict[str, str] | None:
    if not values:
        return None
    mapping: dict[str, str] = {}
    known = field_names(kind)
    for value in values:
        name, sep, column = value.partition("=")
        name = name.strip()
        if not sep or not column.strip():
            raise CommandError(f"--mapping takes FIELD=Column, not {value!r}.", returncode=2)
        if name not in known:
            raise CommandError(
                f"--mapping: {name!r} is not a field of a {kind} import "
                f"(fields: {', '.join(known)}).",
                returncode=2,
            )
        mapping[name] = column.strip()
    return mapping


class Command(BaseCommand):
    help = "Import a member's households or aid deliveries from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or XLSX file with one header row.")
        parser.add_argument("--member", required=True, help="The member's short name (slug).")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument(
            "--mapping",
            action="append",
            default=[],
            metavar="FIELD=Column",
            help="Which column holds a field; repeat for each field. Without it, the "
            "member's remembered mapping and the recognised headers are used.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; import nothing."
        )
        parser.add_argument(
            "--rejected", type=Path, metavar="OUT.csv", help="Write the rejected rows here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        member = Member.objects.filter(slug=options["member"]).first()
        if member is None:
            raise CommandError(f"No member institution {options['member']!r}.", returncode=2)
        kind = options["kind"]
        mapping = _mapping(options["mapping"], kind)
        path: Path = options["file"]
        progress = Progress(sys.stderr)
        started = time.perf_counter()
        try:
            batch = import_file(
                path=path,
                member=member,
                kind=kind,
                mapping=mapping,
                progress=progress,
                # A dry run is the preview; a real run imports straight away, since the
                # import checks every row itself and reports the rejected ones.
                preview=bool(options["dry_run"]),
                dry_run=options["dry_run"],
            )
        except ApplicationError as error:
            progress.finish()
            returncode = 1 if error.code == ImportsError.WRONG_STATUS else 2
            detail = error.extra.get("detail")
            message = f"{error.message}" + (f" ({detail})" if detail else "")
            raise CommandError(f"{path}: {message}", returncode=returncode) from error
        except Exception as error:
            progress.finish()
            failed = ImportBatch.objects.filter(member=member).order_by("-pk").first()
            where = f" (import #{failed.pk}; run the command again to continue)" if failed else ""
            raise CommandError(f"The import failed{where}: {error}", returncode=1) from error
        progress.finish()
        seconds = time.perf_counter() - started
        if batch.other_sheets:
            self.stderr.write(
                "Only the first sheet was read; these sheets also hold data: "
                + ", ".join(batch.other_sheets)
            )
        if batch.header_line > 1:
            self.stderr.write(
                f"The column names are on line {batch.header_line}; the rows above are titles."
            )
        if options["rejected"]:
            download = rejections_export(batch=batch, by=None, file_format="csv")
            options["rejected"].write_bytes(download.content)
        self.stdout.write(self._summary(batch, seconds, dry_run=options["dry_run"]))

    @staticmethod
    def _summary(batch: ImportBatch, seconds: float, *, dry_run: bool) -> str:
        if dry_run:
            values = {
                "import": batch.pk,
                "rows": batch.rows_total,
                "records": batch.records_total,
                "valid": batch.records_valid,
                "existing": batch.records_existing,
                "rejected": batch.records_rejected,
            }
        else:
            values = {
                "import": batch.pk,
                "rows": batch.rows_total,
                "records": batch.records_total,
                "created": batch.created,
                "existing": batch.existing,
                "rejected": batch.rejected,
            }
            if batch.kind == ImportKind.HOUSEHOLDS:
                values |= {
                    "people_created": batch.people_created,
                    "people_linked": batch.people_linked,
                    "pending_review": batch.pending_review,
                    "to_review": batch.to_review,
                }
            else:
                values["flagged"] = batch.flagged
        fields = " ".join(f"{name}={value}" for name, value in values.items())
        return f"{fields} seconds={seconds:.1f}"
