from django.db import migrations


def load_catalogue(apps, schema_editor):
    from members.catalogue import MEASURES

    Measure = apps.get_model("members", "Measure")
    for order, (code, name) in enumerate(MEASURES, start=1):
        Measure.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
