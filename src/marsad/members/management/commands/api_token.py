"""`marsad api_token USERNAME [--reset]`: the API token a member system signs in with.

Prints the user's token on standard output (and nothing else there, so it can be piped into
a secret store), creating it the first time; `--reset` replaces it, so the old one stops
working at once. Creating or replacing a token is audited; the token itself never is.
Exit codes: 0 done, 2 no such user or the user is deactivated.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from marsad.api.permissions import REGISTRY_ROLES
from marsad.core.audit import audit_record
from marsad.members.models import User


class Command(BaseCommand):
    help = "Create or show a user's API token (docs/api.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the member system acts as.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Replace the token: the old one stops working immediately.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.", returncode=2)
        if not user.is_active:
            raise CommandError(
                f"The user {username!r} is deactivated; reactivate them before issuing a token.",
                returncode=2,
            )
        with transaction.atomic():
            token = Token.objects.select_for_update().filter(user=user).first()
            if token is not None and options["reset"]:
                token.delete()
                token = None
                outcome = "replaced"
            else:
                outcome = "created"
            if token is None:
                token = Token.objects.create(user=user)
                audit_record(
                    actor=None,
                    action="update" if outcome == "replaced" else "create",
                    target=user,
                    changes={"api_token": outcome},
                )
                self.stderr.write(f"API token {outcome} for {username}.")
            else:
                self.stderr.write(f"Existing API token of {username} (use --reset to replace it).")
        if not (user.is_superuser or user.role in REGISTRY_ROLES):
            self.stderr.write(
                self.style.WARNING(
                    f"Note: the role {user.role or '(none)'} may not use the registry endpoints."
                )
            )
        self.stdout.write(token.key)
