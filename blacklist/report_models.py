"""The judicial credit report (司法信用报告, 云府 item 17): when a case ends, for each of its parties, a frozen record
of the case, its performance, the party's listings and their history, restriction orders, graces and credit
repairs, and the abuse-of-process findings against it, as they stood when the report was generated. A report is
never changed: regenerating it (on request) makes a new one, and the latest is the one shown. Imported at the
bottom of `blacklist.models`; built by `blacklist.credit_report`."""

from django.conf import settings
from django.db import models

from linkage.audit import AuditedQuerySet


class ReportReason(models.TextChoices):
    CONCLUDED = "concluded", "结案生成"
    REQUESTED = "requested", "依申请重新生成"


class CreditReport(models.Model):
    party = models.ForeignKey("cases.Party", verbose_name="当事人", on_delete=models.PROTECT,
                              related_name="credit_reports")
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="credit_reports")
    number = models.CharField("报告编号", max_length=40, unique=True)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("生成原因", max_length=10, choices=ReportReason.choices)
    # The report's content as generated (blacklist.credit_report.content.build_report): what the PDF and the API show.
    data = models.JSONField("报告内容")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "司法信用报告"
        verbose_name_plural = "司法信用报告"
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["party", "-generated_at", "-id"], name="credit_report_party_latest")]

    def __str__(self):
        return f"司法信用报告{self.number}（{self.party_id}）"


__all__ = ["ReportReason", "CreditReport"]
