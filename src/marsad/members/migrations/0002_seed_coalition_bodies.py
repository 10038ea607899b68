"""The coalition's governing bodies and standing committees (its statutes, not demo data)."""

from django.db import migrations


def seed(apps, schema_editor):
    from marsad.members.services import coalition_bodies_seed

    coalition_bodies_seed(apps.get_model("members", "CoalitionBody"))


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
