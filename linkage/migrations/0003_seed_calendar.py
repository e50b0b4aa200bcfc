"""Seed the working-day calendar from the chinese_calendar package (holidays, make-up working days, loaded years).

Runs the same function as `manage.py sync_calendar`, with the historical models. Idempotent; rows an
administrator entered (any source other than chinese-calendar) are never overwritten.
"""

from django.db import migrations


def seed_calendar(apps, schema_editor):
    from linkage.workdays import seed_from_chinese_calendar

    seed_from_chinese_calendar(apps.get_model("linkage", "CalendarDay"), apps.get_model("linkage", "CalendarYear"))


class Migration(migrations.Migration):

    dependencies = [
        ("linkage", "0002_initial"),
    ]

    operations = [
        # Reversing keeps the rows: they are harmless, and re-applying is idempotent.
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
    ]
