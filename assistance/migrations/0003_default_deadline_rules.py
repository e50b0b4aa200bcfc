from django.db import migrations

# Product defaults from docs/domain-rules.md ("Assistance duties and deadlines"); administrators edit them.
DEFAULTS = {
    "inquiry": (3, "working_days", "查询：3个工作日"),
    "seal": (1, "working_days", "查封：1个工作日"),
    "freeze": (1, "working_days", "冻结：1个工作日"),
    "stop_registration": (1, "working_days", "停止办理登记：1个工作日"),
    "locate_person": (24, "hours", "查找下落：发现后24小时内通知法院"),
    "seize_vehicle": (24, "hours", "查扣车辆：查扣后24小时内通知法院"),
}
GENERAL = (5, "working_days", "一般事项：5个工作日")


def load_defaults(apps, schema_editor):
    Measure = apps.get_model("members", "Measure")
    DeadlineRule = apps.get_model("assistance", "DeadlineRule")
    for measure in Measure.objects.all():
        count, unit, note = DEFAULTS.get(measure.code, GENERAL)
        DeadlineRule.objects.get_or_create(
            measure=measure, unit=None, defaults={"count": count, "count_unit": unit, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0002_initial"), ("members", "0002_measure_catalogue")]
    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
