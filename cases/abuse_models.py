"""Abuse of process on record (云府 item 17): findings against a party of false litigation, forged evidence, hiding
or transferring property, sham leases or share transfers, and malicious objections that delay an auction — each with
the ruling that found it, its date and court. Only courts see them. A finding recorded in error is withdrawn with a
reason, never deleted. Imported at the bottom of `cases.models`."""

from django.conf import settings
from django.db import models

from linkage.audit import AuditedQuerySet
from linkage.dates import PastDateValidator
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField


class AbuseKind(models.TextChoices):
    FALSE_LITIGATION = "false_litigation", "虚假诉讼"
    FORGED_EVIDENCE = "forged_evidence", "伪造证据"
    HIDING_PROPERTY = "hiding_property", "隐匿、转移财产"
    SHAM_LEASE = "sham_lease", "虚假租赁"
    SHAM_SHARE_TRANSFER = "sham_share_transfer", "虚假股权转让"
    MALICIOUS_OBJECTION = "malicious_objection", "恶意提出异议拖延拍卖"


class AbuseFinding(models.Model):
    """One finding of abuse of process against a party of a case, by the ruling that found it."""

    party = models.ForeignKey("cases.Party", verbose_name="当事人", on_delete=models.PROTECT,
                              related_name="abuse_findings")
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="abuse_findings")
    court = models.ForeignKey("members.Organisation", verbose_name="登记法院", on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField("行为类型", max_length=24, choices=AbuseKind.choices)
    facts = BoundedTextField("认定的事实", max_chars=TEXT_MAX)
    ruling_number = models.CharField("认定文书文号", max_length=60)
    ruled_on = models.DateField("认定日期", validators=[PastDateValidator("认定日期")])
    ruling_court = models.CharField("作出认定的法院", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdraw_reason = BoundedTextField("撤回理由", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "妨害诉讼执行行为记录"
        verbose_name_plural = "妨害诉讼执行行为记录"
        ordering = ["-ruled_on", "-id"]
        indexes = [models.Index(fields=["party", "ruled_on"], name="abuse_party_ruled")]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.ruling_number}）"

__all__ = ["AbuseKind", "AbuseFinding"]
