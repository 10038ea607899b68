from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    from marsad.assistance.taxonomy import CATEGORIES, RULES

    category_model = apps.get_model("assistance", "AidCategory")
    rule_model = apps.get_model("assistance", "DuplicateAidRule")
    by_code = {}
    for seed_row in CATEGORIES:
        by_code[seed_row.code], _ = category_model.objects.get_or_create(
            code=seed_row.code,
            defaults={
                "kind": seed_row.kind,
                "name_ar": seed_row.name_ar,
                "name_en": seed_row.name_en,
                "unit_ar": seed_row.unit_ar,
                "unit_en": seed_row.unit_en,
                "parent": by_code.get(seed_row.parent),
                "unit_value": Decimal(seed_row.unit_value) if seed_row.unit_value else None,
            },
        )
    for rule in RULES:
        rule_model.objects.get_or_create(
            category=by_code[rule.category],
            scope=rule.scope,
            window=rule.window,
            defaults={
                "action": rule.action,
                "limit": rule.limit,
                "across_members": rule.across_members,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
