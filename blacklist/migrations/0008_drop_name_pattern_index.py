from django.db import migrations


class Migration(migrations.Migration):
    """The public search by name is served, in its order, by listing_state_name_published (a range on the name); the
    varchar_pattern_ops index led the planner, with literal values, to read and sort every match (issue 18)."""

    dependencies = [
        ("blacklist", "0007_text_limits_names_past_dates"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="listing", name="listing_state_name_prefix"),
    ]
