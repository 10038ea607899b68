"""`marsad demo load` and `marsad demo logins`."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marsad.demo import loader


class Command(BaseCommand):
    help = "Demo data: fictional institutions, users for every role, synthetic families."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load the demo data (once).")
        load.add_argument(
            "--people",
            type=int,
            default=20_000,
            help="How many synthetic people to create (default 20,000).",
        )
        load.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        load.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the demo is already loaded.",
        )
        sub.add_parser("logins", help="Print the demo users and their password.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "logins":
            self._print_logins()
            return
        if loader.demo_exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError("Demo data is already loaded.", returncode=2)
        if options["people"] < 1:
            raise CommandError("--people must be at least 1.", returncode=2)
        started = time.perf_counter()
        show = sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if show:
                width = 30
                filled = width * done // max(total, 1)
                self.stdout.write(
                    f"\r  [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} people",
                    ending="",
                )
                self.stdout.flush()

        result = loader.demo_load(seed=options["seed"], people=options["people"], progress=progress)
        if show:
            self.stdout.write("")
        self.stdout.write(
            f"Demo loaded in {time.perf_counter() - started:.1f} s: {result.members} members, "
            f"{result.users} users, {result.districts} districts, "
            f"{result.households:,} households, {result.people:,} people, "
            f"{result.aid_entries:,} aid deliveries."
        )

    def _print_logins(self) -> None:
        logins = loader.demo_logins()
        if not logins:
            self.stdout.write("  No demo users: run `marsad demo load`.")
            return
        self.stdout.write(f"  Demo logins (password for all: {loader.demo_password()}):")
        for login in logins:
            member = f"  — {login.member}" if login.member else ""
            self.stdout.write(f"    {login.username:<24} {login.role}{member}")
