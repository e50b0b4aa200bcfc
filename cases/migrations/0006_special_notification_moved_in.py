import django.db.models.deletion
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Length

import linkage.dates
import linkage.text


class Migration(migrations.Migration):
    """`cases` takes over the special-debtor notification model `blacklist.0009` gave up, on the table it renamed:
    state only (the table, its rows, its constraints are already there)."""

    dependencies = [
        ("cases", "0005_loop_lifting_signoff"),
        ("blacklist", "0009_special_notification_moves_to_cases"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="SpecialDebtorNotification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("kind", models.CharField(choices=[("deputy", "人大代表"), ("cppcc", "政协委员"),
                                                           ("public_servant", "国家工作人员或国有企业"),
                                                           ("organ", "党政机关")], max_length=20, verbose_name="类别")),
                        ("recipient", models.CharField(max_length=100, verbose_name="通报对象")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="生成时间")),
                        ("done_on", models.DateField(blank=True, null=True,
                                                     validators=[linkage.dates.PastDateValidator("通报日期")],
                                                     verbose_name="通报日期")),
                        ("note", linkage.text.BoundedTextField(blank=True, max_chars=2000, verbose_name="通报情况")),
                        ("case", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                   related_name="special_notifications", to="cases.case",
                                                   verbose_name="案件")),
                        ("debtor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                     related_name="special_notifications", to="cases.party",
                                                     verbose_name="被执行人")),
                        ("done_by", models.ForeignKey(blank=True, null=True,
                                                      on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                      to=settings.AUTH_USER_MODEL, verbose_name="通报人")),
                    ],
                    options={
                        "verbose_name": "特殊主体通报",
                        "verbose_name_plural": "特殊主体通报",
                        "ordering": ["done_on", "-created_at"],
                        "constraints": [
                            models.UniqueConstraint(fields=("debtor", "kind"), name="one_notification_per_debtor_kind"),
                            models.CheckConstraint(
                                condition=django.db.models.lookups.LessThanOrEqual(Length("note"), 2000),
                                name="cases_specialdebtornotification_note_chars",
                                violation_error_message="通报情况不能超过2000字。"),
                        ],
                    },
                ),
            ],
        ),
    ]
