from django.db import migrations

# Working days a community has to answer (a witness task: after the scheduled visit). Short on purpose: the grid
# liaison lives where the debtor lives (Yunfu seed item 9); the administrator may change them.
DEFAULT_TERMS = {"locate": 3, "serve": 3, "investigate": 5, "witness": 1, "post": 2}


def seed(apps, schema_editor):
    Term = apps.get_model("grid", "GridTaskTerm")
    for kind, days in DEFAULT_TERMS.items():
        Term.objects.get_or_create(kind=kind, defaults={"working_days": days})


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
