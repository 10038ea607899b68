"""Rejected rows are kept encrypted: each row's cells move from `raw` (clear JSON) into
`sealed_row` (the same JSON, encrypted as national IDs are), and `raw` is removed. A batch
records when its file and rejected rows were removed (`purged_at`)."""

import json

from django.db import migrations, models

from marsad.core.crypto import decrypt_pii, encrypt_pii


def seal(apps, schema_editor):
    ImportRejection = apps.get_model("imports", "ImportRejection")
    batch = []
    for rejection in ImportRejection.objects.only("pk", "raw").iterator(chunk_size=2000):
        rejection.sealed_row = encrypt_pii(json.dumps(rejection.raw, ensure_ascii=False))
        batch.append(rejection)
        if len(batch) == 2000:
            ImportRejection.objects.bulk_update(batch, ["sealed_row"])
            batch = []
    ImportRejection.objects.bulk_update(batch, ["sealed_row"])


def unseal(apps, schema_editor):
    ImportRejection = apps.get_model("imports", "ImportRejection")
    batch = []
    for rejection in ImportRejection.objects.only("pk", "sealed_row").iterator(chunk_size=2000):
        rejection.raw = (
            json.loads(decrypt_pii(rejection.sealed_row)) if rejection.sealed_row else {}
        )
        batch.append(rejection)
        if len(batch) == 2000:
            ImportRejection.objects.bulk_update(batch, ["raw"])
            batch = []
    ImportRejection.objects.bulk_update(batch, ["raw"])


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
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(model_name="importrejection", name="raw"),
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
