"""Judicial suggestion letters (司法建议函; 法发〔2010〕15号 arts. 19, 24, Liwan 四(六)3 and 四(七)4, Gong'an arts. 10
and 14, Yunfu items 7 and 8): the court writes to a member unit, or to its superior, that failed to assist — a notice
left overdue or escalated, an assistance refused, or an administrative organ that does not perform a judgment —
stating the facts from the record and its suggestions. The clerk drafts it, the court's bureau leader signs it (the
letter takes the court's next number then, from its document-number register: 荔法〔2026〕3号), the clerk serves it, and the unit answers within
`settings.LINKAGE_SUGGESTION_REPLY_DAYS` calendar days (ending on a working day) with what it did. A draft or signed
letter may be withdrawn. Unanswered letters are reminded to the unit before they fall due and, once overdue, to the
unit and the committee (assistance/suggestion_reminders.py).

Imported at the bottom of `assistance.models`; the services are in `assistance/services/suggestions.py`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.statemachine import EventBase, Machine, Move, clerk_of, court_staff_of, leader_of, liaison_of
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField
from members.selectors import jurisdiction_id_of

__all__ = ["SUGGESTION_MACHINE", "SuggestionEvent", "SuggestionGround", "SuggestionLetter", "SuggestionState"]



class SuggestionState(models.TextChoices):
    DRAFTED = "drafted", "待签发"
    SIGNED = "signed", "已签发"
    SERVED = "served", "已送达待回复"
    REPLIED = "replied", "已回复"
    WITHDRAWN = "withdrawn", "已撤回"


# What the unit sees: a letter is the unit's once served.
UNIT_STATES = (SuggestionState.SERVED, SuggestionState.REPLIED)


class SuggestionGround(models.TextChoices):
    OVERDUE = "overdue", "逾期不协助执行"
    REFUSED = "refused", "拒绝或无正当理由不协助执行"
    NONPERFORMANCE = "nonperformance", "行政机关不履行生效裁判"
    OTHER = "other", "其他不依法协助执行情形"


class SuggestionQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """The court's clerks and leaders its own letters; the addressee's liaisons their unit's served letters; the
        committee of the court's jurisdiction, read-only; nobody else."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_liaison:
            return self.filter(unit_id=user.organisation_id, state__in=UNIT_STATES)
        if user.is_committee:
            return self.filter(court__jurisdiction_id=jurisdiction_id_of(user))
        return self.none()


class SuggestionLetter(ChoiceLabels, models.Model):
    court = models.ForeignKey("members.Organisation", verbose_name="发出法院", on_delete=models.PROTECT,
                              related_name="+")
    unit = models.ForeignKey("members.Organisation", verbose_name="主送单位", on_delete=models.PROTECT,
                             related_name="suggestion_letters")
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="suggestion_letters")
    notice = models.ForeignKey("assistance.Notice", verbose_name="所涉通知书", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="suggestion_letters")
    ground = models.CharField("事由", max_length=20, choices=SuggestionGround.choices)
    facts = BoundedTextField("查明的事实", max_chars=TEXT_MAX)
    suggestions = BoundedTextField("司法建议", max_chars=TEXT_MAX)
    reply_days = models.PositiveSmallIntegerField("回复期限（日）")
    document_number = models.CharField("文号", max_length=60, blank=True,
                                       help_text="签发时由本院发文字号登记簿（linkage.document_numbers）编定。")
    state = models.CharField("状态", max_length=20, choices=SuggestionState.choices, default=SuggestionState.DRAFTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="送达人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    served_at = models.DateTimeField("送达时间", null=True, blank=True)
    due_at = models.DateTimeField("回复期限", null=True, blank=True)
    deadline_provisional = models.BooleanField("期限暂定", default=False)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回复人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    reply_text = BoundedTextField("采纳及整改情况", blank=True, max_chars=TEXT_MAX)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = BoundedTextField("撤回理由", blank=True, max_chars=REASON_MAX)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = "司法建议函"
        verbose_name_plural = "司法建议函"
        ordering = ["-created_at", "-id"]
        constraints = [
            # The number comes from the court's register (unique there); the letters never share one either.
            models.UniqueConstraint(fields=["court", "document_number"], condition=~Q(document_number=""),
                                    name="suggestion_number_unique_per_court",
                                    violation_error_message="该文号已使用。"),
            models.CheckConstraint(condition=Q(state__in=["drafted", "withdrawn"]) | ~Q(document_number=""),
                                   name="suggestion_signed_numbered"),
            models.CheckConstraint(condition=~Q(state__in=["served", "replied"]) | Q(due_at__isnull=False),
                                   name="suggestion_served_due"),
            models.CheckConstraint(condition=Q(reply_days__gte=1), name="suggestion_reply_days_positive"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="served"), name="suggestion_unanswered_due"),
        ]

    def __str__(self):
        return self.document_number or f"司法建议函（草稿第{self.pk}号）"

    @property
    def number_subject(self):
        """The letter's entry in the court's document-number register."""
        return f"assistance.suggestionletter:{self.pk}"

    def is_overdue(self, now=None):
        return self.state == SuggestionState.SERVED and self.due_at is not None and self.due_at < (now or timezone.now())

    @property
    def replied_in_time(self):
        return self.replied_at is not None and self.due_at is not None and self.replied_at <= self.due_at


SUGGESTION_MACHINE = Machine(
    noun="司法建议函",
    moves={
        "sign": Move({SuggestionState.DRAFTED}, SuggestionState.SIGNED, "签发",
                     leader_of("court_id", "只有本院执行局领导可以签发司法建议函。")),
        "serve": Move({SuggestionState.SIGNED}, SuggestionState.SERVED, "送达",
                      clerk_of("court_id", "只有本院执行员可以送达司法建议函。")),
        "reply": Move({SuggestionState.SERVED}, SuggestionState.REPLIED, "回复",
                      liaison_of("unit_id", "只有主送单位的联络员可以回复司法建议函。")),
        "withdraw": Move({SuggestionState.DRAFTED, SuggestionState.SIGNED}, SuggestionState.WITHDRAWN, "撤回",
                         court_staff_of("court_id", "只有本院工作人员可以撤回司法建议函。")),
    },
    related=("court", "unit", "case"),
    names={"draft": "起草"},
)


class SuggestionEvent(ChoiceLabels, EventBase):
    letter = models.ForeignKey(SuggestionLetter, verbose_name="司法建议函", on_delete=models.PROTECT,
                               related_name="events")

    ACTIONS = {**{action: move.label for action, move in SUGGESTION_MACHINE.moves.items()}, **SUGGESTION_MACHINE.names}
    STATES = SuggestionState

    class Meta(EventBase.Meta):
        verbose_name = "司法建议函记录"
        verbose_name_plural = "司法建议函记录"
        ordering = ["letter_id", "at", "id"]


SUGGESTION_MACHINE.event_model, SUGGESTION_MACHINE.event_field = SuggestionEvent, "letter"
