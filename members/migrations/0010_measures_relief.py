from django.db import migrations

# The civil-affairs measures each seed gives its 民政 unit (as fixtures/jurisdictions/*.json say): the units already
# loaded get them here, a reload of the fixture gives them too.
CIVIL_AFFAIRS_MEASURES = {
    "cx-civil-affairs": ["marriage_inquiry", "divorce_notice", "social_relief"],
    "ga-civil-affairs": ["marriage_inquiry", "social_relief"],
    "lw-civil-affairs": ["marriage_inquiry", "social_relief"],
    "cn-civil-affairs": ["social_relief"],
    "yf-civil-affairs": ["social_relief"],
}


def add_measures(apps, schema_editor):
    from members.catalogue import MEASURES

    Measure = apps.get_model("members", "Measure")
    Organisation = apps.get_model("members", "Organisation")
    for order, (code, name) in enumerate(MEASURES, start=1):
        Measure.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for code, measures in CIVIL_AFFAIRS_MEASURES.items():
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is not None:
            organisation.measures.add(*Measure.objects.filter(code__in=measures))


class Migration(migrations.Migration):
    dependencies = [("members", "0009_webhooks_endpoints")]
    operations = [migrations.RunPython(add_measures, migrations.RunPython.noop)]
