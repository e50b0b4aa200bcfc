"""Each delivery gets its own idempotency key (existing rows too, one each) and may be "unknown" (结果待核实)."""

import uuid

from django.db import migrations, models


def give_each_delivery_a_key(apps, schema_editor):
    Delivery = apps.get_model("linkage", "Delivery")
    for pk in Delivery.objects.filter(idempotency_key__isnull=True).values_list("pk", flat=True).iterator():
        Delivery.objects.filter(pk=pk).update(idempotency_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0007_text_limits_names_past_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="idempotency_key",
            field=models.UUIDField(editable=False, null=True, verbose_name="幂等键"),
        ),
        migrations.RunPython(give_each_delivery_a_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="delivery",
            name="idempotency_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="幂等键"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="status_checks",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="核实次数"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="state",
            field=models.CharField(
                choices=[("pending", "待发送"), ("sent", "已发送"), ("failed", "发送失败"), ("unknown", "结果待核实")],
                default="pending",
                max_length=10,
                verbose_name="状态",
            ),
        ),
    ]
