"""Credit that can be repaired (issue 22; 云府 items 5 and 17): a grace on a written promise to pay (暂缓采取失信惩戒
措施), with the instalments the debtor promised, and a debtor's application for credit repair (信用修复).

Each is a stateful record with its table (`GRACE_MACHINE`, `REPAIR_MACHINE`) and its history (events). What each
does to the listing goes through the listing's own moves (`suspend`, `resume`, `delete`), which are pushed to the
joint-punishment units. Imported at the bottom of `blacklist.models`."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.dates import PastDateValidator
from linkage.statemachine import EventBase, Machine, Move, Role
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField, NameValidator


def _court_staff_of_listing(message):
    return Role(lambda actor, row: actor.is_court_staff and actor.organisation_id == row.listing.court_id, message)


def _leader_of_listing(message):
    return Role(lambda actor, row: actor.is_leader and actor.organisation_id == row.listing.court_id, message)


# ------------------------------------------------------------------------------------------------ grace


class GraceState(models.TextChoices):
    GRANTED = "granted", "暂缓期内"
    FULFILLED = "fulfilled", "已按承诺履行"
    BROKEN = "broken", "未按承诺履行，已恢复惩戒"
    ENDED = "ended", "名单已移出，暂缓终止"


class Promisor(models.TextChoices):
    DEBTOR = "debtor", "被执行人"
    APPLICANT = "applicant", "申请执行人代为申请"


class GracePeriod(models.Model):
    """A grace granted on a written promise to pay by a date or by instalments: while it runs the listing is
    suspended (never published, or off the public search and pushed as suspended, its restriction order paused)."""

    listing = models.ForeignKey("blacklist.Listing", verbose_name="名单", on_delete=models.PROTECT,
                                related_name="graces")
    promisor = models.CharField("承诺人", max_length=10, choices=Promisor.choices, default=Promisor.DEBTOR)
    promise = BoundedTextField("书面履行承诺", max_chars=TEXT_MAX)
    promised_on = models.DateField("承诺日期", validators=[PastDateValidator("承诺日期")])
    starts_on = models.DateField("暂缓起始日")
    ends_on = models.DateField("暂缓届满日")
    was_published = models.BooleanField("暂缓时已发布", default=False)
    state = models.CharField("状态", max_length=10, choices=GraceState.choices, default=GraceState.GRANTED)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT,
                                   related_name="+")
    granted_at = models.DateTimeField("决定时间", auto_now_add=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "暂缓惩戒"
        verbose_name_plural = "暂缓惩戒"
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["listing"], condition=Q(state="granted"), name="one_running_grace",
                                    violation_error_message="该名单已有正在执行的暂缓期。"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="grace_ends_after_start"),
        ]

    def __str__(self):
        return f"暂缓惩戒（{self.starts_on}至{self.ends_on}）"


class GraceInstalment(models.Model):
    """One payment the debtor promised (a single one for a promise to pay by a date)."""

    grace = models.ForeignKey(GracePeriod, verbose_name="暂缓惩戒", on_delete=models.PROTECT,
                              related_name="instalments")
    number = models.PositiveSmallIntegerField("期次")
    due_on = models.DateField("应履行日期")
    amount = models.DecimalField("应履行金额（元）", max_digits=16, decimal_places=2)
    paid_on = models.DateField("实际履行日期", null=True, blank=True, validators=[PastDateValidator("实际履行日期")])
    paid_amount = models.DecimalField("实际履行金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "分期履行"
        verbose_name_plural = "分期履行"
        ordering = ["grace", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grace", "number"], name="one_instalment_per_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        indexes = [models.Index(fields=["due_on"], condition=Q(paid_on__isnull=True), name="instalment_unpaid_due")]

    def __str__(self):
        return f"第{self.number}期（{self.due_on}，{self.amount}元）"


GRACE_STAFF = _court_staff_of_listing("只有本院执行人员可以办理。")
# Confirming performance records it on the case and concludes the case (cases.services: a clerk's).
GRACE_CLERK = Role(lambda actor, row: actor.is_clerk and actor.organisation_id == row.listing.court_id,
                   "只有本院执行员可以确认已履行（将登记案件执行完毕）。")
GRACE_MACHINE = Machine(noun="暂缓惩戒", related=("listing",), moves={
    "fulfil": Move({GraceState.GRANTED}, GraceState.FULFILLED, "确认已履行", GRACE_CLERK,
                   refusal="暂缓惩戒当前状态为“{state}”，不能再确认已履行。"),
    "break": Move({GraceState.GRANTED}, GraceState.BROKEN, "确认未履行并恢复惩戒", GRACE_STAFF,
                  refusal="暂缓惩戒当前状态为“{state}”，不能再确认未履行。"),
    # The listing left the list otherwise (deleted, revoked, expired, repaired): the grace has nothing left to
    # suspend. Made by the listing's move itself (`ListingMachine.move`), never offered to a user.
    "end": Move({GraceState.GRANTED}, GraceState.ENDED, "随名单移出终止",
                Role(lambda actor, grace: False, "暂缓随名单移出而终止，无需另行办理。")),
}, names={"grant": "准予暂缓", "pay": "登记履行", "missed": "分期逾期", "lapsed": "暂缓期届满未结"})


class GraceEvent(EventBase):
    grace = models.ForeignKey(GracePeriod, verbose_name="暂缓惩戒", on_delete=models.PROTECT, related_name="events")

    ACTIONS = {**{action: move.label for action, move in GRACE_MACHINE.moves.items()}, **GRACE_MACHINE.names}
    STATES = GraceState

    class Meta(EventBase.Meta):
        verbose_name = "暂缓惩戒记录"
        verbose_name_plural = "暂缓惩戒记录"


GRACE_MACHINE.event_model, GRACE_MACHINE.event_field = GraceEvent, "grace"


# ------------------------------------------------------------------------------------------------ credit repair


class RepairGround(models.TextChoices):
    PERFORMED = "performed", "已履行全部义务"
    SETTLEMENT = "settlement", "正在履行执行和解协议"
    SECURITY = "security", "已提供有效担保"


class RepairChannel(models.TextChoices):
    PAPER = "paper", "书面申请（法院登记）"
    ONLINE = "online", "网上申请"


class RepairState(models.TextChoices):
    PENDING = "pending", "待审查"
    GRANTED = "granted", "准予信用修复"
    REFUSED = "refused", "不予信用修复"


class RepairOutcome(models.TextChoices):
    DELETED = "deleted", "提前删除失信信息"
    SUSPENDED = "suspended", "暂停公布失信信息"


class CreditRepair(models.Model):
    """A listed debtor's application for credit repair, decided within a configurable number of working days; a
    granted repair deletes or suspends the listing ahead of its period, lifts the restriction order and issues a
    信用修复证明."""

    listing = models.ForeignKey("blacklist.Listing", verbose_name="名单", on_delete=models.PROTECT,
                                related_name="credit_repairs")
    ground = models.CharField("申请事由", max_length=12, choices=RepairGround.choices)
    channel = models.CharField("申请方式", max_length=8, choices=RepairChannel.choices)
    applicant_name = models.CharField("申请人", max_length=100, validators=[NameValidator("申请人")])
    phone = models.CharField("联系电话", max_length=20)
    statement = BoundedTextField("申请理由及履行情况", max_chars=TEXT_MAX)
    received_on = models.DateField("收到日期", validators=[PastDateValidator("收到日期")])
    due_at = models.DateTimeField("审查期限")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=RepairState.choices, default=RepairState.PENDING)
    outcome = models.CharField("修复方式", max_length=10, choices=RepairOutcome.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = BoundedTextField("审查意见", blank=True, max_chars=REASON_MAX)
    certificate_number = models.CharField("信用修复证明编号", max_length=80, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["listing"], condition=Q(state="pending"), name="one_pending_repair",
                                    violation_error_message="该名单已有待审查的信用修复申请。"),
            models.CheckConstraint(condition=Q(state="granted", outcome__in=["deleted", "suspended"])
                                   | Q(~Q(state="granted"), outcome=""), name="repair_outcome_when_granted"),
            # A certificate's number names one certificate (the court's numbering, blacklist.repair.services).
            models.UniqueConstraint(fields=["certificate_number"], condition=~Q(certificate_number=""),
                                    name="one_repair_per_certificate_number"),
        ]
        indexes = [models.Index(fields=["due_at"], condition=Q(state="pending"), name="repair_pending_due")]

    def __str__(self):
        return f"{self.applicant_name}的信用修复申请（{self.get_state_display()}）"


REPAIR_LEADER = _leader_of_listing("只有本院执行局领导可以决定信用修复。")
REPAIR_MACHINE = Machine(noun="信用修复申请", related=("listing",), moves={
    "grant": Move({RepairState.PENDING}, RepairState.GRANTED, "准予修复", REPAIR_LEADER),
    "refuse": Move({RepairState.PENDING}, RepairState.REFUSED, "不予修复", REPAIR_LEADER),
}, names={"apply": "申请信用修复"})


class CreditRepairEvent(EventBase):
    repair = models.ForeignKey(CreditRepair, verbose_name="信用修复申请", on_delete=models.PROTECT,
                               related_name="events")

    ACTIONS = {**{action: move.label for action, move in REPAIR_MACHINE.moves.items()}, **REPAIR_MACHINE.names}
    STATES = RepairState

    class Meta(EventBase.Meta):
        verbose_name = "信用修复记录"
        verbose_name_plural = "信用修复记录"


REPAIR_MACHINE.event_model, REPAIR_MACHINE.event_field = CreditRepairEvent, "repair"

__all__ = [
    "GraceState", "Promisor", "GracePeriod", "GraceInstalment", "GRACE_STAFF", "GRACE_CLERK", "GRACE_MACHINE", "GraceEvent",
    "RepairGround", "RepairChannel", "RepairState", "RepairOutcome", "CreditRepair", "REPAIR_LEADER",
    "REPAIR_MACHINE", "CreditRepairEvent",
]
