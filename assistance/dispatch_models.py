"""Urgent dispatch (立即出警): a clerk facing violent resistance to enforcement asks the police unit of the case's
jurisdiction to come at once (法发〔2010〕15号 art. 6; 荔政法〔2017〕72号 四（七）4（1）; 公安县 art. 15).

requested → acknowledged (已接警, by the police unit's liaison) → arrived (已到场, with the time) → closed (the clerk,
with a note); the clerk may close from any open state (resolved before the police came). A request not acknowledged
by `ack_due_at` (settings.DISPATCH_ACK_MINUTES after sending) is escalated once to the committee of the jurisdiction
and the court's leaders: an event and `escalated_at`, not a state, so the police can still acknowledge it. The moves
are `DISPATCH_MACHINE` (assistance/dispatch.py); the services are in assistance/services/dispatch.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.statemachine import EventBase
from linkage.text import REASON_MAX, BoundedTextField
from members.selectors import jurisdiction_id_of

PLACE_MAX = 200
SITUATION_MAX = 500


class DispatchState(models.TextChoices):
    REQUESTED = "requested", "待接警"
    ACKNOWLEDGED = "acknowledged", "已接警"
    ARRIVED = "arrived", "已到场"
    CLOSED = "closed", "已结束"


OPEN_DISPATCH_STATES = (DispatchState.REQUESTED, DispatchState.ACKNOWLEDGED, DispatchState.ARRIVED)


class DispatchQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The court's clerks and leaders, the police unit's liaisons, the committee of the court's jurisdiction;
        nobody else (an administrator neither: a request names a place and a situation, not the system's business)."""
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_liaison:
            return self.filter(police_id=user.organisation_id)
        if user.is_committee:
            return self.filter(court__jurisdiction_id=jurisdiction_id_of(user))
        return self.none()

    def open(self):
        return self.filter(state__in=OPEN_DISPATCH_STATES)


class DispatchRequest(ChoiceLabels, models.Model):
    """One urgent request for the police to come to an enforcement scene."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="dispatches")
    court = models.ForeignKey("members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT,
                              related_name="dispatches_sent")
    police = models.ForeignKey("members.Organisation", verbose_name="公安机关", on_delete=models.PROTECT,
                               related_name="dispatches")
    place = models.CharField("现场地点", max_length=PLACE_MAX)
    situation = BoundedTextField("现场情况", blank=True, max_chars=SITUATION_MAX)
    state = models.CharField("状态", max_length=20, choices=DispatchState.choices, default=DispatchState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="请求人", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField("请求时间")
    ack_due_at = models.DateTimeField("应接警时间")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接警人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField("接警时间", null=True, blank=True)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    arrived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="到场登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField("到场时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结束人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    close_note = BoundedTextField("处置情况", blank=True, max_chars=REASON_MAX)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = "紧急出警请求"
        verbose_name_plural = "紧急出警请求"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["police", "state", "-requested_at"], name="dispatch_police_state"),
            models.Index(fields=["court", "-requested_at"], name="dispatch_court_requested"),
            # The escalation scan: unacknowledged, due, not yet escalated.
            models.Index(fields=["ack_due_at"], condition=Q(state="requested", escalated_at__isnull=True),
                         name="dispatch_escalation_due"),
        ]
        constraints = [
            # One open request per case: a second tap on a phone must not send the police a second alarm.
            models.UniqueConstraint(fields=["case"], condition=Q(state__in=["requested", "acknowledged", "arrived"]),
                                    name="one_open_dispatch_per_case",
                                    violation_error_message="本案已有未结束的出警请求。"),
            models.CheckConstraint(condition=Q(ack_due_at__gt=models.F("requested_at")), name="dispatch_ack_due_after"),
            models.CheckConstraint(condition=~Q(place=""), name="dispatch_place_required"),
            models.CheckConstraint(
                condition=Q(state="requested") | Q(state="closed") | Q(acknowledged_at__isnull=False),
                name="dispatch_acknowledged_has_time"),
            models.CheckConstraint(condition=~Q(state="arrived") | Q(arrived_at__isnull=False),
                                   name="dispatch_arrived_has_time"),
            models.CheckConstraint(condition=~Q(state="closed") | Q(closed_at__isnull=False),
                                   name="dispatch_closed_has_time"),
        ]

    def __str__(self):
        return f"紧急出警第{self.pk}号（{self.case.number}）"

    @property
    def is_open(self):
        return self.state in OPEN_DISPATCH_STATES


class DispatchEvent(ChoiceLabels, EventBase):
    """One step of a dispatch request's history (sent, escalated, acknowledged, arrived, closed)."""

    dispatch = models.ForeignKey(DispatchRequest, verbose_name="出警请求", on_delete=models.PROTECT,
                                 related_name="events")

    STATES = DispatchState

    class Meta(EventBase.Meta):
        verbose_name = "出警请求记录"
        verbose_name_plural = "出警请求记录"
        ordering = ["dispatch_id", "at", "id"]
        indexes = [models.Index(fields=["dispatch", "at"], name="dispatch_event_at")]

    @property
    def action_display(self):
        from .dispatch import DISPATCH_MACHINE

        return DISPATCH_MACHINE.label(self.action)
