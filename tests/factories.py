"""Small builders for test records; they write to the real test database."""

import datetime
import itertools
from typing import Any

from marsad.core.crypto import blind_index, encrypt_pii
from marsad.geo.models import Governorate
from marsad.members.models import Member, Role, User
from marsad.registry.models import Household, Person
from marsad.registry.validation import name_columns_of

_counter = itertools.count(1)


def member_create(**fields: Any) -> Member:
    n = next(_counter)
    defaults: dict[str, Any] = {
        "slug": f"member-{n}",
        "name_ar": f"مؤسسة اختبار {n}",
        "name_en": f"Test Foundation {n}",
        "kind": Member.Kind.FOUNDATION,
        "registration_number": f"REG-{n}",
    }
    return Member.objects.create(**{**defaults, **fields})


def user_create(*, role: str, member: Member | None = None, **fields: Any) -> User:
    n = next(_counter)
    user = User(username=fields.pop("username", f"user-{n}"), role=role, member=member, **fields)
    user.set_password("a-long-test-password")
    user.save()
    return user


def secretariat_create() -> User:
    return user_create(role=Role.SECRETARIAT_ANALYST)


def household_create(*, member: Member, governorate_code: str = "24", **fields: Any) -> Household:
    return Household.objects.create(
        member=member, governorate=Governorate.objects.get(code=governorate_code), **fields
    )


def person_create(
    *,
    household: Household,
    full_name: str = "محمد أحمد علي حسن",
    national_id: str = "",
    **fields: Any,
) -> Person:
    defaults: dict[str, Any] = {
        "relation": Person.Relation.HEAD,
        "gender": "M",
        "birth_date": datetime.date(1980, 5, 17),
    }
    return Person.objects.create(
        household=household,
        member=household.member,
        full_name=full_name,
        national_id_encrypted=encrypt_pii(national_id) if national_id else "",
        national_id_index=blind_index(national_id) if national_id else None,
        national_id_last4=national_id[-4:],
        # The name's parts, keys and skeletons, as registration stores them.
        **{**defaults, **name_columns_of(full_name, today=datetime.date(2026, 1, 1)), **fields},
    )
