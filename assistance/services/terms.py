"""The term of each freeze or seal (`MeasureTerm`, assistance/terms.py) and its renewal (续行冻结/续行查封).

- `record_terms_at_service`: when a notice is served, each item with a period gets a term from the served date
  (a renewal's term runs on from the day after the original term ends, when served before that day);
- `record_terms_from_reply`: the unit's reply dates (a freeze result's start_on/end_on) replace what service
  derived, never what a clerk corrected;
- `edit_term`: a clerk of the court corrects a term, with a reason, within the legal limit of the property's kind;
- `draft_renewal`: from a notice whose term is in the renewal window, the clerk drafts the renewal notice — same
  unit, measure and debtor, the items with a term and the new period — through `draft_notices`, so it is signed
  and served like any notice; `Notice.renews` points at the original.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.services import require_clerk_of
from linkage.dates import local_date
from linkage.errors import ApplicationError, TransitionNotAllowed

from ..machines import NOTICE_MACHINE, concluded_case_refusal
from ..models import IN_FORCE_STATES, MeasureTerm, NoticeState, ResultKind, TermSource
from ..periods import LEGAL_BASIS, LIMITS, PROPERTY_RIGHTS, period_refusal, term_end
from .drafting import draft_notices

REASON_LIMIT = 500


def record_terms_at_service(notice):
    """Terms of the notice's items with a period, from the served date (inside the serving transaction). A
    renewal's item continues the original item about the same property (kind and identifier): served before the
    original term ends, its term starts the day after."""
    served_on = local_date(notice.served_at)
    originals = []
    if notice.renews_id:
        originals = list(MeasureTerm.objects.filter(notice_id=notice.renews_id).select_related("item"))
    terms = []
    for item in notice.items.filter(period_months__isnull=False):
        start = served_on
        original = next((term for term in originals if (term.item.property_kind, term.item.identifier) ==
                         (item.property_kind, item.identifier)), None)
        if original is not None and original.end_on >= served_on:
            start = original.end_on + datetime.timedelta(days=1)
        terms.append(MeasureTerm(notice=notice, item=item, start_on=start, end_on=term_end(start, item.period_months),
                                 source=TermSource.SERVICE))
    MeasureTerm.objects.bulk_create(terms, ignore_conflicts=True)


def _matching_result(item, results, index):
    """The freeze result about this item: the one with its identifier, else the one at its place, else the only one."""
    if item.identifier:
        for result in results:
            if result.identifier.strip() == item.identifier.strip():
                return result
    if len(results) == 1:
        return results[0]
    return results[index] if index < len(results) else None


def record_terms_from_reply(notice, reply):
    """The dates the unit replied replace the service-derived terms (inside the reply's transaction)."""
    results = [result for result in reply.results.filter(kind=ResultKind.FREEZE).order_by("position")
               if result.start_on and result.end_on]
    if not results:
        return
    terms = {term.item_id: term for term in MeasureTerm.objects.filter(notice=notice)}
    for index, item in enumerate(notice.items.order_by("position")):
        result = _matching_result(item, results, index)
        if result is None:
            continue
        term = terms.get(item.pk)
        if term is None:
            MeasureTerm.objects.create(notice=notice, item=item, start_on=result.start_on, end_on=result.end_on,
                                       source=TermSource.REPLY, reply_result=result)
        elif term.source != TermSource.CLERK:
            term.start_on, term.end_on, term.source, term.reply_result = (
                result.start_on, result.end_on, TermSource.REPLY, result)
            term.save(update_fields=["start_on", "end_on", "source", "reply_result", "updated_at"])


def _date(value, label, field):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ApplicationError(f"{label}不是有效日期。", field=field)


@transaction.atomic
def edit_term(*, actor, term, start_on, end_on, reason):
    """A clerk of the notice's court corrects a term (the unit's seal was registered on another day, the unit
    replied a wrong date …); the reason is required and the change is kept in the notice's history."""
    notice = NOTICE_MACHINE.lock(term.notice)
    require_clerk_of(actor, notice.court_id)
    if notice.state not in IN_FORCE_STATES:
        raise TransitionNotAllowed(
            f"通知书当前状态为“{notice.get_state_display()}”，不能修改期限。", state=notice.state)
    term = MeasureTerm.objects.select_for_update().select_related("item").get(pk=term.pk)
    start_on, end_on = _date(start_on, "起始日期", "start_on"), _date(end_on, "届满日期", "end_on")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写更正理由。", field="reason")
    if len(reason) > REASON_LIMIT:
        raise ApplicationError(f"更正理由不能超过{REASON_LIMIT}字。", field="reason")
    if end_on < start_on:
        raise ApplicationError("届满日期不能早于起始日期。", field="end_on")
    limit = LIMITS.get(term.item.property_kind, PROPERTY_RIGHTS) or PROPERTY_RIGHTS
    if end_on > term_end(start_on, limit.months):
        raise ApplicationError(f"{limit.text}（{LEGAL_BASIS}）。", field="end_on")
    before = {"start_on": term.start_on.isoformat(), "end_on": term.end_on.isoformat(), "source": term.source}
    term.start_on, term.end_on, term.source, term.reason, term.updated_by = (
        start_on, end_on, TermSource.CLERK, reason, actor)
    term.save(update_fields=["start_on", "end_on", "source", "reason", "updated_by", "updated_at"])
    NOTICE_MACHINE.note(notice, "term_edited", actor, reason=reason, data={
        "item": term.item.position, "before": before,
        "after": {"start_on": start_on.isoformat(), "end_on": end_on.isoformat()},
    })
    return term


def open_renewal(notice):
    """The notice's renewal that still stands (drafted, signed or served, not withdrawn), or None."""
    return notice.renewals.exclude(state=NoticeState.WITHDRAWN).order_by("-id").first()


def renewal_refusal(notice, today=None):
    """Why a renewal cannot be drafted from this notice today, or "" when it can."""
    today = today or timezone.localdate()
    if notice.state not in IN_FORCE_STATES:
        return f"通知书当前状态为“{notice.get_state_display()}”，不能续行。"
    if refusal := concluded_case_refusal(notice.case, "发出续行"):
        return refusal
    terms = list(notice.terms.all())
    if not terms:
        return "本通知书没有记录冻结、查封期限，不能续行。"
    if not any(term.in_renewal_window(today) for term in terms):
        first = min(term.renewal_opens_on() for term in terms)
        if all(term.end_on < today for term in terms):
            return "冻结、查封期限已经届满，不能续行；请重新发出协助执行通知书。"
        return f"期限届满前{settings.RENEWAL_DAYS_AHEAD}日内方可续行（自{first:%Y年%m月%d日}起）。"
    if open_renewal(notice) is not None:
        return "本通知书已有续行通知书，请勿重复起草。"
    return ""


@transaction.atomic
def draft_renewal(*, actor, notice, period_months=None, ruling_number="", note=""):
    """The clerk drafts the 续行冻结/续行查封 notice of an expiring measure: the same unit, measure and debtor, the
    items with a term, each for `period_months` (default: its own period), within the legal limit of its kind."""
    notice = NOTICE_MACHINE.lock(notice)
    require_clerk_of(actor, notice.court_id)
    if refusal := renewal_refusal(notice):
        raise TransitionNotAllowed(refusal, state=notice.state)
    today = timezone.localdate()
    terms = [term for term in notice.terms.select_related("item").order_by("item__position")
             if term.end_on >= today]
    items = []
    for term in terms:
        item = term.item
        months = period_months or item.period_months
        if refusal := period_refusal(item.property_kind, months):
            raise ApplicationError(f"第{item.position}项协助事项：{refusal}", field="period_months")
        description = item.description if item.description.startswith("续行") else f"续行{item.description}"
        items.append({"property_kind": item.property_kind, "identifier": item.identifier, "holder": item.holder,
                      "amount": item.amount, "share": item.share, "period_months": months,
                      "description": description})
    _, (renewal,) = draft_notices(
        actor=actor, case=notice.case, units=[notice.unit], measure=notice.measure, debtor=notice.debtor,
        items=items, ruling_number=(ruling_number or "").strip() or notice.ruling_number,
        legal_basis=notice.legal_basis, note=note or notice.note, renews=notice,
    )
    NOTICE_MACHINE.note(notice, "renewal_drafted", actor, data={"renewal": renewal.pk})
    return renewal
