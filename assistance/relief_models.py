"""Relief for applicants in hardship (执行救助; 法发〔2010〕15号 art. 8, Liwan 四(五)5, Gong'an art. 22, Yunfu item 19):
an applicant whose won claim cannot be paid and who lives in hardship is recorded on the case (`HardshipRecord`);
the court may grant judicial relief (司法救助) — the clerk proposes an amount with reasons, the court's bureau leader
approves or refuses it (`JudicialReliefProposal`, `RELIEF_MACHINE`) — and may refer the applicant to the
jurisdiction's civil-affairs unit for social relief (社会救助).

The referral is an assistance notice of the civil-affairs unit's measure `social_relief` (社会救助转介), signed by a
leader and served like any other: it lands in the unit's inbox, is reminded on the notice ladder while unanswered,
and is answered by the notice's reply, whose structured line (`ReplyResult`, kind `relief`) says whether relief is
granted, of which kind and how much, or why not (assistance/services/replies.py). `ReliefReferral` links the
record to each referral letter.
Imported at the bottom of `assistance.models`; the services are in `assistance/services/relief.py`."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.statemachine import EventBase, Machine, Move, Role
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField
from members.selectors import jurisdiction_id_of

__all__ = ["RELIEF_MACHINE", "HardshipRecord", "JudicialReliefProposal", "ReliefEvent", "ReliefReferral", "ReliefState"]


class HardshipQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The case's court's clerks and leaders; the committee of its jurisdiction, read-only; nobody else (the
        civil-affairs unit sees the referral notice, not the court's record)."""
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_committee:
            return self.filter(court__jurisdiction_id=jurisdiction_id_of(user))
        return self.none()


class HardshipRecord(models.Model):
    """An applicant of a case whose claim cannot be paid in full and who lives in hardship, as the clerk found."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="hardship_records")
    # The case's court, kept on the row so visibility is one indexed filter (a case never moves court).
    court = models.ForeignKey("members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT,
                              related_name="+")
    applicant = models.ForeignKey("cases.Party", verbose_name="申请执行人", on_delete=models.PROTECT,
                                  related_name="hardship_records")
    circumstances = BoundedTextField("生活困难情况", max_chars=TEXT_MAX)
    unpaid_amount = models.DecimalField("未兑现债权（元）", max_digits=16, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = HardshipQuerySet.as_manager()

    class Meta:
        verbose_name = "困难申请执行人"
        verbose_name_plural = "困难申请执行人"
        ordering = ["case_id", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "applicant"], name="one_hardship_record_per_applicant",
                                    violation_error_message="该申请执行人已登记生活困难情况。"),
            models.CheckConstraint(condition=Q(unpaid_amount__gt=0), name="hardship_unpaid_positive"),
        ]

    def __str__(self):
        return f"{self.applicant.name}（{self.case.number}）"


class ReliefReferral(models.Model):
    """The link between a hardship record and its referral letter to the civil-affairs unit (a notice of the measure
    social_relief). A withdrawn referral may be followed by a new one: each keeps its row."""

    record = models.ForeignKey(HardshipRecord, verbose_name="困难申请执行人", on_delete=models.PROTECT,
                               related_name="referrals")
    notice = models.OneToOneField("assistance.Notice", verbose_name="社会救助转介函", on_delete=models.PROTECT,
                                  related_name="relief_referral")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "社会救助转介"
        verbose_name_plural = "社会救助转介"
        ordering = ["record_id", "id"]

    def __str__(self):
        return f"{self.record}：转介函第{self.notice_id}号"


class ReliefState(models.TextChoices):
    PROPOSED = "proposed", "待领导决定"
    APPROVED = "approved", "准予司法救助"
    REFUSED = "refused", "不予司法救助"


class JudicialReliefProposal(ChoiceLabels, models.Model):
    """The clerk's proposal of judicial relief (司法救助) for a recorded applicant: the amount and why; the court's
    bureau leader approves or refuses it with reasons."""

    record = models.ForeignKey(HardshipRecord, verbose_name="困难申请执行人", on_delete=models.PROTECT,
                               related_name="proposals")
    amount = models.DecimalField("拟救助金额（元）", max_digits=16, decimal_places=2)
    reason = BoundedTextField("救助理由", max_chars=REASON_MAX)
    state = models.CharField("状态", max_length=20, choices=ReliefState.choices, default=ReliefState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = BoundedTextField("决定理由", blank=True, max_chars=REASON_MAX)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "司法救助"
        verbose_name_plural = "司法救助"
        ordering = ["record_id", "proposed_at", "id"]
        constraints = [
            # One proposal waits at a time, and relief is granted once: a refused one may be proposed anew.
            models.UniqueConstraint(fields=["record"], condition=Q(state__in=["proposed", "approved"]),
                                    name="one_live_relief_proposal",
                                    violation_error_message="该申请执行人已有待决定或已准予的司法救助。"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="relief_amount_positive"),
            models.CheckConstraint(condition=Q(state="proposed") | Q(decided_at__isnull=False),
                                   name="relief_decision_dated"),
        ]

    def __str__(self):
        return f"司法救助 {self.amount}元（{self.get_state_display()}）"


_LEADER = Role(lambda actor, proposal: actor.is_leader and actor.organisation_id == proposal.record.court_id,
               "只有本院执行局领导可以决定司法救助。")

RELIEF_MACHINE = Machine(
    noun="司法救助",
    moves={
        "approve": Move({ReliefState.PROPOSED}, ReliefState.APPROVED, "准予司法救助", _LEADER),
        "refuse": Move({ReliefState.PROPOSED}, ReliefState.REFUSED, "不予司法救助", _LEADER),
    },
    related=("record", "record__case", "record__applicant"),
    names={"propose": "提出司法救助"},
)


class ReliefEvent(ChoiceLabels, EventBase):
    proposal = models.ForeignKey(JudicialReliefProposal, verbose_name="司法救助", on_delete=models.PROTECT,
                                 related_name="events")

    ACTIONS = {**{action: move.label for action, move in RELIEF_MACHINE.moves.items()}, **RELIEF_MACHINE.names}
    STATES = ReliefState

    class Meta(EventBase.Meta):
        verbose_name = "司法救助记录"
        verbose_name_plural = "司法救助记录"
        ordering = ["proposal_id", "at", "id"]


RELIEF_MACHINE.event_model, RELIEF_MACHINE.event_field = ReliefEvent, "proposal"
