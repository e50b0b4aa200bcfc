"""Finding a debtor and a vehicle with the police (查找被执行人下落/布控, 查扣车辆; Liwan seed 四(七)2-3, Yunfu item 2).

A notice with measure `locate_person` or `seize_vehicle` carries one `Tracking`: the qualifying reason (locate only,
the five of Liwan 四(七)2), the court's 24-hour contact, the status-reply cadence, and the facts as they happen —
control registered (vehicles), found or seized (where, when, by whom), reported, handed over (vehicles), taken over
by the court, or cancelled by the court. Its moves are `TRACKING_MACHINE` (assistance/tracking.py); each writes a
`TrackingEvent`.

A detained person the police will not hold may be the subject of a `DetentionSuggestion` (建议停止执行拘留, Liwan
四(七)4(3)): the court decides within 24 hours, the decision goes back to the unit.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.dates import PastDateValidator
from linkage.statemachine import EventBase
from linkage.text import REASON_MAX, BoundedTextField

__all__ = ["DetentionState", "DetentionSuggestion", "LocateReason", "Tracking", "TrackingEvent", "TrackingState"]

# A telephone reachable around the clock: a mobile (11 digits) or a landline with its area code (a hyphen or a space
# after it), optionally with +86; no extension (a 24-hour line rings directly).
PHONE_PATTERN = r"^(?:\+?86[ -]?)?(?:1[3-9]\d{9}|0\d{2,3}[ -]?\d{7,8})$"
phone_validator = RegexValidator(PHONE_PATTERN, "联系电话格式不正确，应为手机号码或带区号的固定电话（如 020-81234567）。")


class LocateReason(models.TextChoices):
    """The five cases in which the court may ask the police to find a debtor (Liwan seed 四(七)2)."""

    ABSCONDED = "absconded", "人民法院作出拘留决定后，潜逃的"
    MISSING = "missing", "立案执行后，下落不明连续超过3个月以上或长年在外，并经其住所地居民委员会或村民委员会证实的"
    STABILITY = "stability", "因案件得不到执行，可能引发群体性事件等严重影响社会稳定的"
    LARGE_AMOUNT = "large_amount", "涉案金额特别巨大，如不及时查找将导致案件无法执行的"
    OTHER = "other", "其他需要公安机关配合查找被执行人的"


class TrackingState(models.TextChoices):
    SEARCHING = "searching", "查找中"
    FOUND = "found", "已发现"
    REPORTED = "reported", "已通知法院"
    HANDED_OVER = "handed_over", "已移交"
    TAKEN_OVER = "taken_over", "法院已接收"
    CANCELLED = "cancelled", "已撤销协查"


class Tracking(ChoiceLabels, models.Model):
    """The police side of a locate or vehicle request, one per notice."""

    notice = models.OneToOneField("assistance.Notice", verbose_name="通知书", on_delete=models.PROTECT,
                                  related_name="tracking")
    state = models.CharField("查控状态", max_length=20, choices=TrackingState.choices, default=TrackingState.SEARCHING)
    reason = models.CharField("查找事由", max_length=20, choices=LocateReason.choices, blank=True)
    reason_detail = BoundedTextField("事由说明", blank=True, max_chars=REASON_MAX)
    contact_person = models.CharField("法院24小时联系人", max_length=50)
    contact_phone = models.CharField("24小时联系电话", max_length=30, validators=[phone_validator])
    status_every_days = models.PositiveSmallIntegerField("情况反馈周期（日）")
    last_status_at = models.DateTimeField("最近情况反馈时间", null=True, blank=True)
    status_reports = models.PositiveIntegerField("情况反馈次数", default=0)
    # Vehicles: the plate and the date the police entered it into their control system (布控录入).
    plate = models.CharField("号牌号码", max_length=20, blank=True)
    control_registered_on = models.DateField("布控录入日期", null=True, blank=True,
                                             validators=[PastDateValidator("布控录入日期")])
    control_registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="布控录入人", null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="+")
    # The finding (a person found, a vehicle seized): where, when, by whom; the 24-hour rule runs from found_at.
    found_at = models.DateTimeField("发现/查扣时间", null=True, blank=True, validators=[PastDateValidator("发现时间")])
    found_place = models.CharField("发现/查扣地点", max_length=200, blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    found_recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    reported_at = models.DateTimeField("通知法院时间", null=True, blank=True)
    # Vehicles: the hand-over to the court (交接).
    handover_place = models.CharField("交接地点", max_length=200, blank=True)
    handover_at = models.DateTimeField("交接时间", null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="移交人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    taken_over_at = models.DateTimeField("法院接收时间", null=True, blank=True)
    taken_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField("撤销协查时间", null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    cancel_reason = BoundedTextField("撤销理由", blank=True, max_chars=REASON_MAX)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "查人扣车"
        verbose_name_plural = "查人扣车"
        constraints = [
            models.CheckConstraint(condition=Q(status_every_days__gte=1) & Q(status_every_days__lte=90),
                                   name="tracking_status_cadence_range"),
            models.CheckConstraint(condition=Q(state="searching") | Q(state="cancelled") | Q(found_at__isnull=False),
                                   name="tracking_found_has_moment"),
        ]

    def __str__(self):
        return f"{self.notice_id}：{self.get_state_display()}"

    @property
    def is_vehicle(self):
        return self.notice.measure.code == "seize_vehicle"


class TrackingEvent(ChoiceLabels, EventBase):
    tracking = models.ForeignKey(Tracking, verbose_name="查人扣车", on_delete=models.PROTECT, related_name="events")

    STATES = TrackingState

    class Meta(EventBase.Meta):
        verbose_name = "查人扣车记录"
        verbose_name_plural = "查人扣车记录"
        ordering = ["tracking_id", "at", "id"]

    @property
    def action_display(self):
        from .tracking import TRACKING_MACHINE

        return TRACKING_MACHINE.label(self.action)


class DetentionState(models.TextChoices):
    PENDING = "pending", "待决定"
    STOPPED = "stopped", "决定停止执行拘留"
    CONTINUED = "continued", "决定继续执行拘留"


class DetentionSuggestion(ChoiceLabels, models.Model):
    """The police's 建议停止执行拘留 about a detained debtor; the court decides within 24 hours."""

    notice = models.ForeignKey("assistance.Notice", verbose_name="通知书", on_delete=models.PROTECT,
                               related_name="detention_suggestions")
    reason = BoundedTextField("建议理由", max_chars=REASON_MAX)
    state = models.CharField("状态", max_length=20, choices=DetentionState.choices, default=DetentionState.PENDING)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField("提出时间")
    due_at = models.DateTimeField("决定期限")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = BoundedTextField("决定理由", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "建议停止执行拘留"
        verbose_name_plural = "建议停止执行拘留"
        ordering = ["notice_id", "raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice"], condition=Q(state="pending"), name="one_pending_detention"),
        ]

    def __str__(self):
        return f"建议停止执行拘留（{self.get_state_display()}）"

    def is_overdue(self, now=None):
        return self.state == DetentionState.PENDING and self.due_at < (now or timezone.now())
