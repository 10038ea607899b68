"""Recompute the displayed name parts of people whose name is written in Latin letters.

Since this migration, the parts shown for a Latin name follow its transliteration: "Abdel
Rahman" is one first name and "El Hag" a title (`validation._raw_parts`). People
registered earlier kept a split shifted by one word ("Abdel" as the first name, "Rahman"
as the father's). Their normal forms and keys were already right; this rewrites the name
columns as registration computes them today, for the rows where anything differs.
"""

from django.db import migrations
from django.utils import timezone

from marsad.registry.validation import name_columns_of

CHUNK = 2000


def recompute(apps, schema_editor):
    person = apps.get_model("registry", "Person")
    today = timezone.localdate()
    batch = []
    fields: list[str] = []
    compared = list(name_columns_of("", today=today))
    rows = person.objects.filter(name_is_latin=True).only("pk", "full_name", *compared)
    for row in rows.order_by("pk").iterator(chunk_size=CHUNK):
        columns = name_columns_of(row.full_name, today=today)
        if all(getattr(row, name) == value for name, value in columns.items()):
            continue
        fields = list(columns)
        for name, value in columns.items():
            setattr(row, name, value)
        batch.append(row)
        if len(batch) == CHUNK:
            person.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        person.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_names_without_titles")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
