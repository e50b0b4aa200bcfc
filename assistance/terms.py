"""The court's record of how long each freeze or seal lasts: one `MeasureTerm` per notice item with a period.

It is written when the notice is served (the served date plus the item's `period_months`, source "service"), replaced
by the dates the unit gives in its reply (`ReplyResult.start_on`/`end_on`, source "reply"), and may be corrected by
a clerk of the court with a reason (source "clerk", a `NoticeEvent` "term_edited" keeps the old and new dates). The
renewal reminder (assistance/reminders.py `scan_renewals`) and the 续行 notice (assistance/services/terms.py) read it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.text import REASON_MAX, BoundedTextField


class TermSource(models.TextChoices):
    SERVICE = "service", "按送达日期推算"
    REPLY = "reply", "协助单位回复"
    CLERK = "clerk", "执行员更正"


class MeasureTerm(ChoiceLabels, models.Model):
    """The start and end of one item's freeze or seal, as the court knows it."""

    notice = models.ForeignKey("assistance.Notice", verbose_name="通知书", on_delete=models.PROTECT,
                               related_name="terms")
    item = models.OneToOneField("assistance.NoticeItem", verbose_name="协助事项", on_delete=models.PROTECT,
                                related_name="term")
    start_on = models.DateField("起始日期")
    end_on = models.DateField("届满日期")
    source = models.CharField("来源", max_length=20, choices=TermSource.choices)
    reply_result = models.ForeignKey("assistance.ReplyResult", verbose_name="回复结果", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reason = BoundedTextField("更正理由", blank=True, max_chars=REASON_MAX)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更正人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "查封冻结期限"
        verbose_name_plural = "查封冻结期限"
        ordering = ["notice_id", "item__position"]
        indexes = [models.Index(fields=["end_on"], name="measure_term_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gte=models.F("start_on")), name="measure_term_ordered"),
        ]

    def __str__(self):
        return f"{self.start_on:%Y-%m-%d} 至 {self.end_on:%Y-%m-%d}"

    def renewal_opens_on(self) -> datetime.date:
        """The first day the clerk is reminded and may draft the renewal (`settings.RENEWAL_DAYS_AHEAD` before)."""
        return self.end_on - datetime.timedelta(days=settings.RENEWAL_DAYS_AHEAD)

    def in_renewal_window(self, today: datetime.date) -> bool:
        return self.renewal_opens_on() <= today <= self.end_on
