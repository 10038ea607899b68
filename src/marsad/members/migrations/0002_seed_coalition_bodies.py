"""The coalition's governing bodies and standing committees (its statutes, not demo data)."""

from django.db import migrations

BODIES = [
    ("general-assembly", "general_assembly", "", "الجمعية العمومية", "General Assembly"),
    ("board-of-trustees", "board_of_trustees", "", "مجلس الأمناء", "Board of Trustees"),
    (
        "technical-secretariat",
        "technical_secretariat",
        "",
        "الأمانة الفنية",
        "Technical Secretariat",
    ),
    (
        "committee-marketing-media",
        "standing_committee",
        "marketing_media",
        "لجنة التسويق والإعلام",
        "Marketing and Media Committee",
    ),
    (
        "committee-strategic-planning",
        "standing_committee",
        "strategic_planning",
        "لجنة التخطيط الاستراتيجي",
        "Strategic Planning Committee",
    ),
    (
        "committee-activities-initiatives",
        "standing_committee",
        "activities_initiatives",
        "لجنة الأنشطة والمبادرات",
        "Activities and Initiatives Committee",
    ),
    (
        "committee-investment-sustainability",
        "standing_committee",
        "investment_sustainability",
        "لجنة الاستثمار والاستدامة",
        "Investment and Sustainability Committee",
    ),
]


def seed(apps, schema_editor):
    body_model = apps.get_model("members", "CoalitionBody")
    for slug, kind, area, name_ar, name_en in BODIES:
        body_model.objects.update_or_create(
            slug=slug, defaults={"kind": kind, "area": area, "name_ar": name_ar, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
