"""Reference data: the shipped indicator definitions and their sourced values."""

from django.db import migrations


def seed(apps, schema_editor):
    from marsad.observatory.services import indicators_seed

    indicators_seed(
        apps.get_model("observatory", "Indicator"),
        apps.get_model("observatory", "IndicatorValue"),
        apps.get_model("geo", "Governorate"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0001_initial"),
        ("geo", "0003_seed_governorates"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
