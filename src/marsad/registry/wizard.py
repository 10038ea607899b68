"""The registration wizard's draft, kept in the session between steps.

Values are stored as the strings the forms received, so a draft survives any restart and
nothing is written to the registry until the last step calls `household_register`. The
draft is encrypted in the session (`save`).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from marsad.core.crypto import decrypt_pii, encrypt_pii
from marsad.geo.models import District, Governorate
from marsad.registry.models import Person
from marsad.registry.services import HouseholdInput
from marsad.registry.validation import PersonInput

KEY = "registration_draft"


def draft(request: HttpRequest) -> dict[str, Any]:
    stored = request.session.get(KEY)
    if isinstance(stored, str):
        try:
            return json.loads(decrypt_pii(stored))
        except ImproperlyConfigured:  # sealed with a key since replaced: start again
            clear(request)
            stored = None
    return stored or {"household": None, "people": []}


def shown(value: dict[str, Any]) -> dict[str, Any]:
    """The draft as the wizard's pages show it: the names of the place and of each relation,
    not the codes the forms store."""
    household = value.get("household") or {}
    governorate = Governorate.objects.filter(code=household.get("governorate", "")).first()
    district = (
        District.objects.filter(code=household["district"]).first()
        if household.get("district")
        else None
    )
    place = (governorate, district, household.get("village"), household.get("address"))
    relations = dict(Person.Relation.choices)
    return {
        "place": " · ".join(str(part) for part in place if part),
        "people": [
            {**person, "relation_label": relations.get(person.get("relation"), "")}
            for person in value.get("people", [])
        ],
    }


def save(request: HttpRequest, value: dict[str, Any]) -> None:
    """Keep the draft, encrypted as the registry keeps national IDs: the session store is
    signed, not encrypted, and the draft holds the family's IDs, phones and income."""
    request.session[KEY] = encrypt_pii(json.dumps(value, ensure_ascii=False))
    request.session.modified = True


def clear(request: HttpRequest) -> None:
    request.session.pop(KEY, None)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def household_input(data: dict[str, Any]) -> HouseholdInput:
    return HouseholdInput(
        governorate=data.get("governorate", ""),
        district=data.get("district", ""),
        village=data.get("village", ""),
        address=data.get("address", ""),
        latitude=_decimal(data.get("latitude")),
        longitude=_decimal(data.get("longitude")),
    )


def person_input(data: dict[str, Any]) -> PersonInput:
    birth = data.get("birth_date") or ""
    return PersonInput(
        full_name=data.get("full_name", ""),
        gender=data.get("gender", ""),
        national_id=data.get("national_id", ""),
        birth_date=datetime.date.fromisoformat(birth) if birth else None,
        relation=data.get("relation", "head"),
        phone=data.get("phone", ""),
        marital_status=data.get("marital_status", ""),
        education=data.get("education", ""),
        occupation=data.get("occupation", ""),
        disability=data.get("disability", ""),
        monthly_income=_decimal(data.get("monthly_income")),
    )


def as_strings(cleaned: dict[str, Any]) -> dict[str, str]:
    result = {}
    for name, value in cleaned.items():
        if value is None:
            result[name] = ""
        elif hasattr(value, "code") and not isinstance(value, str):
            result[name] = value.code
        elif isinstance(value, datetime.date):
            result[name] = value.isoformat()
        else:
            result[name] = str(value)
    return result
