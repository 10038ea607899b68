"""Checking a delivery before it enters the ledger.

Every problem has its own code and a message naming the field, in the user's language; a
delivery with any problem is not recorded. A member may record aid only for households it
registered or people it serves; anyone else is "not found", so ids cannot be probed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marsad.assistance.errors import AidError
from marsad.assistance.models import AidCategory
from marsad.engines.arabic import normalize_name
from marsad.geo.models import District, Governorate
from marsad.members.models import Member
from marsad.programs.models import Program
from marsad.registry.models import Household, Person, ServiceLink
from marsad.registry.validation import Problem

MAX_QUANTITY = Decimal("1000000")
MAX_VALUE = Decimal("100000000")


@dataclass(frozen=True)
class AidEntryInput:
    category: str
    quantity: Decimal
    value: Decimal | None
    delivered_on: datetime.date
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    household_id: int | None = None
    person_id: int | None = None
    program: str = ""
    governorate: str = ""
    district: str = ""
    village: str = ""
    delivered_by_name: str = ""
    note: str = ""
    source_key: str = ""


@dataclass(frozen=True)
class CleanEntry:
    """A delivery ready to be written: every reference resolved."""

    category: AidCategory
    household: Household
    person: Person | None
    quantity: Decimal
    value: Decimal
    delivered_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    program: Program | None
    governorate: Governorate
    district: District | None
    source: AidEntryInput


def amount_problems(
    category: AidCategory, quantity: Decimal, value: Decimal | None
) -> tuple[Decimal | None, list[Problem]]:
    """The delivery's value in EGP (from the category's unit value when not given)."""
    problems = []
    if not Decimal(0) < quantity <= MAX_QUANTITY:
        problems.append(
            Problem("quantity", AidError.QUANTITY_INVALID, _("The quantity must be above zero."))
        )
    elif _decimal_places(quantity) > AMOUNT_PLACES:
        problems.append(
            Problem(
                "quantity",
                AidError.QUANTITY_INVALID,
                _("The quantity has more than two decimal places."),
            )
        )
    if value is not None and _decimal_places(value) > AMOUNT_PLACES:
        problems.append(
            Problem(
                "value",
                AidError.VALUE_INVALID,
                _("The value has more than two decimal places (piasters)."),
            )
        )
    if value is None:
        if category.unit_value is None:
            problems.append(
                Problem(
                    "value",
                    AidError.VALUE_REQUIRED,
                    _("Enter the value in EGP: this category has no value per unit."),
                )
            )
        else:
            value = (category.unit_value * quantity).quantize(Decimal("0.01"))
    elif not Decimal(0) <= value <= MAX_VALUE:
        problems.append(
            Problem("value", AidError.VALUE_INVALID, _("The value must be zero or more, in EGP."))
        )
    return value, problems


#: Decimal places of a delivery's quantity and value, as the ledger stores them.
AMOUNT_PLACES = 2


def _decimal_places(number: Decimal) -> int:
    """1.50 has one, 1.005 three, 100 none."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def period_problems(
    delivered_on: datetime.date, start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.date, datetime.date, list[Problem]]:
    start = start or delivered_on
    end = end or start
    problems = []
    if delivered_on > timezone.localdate():
        problems.append(
            Problem(
                "delivered_on",
                AidError.DATE_IN_FUTURE,
                _("The delivery date is in the future; record aid once it is delivered."),
            )
        )
    if end < start:
        problems.append(
            Problem(
                "period_end",
                AidError.PERIOD_INVALID,
                _("The period ends before it starts."),
            )
        )
    return start, end, problems


def category_problem(category: AidCategory | None) -> Problem | None:
    if category is None:
        return Problem(
            "category", AidError.CATEGORY_UNKNOWN, _("There is no aid category with this code.")
        )
    if not category.is_active:
        return Problem(
            "category",
            AidError.CATEGORY_INACTIVE,
            _("The aid category %(name)s is no longer in use.") % {"name": category.name},
        )
    return None


def households_open_to(member: Member) -> Q:
    """Households a member may record aid for: registered by it, or with someone it serves."""
    served = ServiceLink.objects.filter(member=member).values("person__household_id")
    return Q(member=member) | Q(pk__in=served)


def _beneficiary(
    member: Member, data: AidEntryInput
) -> tuple[Household | None, Person | None, list[Problem]]:
    unknown = Problem(
        "person" if data.person_id else "household",
        AidError.BENEFICIARY_UNKNOWN,
        _("No such household or person among those your institution registered or serves."),
    )
    person = None
    household = None
    if data.person_id is not None:
        person = (
            Person.objects.select_related("household")
            .filter(pk=data.person_id, service_links__member=member)
            .first()
        )
        if person is None:
            return None, None, [unknown]
        while person.merged_into_id is not None:
            person = Person.objects.select_related("household").get(pk=person.merged_into_id)
        household = person.household
        if data.household_id is not None and data.household_id != household.pk:
            return (
                None,
                None,
                [
                    Problem(
                        "person",
                        AidError.PERSON_NOT_IN_HOUSEHOLD,
                        _("This person does not live in the chosen household."),
                    )
                ],
            )
    elif data.household_id is not None:
        household = (
            Household.objects.filter(households_open_to(member), pk=data.household_id)
            .select_related("governorate")
            .first()
        )
        if household is None:
            return None, None, [unknown]
    else:
        return (
            None,
            None,
            [
                Problem(
                    "household",
                    AidError.BENEFICIARY_REQUIRED,
                    _("Choose the household or the person who received the aid."),
                )
            ],
        )
    return household, person, []


def _place(
    data: AidEntryInput, household: Household
) -> tuple[Governorate | None, District | None, list[Problem]]:
    governorate: Governorate | None = household.governorate
    district = household.district if not data.district else None
    if data.governorate:
        governorate = Governorate.objects.filter(code=data.governorate).defer("boundary").first()
        district = None
        if governorate is None:
            return (
                None,
                None,
                [
                    Problem(
                        "governorate",
                        AidError.GOVERNORATE_UNKNOWN,
                        _("Choose one of the 27 governorates."),
                    )
                ],
            )
    if data.district:
        district = district_named(governorate, data.district)
        if district is None:
            return (
                governorate,
                None,
                [
                    Problem(
                        "district",
                        AidError.DISTRICT_UNKNOWN,
                        _("This district is not in %(governorate)s.")
                        % {"governorate": governorate.name if governorate else ""},
                    )
                ],
            )
    return governorate, district, []


def validate_entry(member: Member, data: AidEntryInput) -> tuple[CleanEntry | None, list[Problem]]:
    problems: list[Problem] = []
    category = AidCategory.objects.filter(code=data.category).first()
    problem = category_problem(category)
    if problem:
        problems.append(problem)
    value = data.value
    if category is not None:
        value, found = amount_problems(category, data.quantity, data.value)
        problems += found
    start, end, found = period_problems(data.delivered_on, data.period_start, data.period_end)
    problems += found
    household, person, found = _beneficiary(member, data)
    problems += found
    program = None
    if data.program:
        program = Program.objects.filter(member=member, code=data.program).first()
        if program is None:
            problems.append(
                Problem(
                    "program",
                    AidError.PROGRAM_UNKNOWN,
                    _("Your institution has no program with this code."),
                )
            )
    governorate, district = None, None
    if household is not None:
        governorate, district, found = _place(data, household)
        problems += found
    if problems:
        return None, problems
    assert category is not None  # noqa: S101
    assert household is not None  # noqa: S101
    assert governorate is not None  # noqa: S101
    assert value is not None  # noqa: S101
    return (
        CleanEntry(
            category=category,
            household=household,
            person=person,
            quantity=data.quantity,
            value=value,
            delivered_on=data.delivered_on,
            period_start=start,
            period_end=end,
            program=program,
            governorate=governorate,
            district=district,
            source=data,
        ),
        [],
    )


def district_named(governorate: Governorate | None, text: str) -> District | None:
    """The governorate's district a person typed: by its code, or by its Arabic or English
    name in any common spelling, compared as the aid import compares them (`lookup_key`)."""
    wanted = lookup_key(text)
    districts = District.objects.filter(governorate=governorate).defer("boundary")
    return next(
        (d for d in districts if wanted in {lookup_key(n) for n in (d.code, d.name_ar, d.name_en)}),
        None,
    )


def lookup_key(name: object) -> str:
    """How a typed code or name is compared with the stored ones (categories, programs,
    districts): normalised letters, any case, "_" as "-"."""
    return normalize_name(str(name)).casefold().replace("_", "-").strip()
