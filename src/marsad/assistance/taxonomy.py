"""The aid taxonomy every installation starts with, and its default duplicate-aid rules.

Members and the secretariat add, rename or retire categories and rules in the admin; this
list only seeds a new installation (data migration) and the tests. Values per unit are left
empty: prices change, and each delivery records its own value.
"""

from __future__ import annotations

from typing import NamedTuple


class CategorySeed(NamedTuple):
    code: str
    kind: str
    name_ar: str
    name_en: str
    unit_ar: str
    unit_en: str
    parent: str = ""
    unit_value: str | None = None


class RuleSeed(NamedTuple):
    category: str
    scope: str
    window: str
    action: str
    limit: int = 1
    across_members: bool = True


CATEGORIES: tuple[CategorySeed, ...] = (
    CategorySeed("food", "food", "مساعدات غذائية", "Food aid", "وحدة", "unit"),
    CategorySeed(
        "food-box", "food", "كرتونة مواد غذائية", "Food box", "كرتونة", "box", parent="food"
    ),
    CategorySeed("hot-meals", "food", "وجبات ساخنة", "Hot meals", "وجبة", "meal", parent="food"),
    CategorySeed("seasonal", "seasonal", "حملات موسمية", "Seasonal campaigns", "وحدة", "unit"),
    CategorySeed(
        "ramadan-box", "seasonal", "شنطة رمضان", "Ramadan box", "شنطة", "box", parent="seasonal"
    ),
    CategorySeed(
        "eid-meat",
        "seasonal",
        "لحوم الأضاحي",
        "Eid al-Adha meat",
        "كيلوجرام",
        "kg",
        parent="seasonal",
    ),
    CategorySeed(
        "eid-clothes", "seasonal", "كسوة العيد", "Eid clothes", "قطعة", "piece", parent="seasonal"
    ),
    CategorySeed(
        "winter-blankets",
        "seasonal",
        "بطاطين الشتاء",
        "Winter blankets",
        "بطانية",
        "blanket",
        parent="seasonal",
    ),
    CategorySeed("cash", "cash", "مساعدات نقدية", "Cash assistance", "جنيه", "EGP", unit_value="1"),
    CategorySeed(
        "monthly-cash",
        "cash",
        "مساعدة نقدية شهرية",
        "Monthly cash grant",
        "جنيه",
        "EGP",
        parent="cash",
        unit_value="1",
    ),
    CategorySeed(
        "emergency-cash",
        "cash",
        "مساعدة نقدية عاجلة",
        "Emergency cash",
        "جنيه",
        "EGP",
        parent="cash",
        unit_value="1",
    ),
    CategorySeed("medical", "medical", "رعاية طبية", "Medical care", "خدمة", "service"),
    CategorySeed(
        "medical-visit", "medical", "كشف طبي", "Medical visit", "كشف", "visit", parent="medical"
    ),
    CategorySeed(
        "surgery", "medical", "عملية جراحية", "Surgery", "عملية", "operation", parent="medical"
    ),
    CategorySeed("medicines", "medical", "أدوية", "Medicines", "عبوة", "pack", parent="medical"),
    CategorySeed("education", "education", "دعم التعليم", "Education support", "خدمة", "service"),
    CategorySeed(
        "school-fees",
        "education",
        "مصروفات مدرسية",
        "School fees",
        "جنيه",
        "EGP",
        parent="education",
        unit_value="1",
    ),
    CategorySeed(
        "school-supplies",
        "education",
        "أدوات مدرسية",
        "School supplies",
        "حقيبة",
        "kit",
        parent="education",
    ),
    CategorySeed(
        "literacy",
        "education",
        "فصول محو الأمية",
        "Literacy classes",
        "دورة",
        "course",
        parent="education",
    ),
    CategorySeed("housing", "housing", "تأهيل المساكن", "Housing repair", "منزل", "home"),
    CategorySeed("roofing", "housing", "تسقيف منزل", "Roofing", "منزل", "home", parent="housing"),
    CategorySeed(
        "water-connection",
        "housing",
        "توصيل مياه وصرف",
        "Water and sanitation connection",
        "وصلة",
        "connection",
        parent="housing",
    ),
    CategorySeed("in-kind", "in_kind", "مساعدات عينية", "In-kind goods", "قطعة", "item"),
    CategorySeed(
        "bride-kits",
        "in_kind",
        "تجهيز عرائس",
        "Bride kits",
        "جهاز",
        "kit",
        parent="in-kind",
    ),
    CategorySeed(
        "appliances",
        "in_kind",
        "أجهزة منزلية",
        "Household appliances",
        "جهاز",
        "appliance",
        parent="in-kind",
    ),
    CategorySeed(
        "employment",
        "employment",
        "التمكين الاقتصادي والتشغيل",
        "Employment and economic empowerment",
        "خدمة",
        "service",
    ),
    CategorySeed(
        "vocational-training",
        "employment",
        "تدريب مهني",
        "Vocational training",
        "دورة",
        "course",
        parent="employment",
    ),
    CategorySeed(
        "micro-project",
        "employment",
        "مشروع متناهي الصغر",
        "Micro-project",
        "مشروع",
        "project",
        parent="employment",
    ),
    CategorySeed(
        "job-placement",
        "employment",
        "توفير فرصة عمل",
        "Job placement",
        "فرصة",
        "placement",
        parent="employment",
    ),
    CategorySeed("service", "service", "خدمات أخرى", "Other services", "خدمة", "service"),
)

RULES: tuple[RuleSeed, ...] = (
    RuleSeed("monthly-cash", "household", "month", "block"),
    RuleSeed("ramadan-box", "household", "hijri_year", "warn"),
    RuleSeed("eid-meat", "household", "hijri_year", "flag"),
    RuleSeed("housing", "household", "year", "warn"),
    RuleSeed("micro-project", "household", "year", "block"),
)
