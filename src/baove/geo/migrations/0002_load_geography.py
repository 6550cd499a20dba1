"""Load the 34 provinces and 3,321 communes from the vietnam-provinces package."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from baove.geo.loader import load as load_units

    load_units(apps.get_model("geo", "Province"), apps.get_model("geo", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
