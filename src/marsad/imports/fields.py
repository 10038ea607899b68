"""The fields an import understands, what files call them, and which are required.

Headers are compared in a normal form: Arabic letters unified as for names (أ/إ/آ → ا,
ة → ه, ى → ي), case, spaces, underscores, punctuation and a leading "ال" ignored, so
"الرقم القومى", "رقم قومي", "National_ID" and "national id" all find `national_id`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marsad.engines.arabic import name_tokens
from marsad.imports.models import ImportKind


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str | Promise
    synonyms: tuple[str, ...]


_PLACE = (
    FieldSpec(
        "governorate",
        _("Governorate"),
        ("المحافظة", "محافظة", "governorate", "gov", "governorate name", "محافظه الاقامه"),
    ),
    FieldSpec(
        "district",
        _("District (markaz or qism)"),
        ("المركز", "المركز/القسم", "مركز", "القسم", "الحي", "district", "markaz", "qism"),
    ),
    FieldSpec(
        "village",
        _("Village or shiakha"),
        ("القرية", "قرية", "القرية/الشياخة", "الشياخة", "العزبة", "village", "shiakha"),
    ),
)
_NATIONAL_ID = FieldSpec(
    "national_id",
    _("National ID"),
    (
        "الرقم القومي",
        "رقم قومي",
        "الرقم القومي للمستفيد",
        "رقم البطاقة",
        "الرقم القومي لرب الأسرة",
        "national id",
        "national_id",
        "nid",
        "national number",
        "id number",
    ),
)
_HOUSEHOLD_REF = FieldSpec(
    "household_ref",
    _("Household reference"),
    (
        "رقم الأسرة",
        "كود الأسرة",
        "رقم الملف",
        "مرجع الأسرة",
        "رقم ملف الأسرة",
        "household ref",
        "household_ref",
        "household reference",
        "household id",
        "household",
        "family id",
        "family ref",
        "hh id",
        "file number",
    ),
)

_FULL_NAME = FieldSpec(
    "full_name",
    _("Full name"),
    (
        "الاسم",
        "الاسم رباعي",
        "الاسم الرباعي",
        "الاسم الكامل",
        "اسم المستفيد",
        "الاسم بالكامل",
        "name",
        "full name",
        "full_name",
        "beneficiary name",
    ),
)

HOUSEHOLD_FIELDS: tuple[FieldSpec, ...] = (
    _HOUSEHOLD_REF,
    _FULL_NAME,
    _NATIONAL_ID,
    FieldSpec("gender", _("Gender"), ("النوع", "الجنس", "نوع", "gender", "sex")),
    FieldSpec(
        "relation",
        _("Relation to the head"),
        (
            "صلة القرابة",
            "الصلة",
            "القرابة",
            "صلة القرابة برب الأسرة",
            "الصفة",
            "relation",
            "relationship",
            "relation to head",
        ),
    ),
    FieldSpec(
        "birth_date",
        _("Birth date"),
        ("تاريخ الميلاد", "الميلاد", "birth date", "date of birth", "dob", "birthdate"),
    ),
    FieldSpec(
        "phone",
        _("Mobile phone"),
        (
            "الهاتف",
            "رقم الهاتف",
            "الموبايل",
            "رقم الموبايل",
            "المحمول",
            "رقم المحمول",
            "التليفون",
            "phone",
            "mobile",
            "phone number",
            "mobile number",
        ),
    ),
    FieldSpec(
        "marital_status",
        _("Marital status"),
        ("الحالة الاجتماعية", "الحاله الاجتماعيه", "marital status", "marital"),
    ),
    FieldSpec(
        "education",
        _("Education"),
        ("التعليم", "المؤهل", "الحالة التعليمية", "المستوى التعليمي", "education"),
    ),
    FieldSpec("occupation", _("Occupation"), ("المهنة", "الوظيفة", "العمل", "occupation", "job")),
    FieldSpec("disability", _("Disability"), ("الإعاقة", "نوع الإعاقة", "disability")),
    FieldSpec(
        "monthly_income",
        _("Monthly income"),
        ("الدخل", "الدخل الشهري", "monthly income", "income"),
    ),
    *_PLACE,
    FieldSpec("address", _("Address"), ("العنوان", "العنوان بالتفصيل", "address")),
    FieldSpec("latitude", _("Latitude"), ("خط العرض", "latitude", "lat")),
    FieldSpec("longitude", _("Longitude"), ("خط الطول", "longitude", "lng", "lon", "long")),
)

AID_FIELD_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "entry_ref",
        _("Delivery reference"),
        (
            "رقم الصرف",
            "رقم الإيصال",
            "مرجع الصرف",
            "رقم الاستمارة",
            "entry ref",
            "entry_ref",
            "entry reference",
            "reference",
            "receipt",
            "receipt number",
            "voucher",
        ),
    ),
    _NATIONAL_ID,
    # Confirms a national ID of someone the member does not serve yet (see the aid batch).
    _FULL_NAME,
    _HOUSEHOLD_REF,
    FieldSpec(
        "category",
        _("Aid category"),
        ("نوع المساعدة", "المساعدة", "البند", "الفئة", "category", "aid type", "aid category"),
    ),
    FieldSpec("quantity", _("Quantity"), ("الكمية", "العدد", "quantity", "qty")),
    FieldSpec(
        "value",
        _("Value (EGP)"),
        ("القيمة", "المبلغ", "القيمة بالجنيه", "value", "amount", "value egp"),
    ),
    FieldSpec(
        "delivered_on",
        _("Delivery date"),
        (
            "تاريخ الصرف",
            "تاريخ التسليم",
            "التاريخ",
            "delivered on",
            "delivery date",
            "date",
            "delivered_on",
        ),
    ),
    FieldSpec(
        "period_start",
        _("Period from"),
        ("بداية الفترة", "من تاريخ", "period start", "period from", "from"),
    ),
    FieldSpec(
        "period_end",
        _("Period until"),
        ("نهاية الفترة", "إلى تاريخ", "حتى تاريخ", "period end", "period until", "to"),
    ),
    FieldSpec("program", _("Program"), ("البرنامج", "المشروع", "program", "programme")),
    *_PLACE,
    FieldSpec(
        "delivered_by",
        _("Delivered by"),
        ("المسلم", "القائم بالتسليم", "المندوب", "delivered by", "staff"),
    ),
    FieldSpec("note", _("Note"), ("ملاحظات", "ملاحظة", "note", "notes", "remarks")),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    ImportKind.HOUSEHOLDS: HOUSEHOLD_FIELDS,
    ImportKind.AID: AID_FIELD_SPECS,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    # Relation and gender may be left out: a household of one row is its head, and the
    # gender is read from the national ID or the relation (a row where nothing gives it is
    # refused, saying why).
    ImportKind.HOUSEHOLDS: ("household_ref", "full_name", "governorate"),
    ImportKind.AID: ("category", "quantity", "delivered_on"),
}
#: At least one field of each group must be mapped.
REQUIRED_ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {
    ImportKind.HOUSEHOLDS: (),
    ImportKind.AID: (("national_id", "household_ref"),),
}


def field_names(kind: str) -> tuple[str, ...]:
    return tuple(spec.name for spec in FIELDS[kind])


def field_label(kind: str, name: str) -> str:
    for spec in FIELDS[kind]:
        if spec.name == name:
            return str(spec.label)
    return name


def problem_place(kind: str, mapping: Mapping[str, str], path: str) -> str:
    """Where a row's problem is, in the member's terms: the file's column holding the field
    ("people.0.national_id" → "الرقم القومي" as the file names it), else the field's name,
    else "" (the problem concerns the whole row)."""
    name = path.rsplit(".", 1)[-1]
    column = mapping.get(name)
    if column:
        return column
    if name in field_names(kind):
        return field_label(kind, name)
    if name == "household":
        return str(_("the household"))
    return ""


def header_key(text: object) -> str:
    """The normal form headers are compared in."""
    tokens = name_tokens(str(text))
    return "".join(
        token[2:] if token.startswith("ال") and len(token) > 3 else token for token in tokens
    )


def synonym_keys(kind: str) -> dict[str, str]:
    """Normal form → field, the field's own name first, then its synonyms."""
    keys: dict[str, str] = {}
    for spec in FIELDS[kind]:
        for text in (spec.name, *spec.synonyms):
            keys.setdefault(header_key(text), spec.name)
    return keys


def suggest_mapping(
    kind: str, header: Iterable[str], remembered: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Field → header: the remembered choices still present in this file, then synonyms.

    A header is suggested for one field only.
    """
    header = [str(name) for name in header]
    present = set(header)
    fields = field_names(kind)
    mapping: dict[str, str] = {}
    for field_name, column in (remembered or {}).items():
        if field_name in fields and column in present and column not in mapping.values():
            mapping[field_name] = column
    keys = synonym_keys(kind)
    for column in header:
        found = keys.get(header_key(column))
        if found and found not in mapping and column not in mapping.values():
            mapping[found] = column
    return {name: mapping[name] for name in fields if name in mapping}


def missing_fields(kind: str, mapping: Mapping[str, str]) -> list[str]:
    """Labels of the required fields (or groups, "A or B") the mapping leaves out."""
    missing = [field_label(kind, name) for name in REQUIRED[kind] if not mapping.get(name)]
    for group in REQUIRED_ONE_OF[kind]:
        if not any(mapping.get(name) for name in group):
            first, second = group
            missing.append(
                str(_("%(first)s or %(second)s"))
                % {"first": field_label(kind, first), "second": field_label(kind, second)}
            )
    return missing
