"""Recompute the name columns of people whose stored name starts with a title.

Since this migration, a title written before a name (الحاج, الدكتورة, م/ ...) is not taken
for the first name (`arabic.leading_titles`). People registered earlier with such a title
get the name columns registration gives them now, so that the duplicate check finds them.
"""

from django.db import migrations
from django.utils import timezone

from marsad.engines.arabic import TITLES, leading_titles
from marsad.registry.validation import name_columns_of

CHUNK = 2000


def recompute(apps, schema_editor):
    person = apps.get_model("registry", "Person")
    starts = "|".join(sorted(TITLES, key=len, reverse=True))
    # A title or a single letter, then a space: the only names the change can alter.
    candidates = person.objects.filter(name_normalized__regex=rf"^({starts}|[^ ]) ")
    today = timezone.localdate()
    batch = []
    fields: list[str] = []
    for row in candidates.only("pk", "full_name", "name_normalized").iterator(chunk_size=CHUNK):
        if not leading_titles(row.name_normalized.split()):
            continue
        columns = name_columns_of(row.full_name, today=today)
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
    dependencies = [("registry", "0004_slimmer_indexes")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
