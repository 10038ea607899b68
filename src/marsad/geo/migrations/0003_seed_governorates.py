"""Reference data: the 27 governorates with codes, population and boundaries."""

from django.db import migrations


def seed(apps, schema_editor):
    from marsad.geo.services import governorates_seed

    governorates_seed(apps.get_model("geo", "Governorate"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
