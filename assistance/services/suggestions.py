"""Judicial suggestion letters (司法建议函, assistance/suggestion_models.py): the clerk drafts one to a unit that
failed to assist, or to its superior, with the facts prefilled from the record; the court's bureau leader signs it
(the court's next number is taken then from its register, linkage.document_numbers, and the letter is issued:
frozen with its verification code, signed, assistance/suggestion_documents.py); the clerk serves it, which starts the
unit's reply time; the unit's liaison replies with what it did; a draft or signed letter may be withdrawn (a signed
one's issued document becomes 已撤回 on the check page).
Each move is one transaction that locks the letter and writes its event (SUGGESTION_MACHINE)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services import require_clerk_of
from linkage import parsing, workdays
from linkage.document_numbers import assign_number, withdraw_number
from linkage.errors import ApplicationError
from linkage.notify import Message, notify
from linkage.text import REASON_MAX, TEXT_MAX
from members.models import Organisation, OrganisationKind
from members.recipients import court_leaders, unit_recipients, user_recipients

from ..models import Notice, NoticeState, ReplyOutcome
from ..suggestion_documents import issue_letter, withdraw_issued
from ..suggestion_models import SUGGESTION_MACHINE, SuggestionGround, SuggestionLetter, SuggestionState

REFUSED_OUTCOMES = (ReplyOutcome.CANNOT_DO,)
REPLY_DAYS_MAX = 365


def letter_link(letter):
    return reverse("assistance:suggestion-detail", args=[letter.pk])


def _date(value):
    return f"{timezone.localtime(value, workdays.TIMEZONE):%Y年%-m月%-d日}"


def notice_ground(notice, now=None):
    """Why this notice may start a letter (overdue, or refused by the unit's reply), or None."""
    now = now or timezone.now()
    if notice.is_overdue(now):
        return SuggestionGround.OVERDUE
    reply = getattr(notice, "reply", None) if notice.state in (NoticeState.REPLIED, NoticeState.CLOSED) else None
    if reply is not None and reply.outcome in REFUSED_OUTCOMES:
        return SuggestionGround.REFUSED
    return None


def prefill_facts(case, notice=None, now=None, unit=None):
    """The facts as the record states them: the case, and for a notice its service, its deadline and either the
    days it is overdue or the unit's refusal and its reason. Addressed to another unit than the notice's (its
    superior), the notice's unit is named instead of "你单位"."""
    now = now or timezone.now()
    if notice is None:
        return f"本院在执行{case.number}案件中，你单位未依法协助执行。"
    to_superior = unit is not None and unit.pk != notice.unit_id
    named, again = (notice.unit.name, "该单位") if to_superior else ("你单位", "你单位")
    parts = [f"本院于{_date(notice.served_at)}向{named}送达{case.number}案协助执行通知书"
             f"（第{notice.pk}号，协助事项：{notice.measure.name}，被执行人：{notice.debtor.name}）"]
    if notice.due_at:
        parts.append(f"，要求于{_date(notice.due_at)}前协助办理")
    reply = getattr(notice, "reply", None) if notice.state in (NoticeState.REPLIED, NoticeState.CLOSED) else None
    if notice.is_overdue(now):
        days = (timezone.localtime(now, workdays.TIMEZONE).date()
                - timezone.localtime(notice.due_at, workdays.TIMEZONE).date()).days
        parts.append(f"。截至{_date(now)}，已逾期{days}日，{again}仍未办理并回复")
    elif reply is not None:
        parts.append(f"。{again}于{_date(reply.replied_at)}回复：{reply.get_outcome_display()}")
        if reply.text:
            parts.append(f"，理由为：{reply.text}")
    return "".join(parts) + "。"


def addressable_units(court):
    """The active roster units of the court's jurisdiction a letter may go to (not courts, not the committee)."""
    return (Organisation.objects.filter(jurisdiction_id=court.jurisdiction_id, active=True)
            .exclude(kind__in=(OrganisationKind.COURT, OrganisationKind.COMMITTEE)).order_by("sort_order", "id"))


def _reply_days(value):
    if value in (None, ""):
        return settings.LINKAGE_SUGGESTION_REPLY_DAYS
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ApplicationError("回复期限应为整数日数。", field="reply_days") from None
    if not 1 <= days <= REPLY_DAYS_MAX:
        raise ApplicationError(f"回复期限应在1至{REPLY_DAYS_MAX}日之间。", field="reply_days")
    return days


@transaction.atomic
def draft_letter(*, actor, case, unit, suggestions, facts="", notice=None, ground="", reply_days=None):
    """A clerk of the case's court drafts a letter to a roster unit of the court's jurisdiction (the unit that
    failed to assist or its superior). Started from a notice of the case, the notice must be overdue or refused;
    its facts are prefilled when none are given. The court's leaders are told a draft waits for signature."""
    case = Case.objects.select_related("court").get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    if not isinstance(unit, Organisation) or not addressable_units(case.court).filter(pk=unit.pk).exists():
        raise ApplicationError("主送单位应为本辖区在册的成员单位。", field="unit")
    if notice is not None:
        notice = Notice.objects.select_related("measure", "debtor", "unit").get(pk=notice.pk)
        if notice.case_id != case.pk or notice.court_id != case.court_id:
            raise ApplicationError("所涉通知书不属于本案。", field="notice")
        ground = notice_ground(notice)
        if ground is None:
            raise ApplicationError("只有逾期未办理或被拒绝协助的通知书可以据以发出司法建议。", field="notice")
    elif ground not in SuggestionGround.values:
        raise ApplicationError("请选择发出司法建议的事由。", field="ground")
    facts = parsing.text(facts, "查明的事实", "facts", limit=TEXT_MAX, required=False) or prefill_facts(case, notice, unit=unit)
    suggestions = parsing.text(suggestions, "司法建议", "suggestions", limit=TEXT_MAX)
    letter = SuggestionLetter.objects.create(
        court_id=case.court_id, unit=unit, case=case, notice=notice, ground=ground, facts=facts,
        suggestions=suggestions, reply_days=_reply_days(reply_days), created_by=actor)
    SUGGESTION_MACHINE.record(letter, "draft", actor, to_state=SuggestionState.DRAFTED)
    recipients = user_recipients(court_leaders(case.court_id))
    if recipients:
        notify(recipients, Message(
            kind="suggestion_waiting_sign", title=f"【司法建议函待签发】{case.number} → {unit.short_name}",
            body=f"{actor.display_name}起草了致{unit.name}的司法建议函（{letter.get_ground_display()}），请审核签发。",
            link=letter_link(letter)))
    return letter


@transaction.atomic
def sign_letter(*, actor, letter):
    """The court's bureau leader signs the draft; the letter takes the court's next number of the year from the
    court's document-number register (linkage.document_numbers: one series per issuer and year, taken under a lock
    on the court's row, never given back) and is issued in the same transaction (its PDF frozen with a
    verification code and signed: `suggestion_documents.issue_letter`)."""
    letter = SUGGESTION_MACHINE.lock(letter)
    SUGGESTION_MACHINE.check(letter, "sign", actor)
    now = timezone.now()
    number = assign_number(issuer=letter.court, subject=letter.number_subject,
                           title=f"致{letter.unit.name}的司法建议函").text
    letter = SUGGESTION_MACHINE.move(
        letter, "sign", actor, role=False, at=now, signed_by=actor, signed_at=now, document_number=number,
        data={"document_number": number})
    issue_letter(letter)
    return letter


def reply_deadline(served_at, days):
    """The close of the `days`-th calendar day after service, moved to the next working day when it is not one."""
    return workdays.add_calendar_days(served_at, days)


@transaction.atomic
def serve_letter(*, actor, letter, at=None):
    """A clerk of the court serves the signed letter on the unit: the reply falls due `reply_days` calendar days
    later (ending on a working day). The unit's liaisons are told."""
    letter = SUGGESTION_MACHINE.lock(letter)
    SUGGESTION_MACHINE.check(letter, "serve", actor)
    now = timezone.now()
    served_at = at or now
    if served_at > now:
        raise ApplicationError("送达时间不能晚于现在。", field="at")
    if letter.signed_at and served_at < letter.signed_at:
        raise ApplicationError("送达时间不能早于签发时间。", field="at")
    deadline = reply_deadline(served_at, letter.reply_days)
    SUGGESTION_MACHINE.move(
        letter, "serve", actor, role=False, at=served_at, served_by=actor, served_at=served_at,
        due_at=deadline.due_at, deadline_provisional=deadline.provisional,
        data={"due_at": deadline.due_at.isoformat(), "rule": deadline.rule})
    recipients = unit_recipients([letter.unit_id])
    if recipients:
        notify(recipients, Message(
            kind="suggestion_served", title=f"【司法建议函】{letter.document_number} {letter.court.short_name}",
            body=(f"{letter.court.name}向你单位发出司法建议函{letter.document_number}（案件{letter.case.number}）。"
                  f"请于{_date(deadline.due_at)}前书面回复采纳及整改情况。"),
            link=letter_link(letter)))
    return letter


@transaction.atomic
def reply_to_letter(*, actor, letter, text):
    """The unit's liaison replies with what the unit did. The clerks who drafted and served it are told."""
    letter = SUGGESTION_MACHINE.lock(letter)
    SUGGESTION_MACHINE.check(letter, "reply", actor)
    text = parsing.text(text, "采纳及整改情况", "text", limit=TEXT_MAX)
    now = timezone.now()
    SUGGESTION_MACHINE.move(letter, "reply", actor, role=False, at=now, replied_by=actor, replied_at=now,
                            reply_text=text, data={"in_time": now <= letter.due_at})
    recipients = user_recipients([u for u in (letter.served_by, letter.created_by) if u is not None])
    if recipients:
        notify(recipients, Message(
            kind="suggestion_replied", title=f"【司法建议函已回复】{letter.document_number} {letter.unit.short_name}",
            body=f"{letter.unit.name}回复了司法建议函{letter.document_number}：{text[:200]}",
            link=letter_link(letter)))
    return letter


@transaction.atomic
def withdraw_letter(*, actor, letter, reason):
    """Court staff withdraw a letter not yet served, saying why. A signed letter keeps its number (never reused)
    and its issued document is marked 已撤回 with the date and the reason."""
    letter = SUGGESTION_MACHINE.lock(letter)
    SUGGESTION_MACHINE.check(letter, "withdraw", actor)
    reason = parsing.text(reason, "撤回理由", "reason", limit=REASON_MAX)
    now = timezone.now()
    withdraw_number(letter.number_subject)  # a signed letter's number stays taken
    letter = SUGGESTION_MACHINE.move(letter, "withdraw", actor, role=False, at=now, reason=reason,
                                     withdrawn_at=now, withdraw_reason=reason)
    withdraw_issued(letter, f"已于{_date(now)}撤回：{reason}")
    return letter


def overdue_days(letter, now=None):
    if not letter.is_overdue(now):
        return 0
    now = now or timezone.now()
    return (timezone.localtime(now, workdays.TIMEZONE).date() - letter.due_at.astimezone(workdays.TIMEZONE).date()
            ).days


__all__ = ["addressable_units", "draft_letter", "notice_ground", "overdue_days", "prefill_facts", "reply_deadline",
           "reply_to_letter", "serve_letter", "sign_letter", "withdraw_letter"]
