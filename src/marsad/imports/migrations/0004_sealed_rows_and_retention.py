"""Rejected rows are kept encrypted: each row's cells move from `raw` (clear JSON) into
`sealed_row`, and its problems (which quote cells) from `problems` into `sealed_problems`
(the same JSON, encrypted as national IDs are); the clear columns are removed. A batch
records when its file and rejected rows were removed (`purged_at`)."""

import json

from django.db import migrations, models

from marsad.core.crypto import decrypt_pii, encrypt_pii

#: (clear column, encrypted column, empty value) of what is sealed.
COLUMNS = (("raw", "sealed_row", {}), ("problems", "sealed_problems", []))


def seal(apps, schema_editor):
    ImportRejection = apps.get_model("imports", "ImportRejection")
    batch = []
    for rejection in ImportRejection.objects.iterator(chunk_size=2000):
        for clear, sealed, _empty in COLUMNS:
            value = json.dumps(getattr(rejection, clear), ensure_ascii=False)
            setattr(rejection, sealed, encrypt_pii(value))
        batch.append(rejection)
        if len(batch) == 2000:
            ImportRejection.objects.bulk_update(batch, [sealed for _c, sealed, _e in COLUMNS])
            batch = []
    ImportRejection.objects.bulk_update(batch, [sealed for _c, sealed, _e in COLUMNS])


def unseal(apps, schema_editor):
    ImportRejection = apps.get_model("imports", "ImportRejection")
    batch = []
    for rejection in ImportRejection.objects.iterator(chunk_size=2000):
        for clear, sealed, empty in COLUMNS:
            stored = getattr(rejection, sealed)
            setattr(rejection, clear, json.loads(decrypt_pii(stored)) if stored else empty)
        batch.append(rejection)
        if len(batch) == 2000:
            ImportRejection.objects.bulk_update(batch, [clear for clear, _s, _e in COLUMNS])
            batch = []
    ImportRejection.objects.bulk_update(batch, [clear for clear, _s, _e in COLUMNS])


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_other_sheets"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrejection",
            name="sealed_row",
            field=models.TextField(
                default="", editable=False, verbose_name="the row as written (encrypted)"
            ),
        ),
        migrations.AddField(
            model_name="importrejection",
            name="sealed_problems",
            field=models.TextField(default="", editable=False, verbose_name="problems (encrypted)"),
        ),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(model_name="importrejection", name="raw"),
        migrations.RemoveField(model_name="importrejection", name="problems"),
        migrations.AddField(
            model_name="importbatch",
            name="purged_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Removed when kept longer than the retention period allows.",
                null=True,
                verbose_name="file and rejected rows removed at",
            ),
        ),
    ]
