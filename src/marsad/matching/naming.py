"""A registered national ID given with a name: does the name name its holder?

Linking a member to a person another member registered shows the member that person's
record, so a national ID alone is not enough: the name given with it must name the holder
(`engines.linkage.decision.names_the_holder`). The answer itself tells something, though:
tried against one ID name after name, it would tell the holder's name in the end. So every
name refused for a holder is recorded (an audit event per distinct name, by the member on
whose behalf it was given), and once a member has had `MARSAD_NAME_TRIES_PER_DAY` distinct
names refused for one holder in the last 24 hours, no other name is checked against that
holder for it until then: the registration, the wizard, the API and both imports say so.
The same wrong name given again (in the check of a file, then in its import) counts once.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.core.audit import audit_record
from marsad.core.crypto import blind_index
from marsad.core.models import AuditEvent
from marsad.engines.linkage.records import PersonRecord
from marsad.matching.selectors import holders_not_named

PERSON = "registry.person"
WINDOW = datetime.timedelta(hours=24)


def tries_per_day() -> int:
    return int(settings.MARSAD_NAME_TRIES_PER_DAY)


def tries_exhausted_message() -> str:
    """What the registry and the aid import say of a name not compared (`NameCheck.exhausted`)."""
    return _(
        "Too many names that do not match this national ID were given for your institution "
        "in the last 24 hours, so it is not compared with another name until then. Check the "
        "ID, or ask the Technical Secretariat."
    )


@dataclass
class NameCheck:
    """Positions of the given pairs whose name does not name the holder (`wrong`), and those
    not checked because the member has had too many other names refused for that holder
    (`exhausted`). Every other position names its holder."""

    wrong: set[int] = field(default_factory=set)
    exhausted: set[int] = field(default_factory=set)

    @property
    def refused(self) -> set[int]:
        return self.wrong | self.exhausted


def _name_digest(record: PersonRecord) -> str:
    """The name as the check reads it (normal forms of its parts), keyed like national IDs:
    the audit log tells how many names were tried, never which."""
    return blind_index("\x1f".join(record.keys()), purpose="name")[:32]


def _refused_before(member_id: int | None, person_ids: set[int]) -> dict[int, set[str]]:
    events = AuditEvent.objects.filter(
        target_type=PERSON,
        target_id__in=[str(pk) for pk in person_ids],
        action=AuditEvent.Action.NAME_REFUSED,
        member=member_id,
        at__gte=timezone.now() - WINDOW,
    ).values_list("target_id", "changes")
    refused: dict[int, set[str]] = {}
    for target_id, changes in events:
        refused.setdefault(int(target_id), set()).add(str(changes.get("name", "")))
    return refused


def holders_named_check(
    given: Sequence[tuple[PersonRecord, int]],
    *,
    member_id: int | None,
    actor: Any,
    source: str,
    request: Any = None,
) -> NameCheck:
    """Check each (record typed with a registered national ID, id of its holder) for
    `member_id`, in order, recording each newly refused name (`source`: where it was given,
    e.g. "wizard", "api", "import", "aid_import")."""
    if not given:
        return NameCheck()
    refused = _refused_before(member_id, {person_id for _record, person_id in given})
    limit = tries_per_day()
    digests = [_name_digest(record) for record, _person_id in given]
    # Only the holders with tries left are compared, in one look-up.
    open_positions = [
        position
        for position, (_record, person_id) in enumerate(given)
        if len(refused.get(person_id, ())) < limit
    ]
    not_named = {
        open_positions[number]
        for number in holders_not_named([given[position] for position in open_positions])
    }
    check = NameCheck()
    for position, (_record, person_id) in enumerate(given):
        names = refused.setdefault(person_id, set())
        if digests[position] in names:
            check.wrong.add(position)  # refused before: telling it again tells nothing new
        elif len(names) >= limit:
            check.exhausted.add(position)
        elif position in not_named:
            check.wrong.add(position)
            names.add(digests[position])
            audit_record(
                actor=actor,
                member_id=member_id,
                action=AuditEvent.Action.NAME_REFUSED,
                target_type=PERSON,
                target_id=str(person_id),
                changes={"source": source, "name": digests[position]},
                request=request,
            )
    return check
