"""The committee's periodic briefing (通报) on the linkage work (荔政法〔2017〕72号 四（二）2: 定期向区党政主要领导、执行联动
成员单位一把手通报全区执行联动司法协助工作情况; 五.4: passive and slow units are named). Drafted from the record —
the last finalised scoreboard, the units with overdue notices, the units the committee criticised — edited while a
draft, issued (frozen) to the addressees, who each get one `BriefingRecipient` row with its delivery and first-read
time; withdrawn with a reason, never deleted. The table of moves is `meetings.briefing_machines.BRIEFING`."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.statemachine import EventBase
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField


class BriefingState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"
    WITHDRAWN = "withdrawn", "已撤回"


BRIEFING_ACTIONS = {
    "create": "起草通报",
    "edit": "修改通报",
    "issue": "印发通报",
    "withdraw": "撤回通报",
    "remind": "提醒未读",
}


class BriefingQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The committee sees its jurisdiction's briefings, drafts included; an addressee the briefings addressed
        to it (issued or withdrawn since); anybody else none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_committee:
            return self.filter(jurisdiction_id=user.organisation.jurisdiction_id if user.organisation_id else None)
        return self.filter(recipients__user=user).exclude(state=BriefingState.DRAFT)


class Briefing(models.Model):
    """One briefing of a jurisdiction's committee for a period. `figures` keeps what the draft was generated from
    (the scoreboard, the overdue counts by unit, the criticised units), so the receipts and the PDF's tables do
    not drift; the four text sections are prefilled from it and edited by the committee while a draft."""

    jurisdiction = models.ForeignKey(
        "members.Jurisdiction", verbose_name="辖区", on_delete=models.PROTECT, related_name="briefings"
    )
    issuer = models.ForeignKey(
        "members.Organisation", verbose_name="发文机关", on_delete=models.PROTECT, related_name="briefings"
    )
    title = models.CharField("标题", max_length=200)
    period_from = models.DateField("通报期间自")
    period_to = models.DateField("通报期间至")
    document_number = models.CharField("文号", max_length=60, blank=True)
    opening = BoundedTextField("导语", max_chars=TEXT_MAX)
    scoreboard_text = BoundedTextField("考评情况", blank=True, max_chars=TEXT_MAX)
    overdue_text = BoundedTextField("逾期未办情况", blank=True, max_chars=TEXT_MAX)
    criticism_text = BoundedTextField("通报批评", blank=True, max_chars=TEXT_MAX)
    requirements = BoundedTextField("工作要求", blank=True, max_chars=TEXT_MAX)
    figures = models.JSONField("生成时的数据", default=dict, blank=True)
    state = models.CharField("状态", max_length=10, choices=BriefingState.choices, default=BriefingState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="印发人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawal_reason = BoundedTextField("撤回理由", blank=True, max_chars=REASON_MAX)
    last_reminded_on = models.DateField("最近提醒日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        verbose_name = "工作通报"
        verbose_name_plural = "工作通报"
        ordering = ["-period_to", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_to__gte=models.F("period_from")),
                                   name="briefing_period_ordered"),
            models.CheckConstraint(condition=~Q(state="withdrawn") | Q(withdrawal_reason__gt=""),
                                   name="briefing_withdrawal_has_reason"),
        ]

    def __str__(self):
        return self.title

    @property
    def sections(self):
        """The body's sections as (heading, text), in the order of the document."""
        return [(heading, text) for heading, text in (
            ("一、考评情况", self.scoreboard_text),
            ("二、逾期未办理协助执行通知书情况", self.overdue_text),
            ("三、通报批评", self.criticism_text),
            ("四、工作要求", self.requirements),
        ) if text]


class BriefingRecipient(models.Model):
    """One addressee of an issued briefing: an account of a member unit (`user`, `unit`), or one of the
    jurisdiction's party and government leaders, who has no account (`leader`) and reads through a personal link
    signed with the site's secret key (`meetings.services.briefings.read_link`), which nothing stores. Delivered when issued, read when the addressee first opens it
    (the first read time is kept), reminded at most once a day while unread."""

    briefing = models.ForeignKey(Briefing, verbose_name="通报", on_delete=models.PROTECT, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.PROTECT,
                             related_name="briefing_receipts", null=True, blank=True)
    unit = models.ForeignKey("members.Organisation", verbose_name="单位", on_delete=models.PROTECT, related_name="+",
                             null=True, blank=True)
    leader = models.ForeignKey("members.Leader", verbose_name="党政领导", on_delete=models.PROTECT, related_name="+",
                               null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    reminded_at = models.DateTimeField("最近提醒时间", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "通报接收人"
        verbose_name_plural = "通报接收人"
        ordering = ["briefing", "leader__sort_order", "unit__sort_order", "unit_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "user"], name="one_receipt_per_briefing_user"),
            models.UniqueConstraint(fields=["briefing", "leader"], name="one_receipt_per_briefing_leader"),
            models.CheckConstraint(
                condition=(Q(user__isnull=False, unit__isnull=False, leader__isnull=True)
                           | Q(user__isnull=True, unit__isnull=True, leader__isnull=False)),
                name="briefing_receipt_account_or_leader"),
        ]

    def __str__(self):
        return f"{self.briefing} → {self.user or self.leader}"

    @property
    def addressee_name(self):
        return self.leader.name if self.leader_id else self.user.display_name

    @property
    def addressee_unit(self):
        return self.leader.post if self.leader_id else self.unit.short_name


class BriefingEvent(EventBase):
    briefing = models.ForeignKey(Briefing, verbose_name="通报", on_delete=models.PROTECT, related_name="events")
    ACTIONS = BRIEFING_ACTIONS
    STATES = BriefingState

    class Meta(EventBase.Meta):
        verbose_name = "通报记录"
        verbose_name_plural = "通报记录"


__all__ = ["BRIEFING_ACTIONS", "Briefing", "BriefingEvent", "BriefingQuerySet", "BriefingRecipient", "BriefingState"]
