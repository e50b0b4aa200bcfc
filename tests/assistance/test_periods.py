"""Freeze and seal periods follow the property (民诉法解释 art. 485: deposits 1 year, movables 2, real estate and
other property rights 3), at the form, the API and the service; the court's record of each term (from service,
from the reply, corrected by the clerk); the renewal reminder 30 days before the end, once; the 续行 notice drafted
from the expiring one, citing it, signed and served like any notice; another court's clerk gets 404."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assistance import documents, reminders, services
from assistance.forms import NoticeItemForm
from assistance.models import MeasureTerm, Notice, NoticeEvent, NoticeState, TermSource
from assistance.periods import add_months, max_months, period_refusal, term_end
from cases.models import Case
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification, Reminder
from linkage.numerals import chinese_date
from tests import factories

from .helpers import draft_notice, file_case
from .test_documents import pdf_text

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
LIMIT_WORDS = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条"
SERVED_ON = datetime.date(2026, 3, 12)  # a Thursday
# A 9-month bank freeze served on 12 March 2026 runs to Friday 11 December 2026; the reminder is due on Wednesday
# 11 November (30 days before), a working day; the days around it are working days too.
END_ON = datetime.date(2026, 12, 11)


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


def item(kind, months, **extra):
    return {"property_kind": kind, "identifier": extra.pop("identifier", "6222000011112222"),
            "description": extra.pop("description", "冻结被执行人财产"), "period_months": months, **extra}


@pytest.fixture
def unit(court):
    return factories.OrganisationFactory(measures=["inquiry", "freeze", "seal"], jurisdiction=court.jurisdiction)


@pytest.fixture
def case(clerk):
    return file_case(clerk)


def served_freeze(clerk, leader, case, unit, *, months=9, kind="bank_account", served_on=SERVED_ON):
    notice = draft_notice(clerk, case, unit, items=[item(kind, months)])
    moment = datetime.datetime.combine(served_on, datetime.time(10), tzinfo=SH)
    services.sign_notice(actor=leader, notice=notice, at=moment)
    return services.serve_notice(actor=clerk, notice=notice, at=moment)


# ------------------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(("kind", "longest"), [
    ("bank_account", 12), ("housing_fund", 12), ("social_security", 12), ("securities", 12), ("tax_refund", 12),
    ("vehicle", 24), ("real_estate", 36), ("equity", 36), ("insurance", 36), ("other", 36),
])
def test_each_kind_has_its_limit_and_one_month_more_is_refused(kind, longest):
    assert max_months(kind) == longest
    assert period_refusal(kind, longest) == "" and period_refusal(kind, 1) == ""
    refusal = period_refusal(kind, longest + 1)
    assert f"（{longest}个月）" in refusal and LIMIT_WORDS in refusal
    assert "至少" in period_refusal(kind, 0)


def test_the_refusals_name_the_law_in_its_words():
    assert "银行存款等资金冻结期限不得超过一年（12个月）" in period_refusal("bank_account", 13)
    assert "动产查封、扣押期限不得超过二年（24个月）" in period_refusal("vehicle", 25)
    assert "不动产及其他财产权查封、冻结期限不得超过三年（36个月）" in period_refusal("real_estate", 37)
    assert period_refusal("person", 1) == "人员下落不是冻结、查封的财产，不设期限。"
    assert period_refusal("bank_account", None) == "" and period_refusal("person", None) == ""


def test_term_end_is_the_day_before_the_same_day_months_later():
    assert term_end(datetime.date(2026, 1, 5), 12) == datetime.date(2027, 1, 4)
    assert term_end(SERVED_ON, 9) == END_ON
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2027, 11, 30), 3) == datetime.date(2028, 2, 29)


# ----------------------------------------------------------------------------- form, API, service


@pytest.mark.parametrize(("kind", "months", "ok"), [
    ("bank_account", 12, True), ("bank_account", 13, False), ("vehicle", 24, True), ("vehicle", 25, False),
    ("real_estate", 36, True), ("real_estate", 37, False),
])
def test_the_form_refuses_a_period_longer_than_the_kind_allows(kind, months, ok):
    form = NoticeItemForm(data={"property_kind": kind, "period_months": str(months), "description": "冻结"})
    assert form.is_valid() is ok
    if not ok:
        assert f"（{max_months(kind)}个月）" in form.errors["period_months"][0]


def test_the_draft_page_shows_the_refusal(client_for, clerk, case, unit):
    data = {
        "measure": "freeze", "units": [str(unit.pk)], "debtor": str(case.parties.debtors().first().pk),
        "ruling_number": case.number, "legal_basis": "《中华人民共和国民事诉讼法》第二百五十三条", "note": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-property_kind": "bank_account",
        "items-0-description": "冻结存款", "items-0-period_months": "13",
    }
    response = client_for(clerk).post(reverse("assistance:draft", args=[case.pk]), data)
    assert response.status_code == 400
    assert "银行存款等资金冻结期限不得超过一年（12个月）" in response.content.decode()
    assert not Notice.objects.exists()
    data["items-0-period_months"] = "12"
    assert client_for(clerk).post(reverse("assistance:draft", args=[case.pk]), data).status_code == 302
    assert Notice.objects.get().items.get().period_months == 12


@pytest.mark.parametrize(("kind", "months", "status"), [
    ("bank_account", 12, 201), ("bank_account", 13, 400), ("vehicle", 24, 201), ("vehicle", 25, 400),
    ("real_estate", 36, 201), ("real_estate", 37, 400),
])
def test_the_api_refuses_a_period_longer_than_the_kind_allows(api_for, clerk, case, unit, kind, months, status):
    body = {"case": case.pk, "units": [unit.pk], "measure": "freeze", "debtor": case.parties.debtors().first().pk,
            "ruling_number": case.number, "items": [item(kind, months)]}
    response = api_for(clerk).post("/api/v1/notices/", body, format="json")
    assert response.status_code == status, response.content
    if status == 400:
        assert "不得超过" in response.json()["items"][0] and f"（{max_months(kind)}个月）" in response.json()["items"][0]
        assert not Notice.objects.exists()


@pytest.mark.parametrize(("kind", "months", "ok"), [
    ("bank_account", 12, True), ("bank_account", 13, False), ("vehicle", 24, True), ("vehicle", 25, False),
    ("real_estate", 36, True), ("real_estate", 37, False),
])
def test_the_service_refuses_a_period_longer_than_the_kind_allows(clerk, case, unit, kind, months, ok):
    if ok:
        assert draft_notice(clerk, case, unit, items=[item(kind, months)]).items.get().period_months == months
        return
    with pytest.raises(ApplicationError) as refused:
        draft_notice(clerk, case, unit, items=[item(kind, months)])
    assert refused.value.field == "items"
    assert refused.value.message.startswith("第1项协助事项：") and LIMIT_WORDS in refused.value.message
    assert not Notice.objects.exists()


# ------------------------------------------------------------------------------------------- the terms


def test_a_term_is_derived_at_service_when_the_unit_gives_none(clerk, leader, case, unit, liaison):
    notice = served_freeze(clerk, leader, case, unit)
    term = MeasureTerm.objects.get(notice=notice)
    assert (term.start_on, term.end_on, term.source) == (SERVED_ON, END_ON, TermSource.SERVICE)
    services.acknowledge_notice(actor=liaison, notice=notice)
    # A reply without dates (the unit could not act on part of it) leaves the service-derived term.
    services.reply_to_notice(actor=liaison, notice=notice, outcome="cannot_do", text="账户已销户。")
    term.refresh_from_db()
    assert (term.start_on, term.end_on, term.source) == (SERVED_ON, END_ON, TermSource.SERVICE)


def test_the_units_reply_gives_the_term(clerk, leader, case, unit, liaison):
    notice = served_freeze(clerk, leader, case, unit)
    services.acknowledge_notice(actor=liaison, notice=notice)
    services.reply_to_notice(actor=liaison, notice=notice, outcome="done", results=[
        {"identifier": "6222000011112222", "amount": "100", "start_on": "2026-03-13", "end_on": "2026-12-12"}])
    term = MeasureTerm.objects.get(notice=notice)
    assert (term.start_on, term.end_on, term.source) == (datetime.date(2026, 3, 13), datetime.date(2026, 12, 12),
                                                         TermSource.REPLY)
    assert term.reply_result.identifier == "6222000011112222"


def test_the_clerk_corrects_a_term_with_a_reason_within_the_limit(clerk, leader, case, unit, liaison):
    notice = served_freeze(clerk, leader, case, unit)
    term = notice.terms.get()
    with pytest.raises(ApplicationError, match="请填写更正理由"):
        services.edit_term(actor=clerk, term=term, start_on=SERVED_ON, end_on=END_ON, reason=" ")
    with pytest.raises(ApplicationError, match="冻结期限不得超过一年"):
        services.edit_term(actor=clerk, term=term, start_on=SERVED_ON, end_on=datetime.date(2027, 3, 12),
                           reason="回执日期")
    with pytest.raises(PermissionDenied):
        services.edit_term(actor=leader, term=term, start_on=SERVED_ON, end_on=END_ON, reason="回执日期")
    services.edit_term(actor=clerk, term=term, start_on=SERVED_ON, end_on=datetime.date(2027, 3, 11),
                       reason="按银行回执更正。")
    term.refresh_from_db()
    assert (term.end_on, term.source, term.updated_by) == (datetime.date(2027, 3, 11), TermSource.CLERK, clerk)
    event = NoticeEvent.objects.get(notice=notice, action="term_edited")
    assert event.reason == "按银行回执更正。" and event.data["before"]["end_on"] == END_ON.isoformat()
    # A reply later does not undo the court's correction.
    services.acknowledge_notice(actor=liaison, notice=notice)
    services.reply_to_notice(actor=liaison, notice=notice, outcome="done", results=[
        {"identifier": "6222000011112222", "amount": "1", "start_on": "2026-03-12", "end_on": "2026-12-11"}])
    term.refresh_from_db()
    assert term.end_on == datetime.date(2027, 3, 11)


# --------------------------------------------------------------------------------------------- reminders


def test_the_renewal_reminder_fires_30_days_before_and_once(clerk, leader, case, unit):
    notice = served_freeze(clerk, leader, case, unit)
    assert reminders.scan_renewals(at(2026, 11, 10, 9))["reminders"] == 0  # 31 days before
    assert reminders.scan_renewals(at(2026, 11, 11, 9))["reminders"] == 1  # 30 days before
    assert reminders.scan_renewals(at(2026, 11, 11, 15))["reminders"] == 0
    assert reminders.scan_renewals(at(2026, 11, 12, 9))["reminders"] == 0
    message = Notification.objects.get(kind="renewal")
    assert message.recipient == clerk and "2026年12月11日" in message.title
    assert message.link == reverse("assistance:detail", args=[notice.pk])
    assert Reminder.objects.filter(kind="renewal").count() == 1


def test_a_corrected_end_is_reminded_again(clerk, leader, case, unit):
    notice = served_freeze(clerk, leader, case, unit)
    assert reminders.scan_renewals(at(2026, 11, 11, 9))["reminders"] == 1
    with time_machine.travel(at(2026, 11, 11, 10)):
        services.edit_term(actor=clerk, term=notice.terms.get(), start_on=SERVED_ON,
                           end_on=datetime.date(2026, 12, 14), reason="按回执更正。")
    assert reminders.scan_renewals(at(2026, 11, 13, 9))["reminders"] == 0  # 31 days before the new end
    assert reminders.scan_renewals(at(2026, 11, 16, 9))["reminders"] == 1  # Monday: 28 days before
    assert Notification.objects.filter(kind="renewal").count() == 2


def test_no_reminder_for_a_lifted_or_withdrawn_notice(clerk, leader, case, unit):
    lifted = served_freeze(clerk, leader, case, unit)
    services.lift_notice(actor=clerk, notice=lifted, ground="performed", ruling_number=f"{case.number}之一")
    withdrawn = served_freeze(clerk, leader, case, unit)
    services.withdraw_notice(actor=clerk, notice=withdrawn, reason="发送有误。")
    assert MeasureTerm.objects.count() == 2
    assert reminders.scan_renewals(at(2026, 11, 11, 9))["reminders"] == 0


def test_no_reminder_for_a_concluded_case(clerk, leader, case, unit):
    notice = served_freeze(clerk, leader, case, unit)
    # Concluding a case lifts its measures; even a notice left in force (a paper lifting) is not reminded.
    Case.objects.filter(pk=case.pk).update(status="terminated_round")
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.SERVED
    assert reminders.scan_renewals(at(2026, 11, 11, 9))["reminders"] == 0
    Case.objects.filter(pk=case.pk).update(status="suspended")  # 中止执行 is not concluded: reminded
    assert reminders.scan_renewals(at(2026, 11, 11, 9))["reminders"] == 1


def test_the_reminder_scan_is_on_the_beat_schedule():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["freeze-renewals"]["task"] == "assistance.tasks.scan_renewals"
    assert settings.RENEWAL_DAYS_AHEAD == 30


# ---------------------------------------------------------------------------------------------- renewals


@pytest.fixture
def in_window():
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        yield


def test_the_renewal_is_drafted_from_the_original_and_cites_it(clerk, leader, case, unit, in_window, tmp_path):
    original = served_freeze(clerk, leader, case, unit)
    renewal = services.draft_renewal(actor=clerk, notice=original)
    assert (renewal.state, renewal.renews, renewal.unit, renewal.measure, renewal.debtor) == (
        NoticeState.DRAFT, original, original.unit, original.measure, original.debtor)
    (renewed_item,) = renewal.items.all()
    assert (renewed_item.property_kind, renewed_item.identifier, renewed_item.period_months) == (
        "bank_account", "6222000011112222", 9)
    assert renewed_item.description == "续行冻结被执行人财产"
    assert NoticeEvent.objects.filter(notice=original, action="renewal_drafted", data__renewal=renewal.pk).exists()
    text = pdf_text(documents.notice_pdf(renewal), tmp_path)
    assert "续行冻结通知书" in text
    assert f"{case.number}协助执行通知书（通知书编号：{original.pk}）" in text
    assert chinese_date(SERVED_ON) in text
    assert f"原冻结期限为：第一项自{chinese_date(SERVED_ON)}至{chinese_date(END_ON)}" in text
    assert "请协助续行冻结下列财产" in text
    # It goes through sign-off and service like any notice; its term runs on from the original's end.
    services.sign_notice(actor=leader, notice=renewal)
    services.serve_notice(actor=clerk, notice=renewal)
    term = MeasureTerm.objects.get(notice=renewal)
    assert (term.start_on, term.end_on) == (datetime.date(2026, 12, 12), datetime.date(2027, 9, 11))
    # The original is renewed: no reminder for it any more.
    assert reminders.scan_renewals(at(2026, 11, 20, 11))["reminders"] == 0


def test_a_renewal_with_a_new_period_within_the_limit(clerk, leader, case, unit, in_window):
    original = served_freeze(clerk, leader, case, unit)
    with pytest.raises(ApplicationError, match="冻结期限不得超过一年"):
        services.draft_renewal(actor=clerk, notice=original, period_months=13)
    assert not Notice.objects.filter(renews=original).exists()
    renewal = services.draft_renewal(actor=clerk, notice=original, period_months=12, ruling_number="")
    assert renewal.items.get().period_months == 12 and renewal.ruling_number == original.ruling_number


def test_a_second_renewal_is_refused_until_the_first_is_withdrawn(clerk, leader, case, unit, in_window):
    original = served_freeze(clerk, leader, case, unit)
    first = services.draft_renewal(actor=clerk, notice=original)
    with pytest.raises(TransitionNotAllowed, match="已有续行通知书"):
        services.draft_renewal(actor=clerk, notice=original)
    services.withdraw_notice(actor=clerk, notice=first, reason="期限填错。")
    assert services.draft_renewal(actor=clerk, notice=original).renews == original


def test_a_renewal_outside_the_window_is_refused(clerk, leader, case, unit):
    original = served_freeze(clerk, leader, case, unit)
    with time_machine.travel(at(2026, 11, 10, 10)), pytest.raises(TransitionNotAllowed, match="2026年11月11日"):
        services.draft_renewal(actor=clerk, notice=original)
    with time_machine.travel(at(2026, 12, 12, 10)), pytest.raises(TransitionNotAllowed, match="已经届满"):
        services.draft_renewal(actor=clerk, notice=original)
    with time_machine.travel(at(2026, 12, 11, 10)):
        assert services.draft_renewal(actor=clerk, notice=original).renews == original


def test_a_lifted_notice_is_not_renewed(clerk, leader, case, unit, in_window):
    original = served_freeze(clerk, leader, case, unit)
    services.lift_notice(actor=clerk, notice=original, ground="performed", ruling_number=f"{case.number}之一")
    with pytest.raises(TransitionNotAllowed, match="解除待签发"):
        services.draft_renewal(actor=clerk, notice=original)


# ----------------------------------------------------------------------------------------- page and API


def test_the_page_shows_the_term_and_the_renewal_button_in_the_window(client_for, clerk, leader, case, unit, liaison):
    original = served_freeze(clerk, leader, case, unit)
    url = reverse("assistance:detail", args=[original.pk])
    with time_machine.travel(at(2026, 11, 1, 10)):
        body = client_for(clerk).get(url).content.decode()
    assert "2026-03-12 至 2026-12-11" in body and 'id="renewal-form"' not in body
    with time_machine.travel(at(2026, 11, 20, 10)):
        body = client_for(clerk).get(url).content.decode()
        assert 'id="renewal-form"' in body and "起草续行冻结通知书" in body
        liaison_body = client_for(liaison).get(url).content.decode()
        assert "2026-03-12 至 2026-12-11" in liaison_body and 'id="renewal-form"' not in liaison_body
        response = client_for(clerk).post(reverse("assistance:renew", args=[original.pk]), {"period_months": "9"})
        renewal = Notice.objects.get(renews=original)
        assert response.status_code == 302 and response["Location"] == reverse("assistance:detail", args=[renewal.pk])
        body = client_for(clerk).get(url).content.decode()
        assert 'id="renewal-link"' in body and 'id="renewal-form"' not in body


def test_the_api_exposes_the_terms_and_drafts_the_renewal(api_for, clerk, leader, case, unit, in_window):
    original = served_freeze(clerk, leader, case, unit)
    detail = api_for(clerk).get(f"/api/v1/notices/{original.pk}/").json()
    (term,) = detail["terms"]
    assert (term["start_on"], term["end_on"], term["source"], term["renewal_opens_on"], term["period_months"]) == (
        "2026-03-12", "2026-12-11", "service", "2026-11-11", 9)
    assert detail["renews"] is None
    response = api_for(clerk).post(f"/api/v1/notices/{original.pk}/renew/", {"period_months": 13}, format="json")
    assert response.status_code == 400 and "不得超过一年" in str(response.json())
    response = api_for(clerk).post(f"/api/v1/notices/{original.pk}/renew/", {}, format="json")
    assert response.status_code == 201
    assert response.json()["renews"] == original.pk and response.json()["state"] == "draft"
    response = api_for(clerk).post(f"/api/v1/notices/{original.pk}/terms/{term['id']}/",
                                   {"start_on": "2026-03-12", "end_on": "2026-12-10", "reason": "按回执。"},
                                   format="json")
    assert response.status_code == 200 and response.json()["terms"][0]["source"] == "clerk"


def test_another_courts_clerk_gets_404(api_for, client_for, clerk, leader, case, unit, in_window):
    original = served_freeze(clerk, leader, case, unit)
    term = original.terms.get()
    stranger = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=case.court.jurisdiction))
    api = api_for(stranger)
    assert api.post(f"/api/v1/notices/{original.pk}/renew/", {}, format="json").status_code == 404
    assert api.post(f"/api/v1/notices/{original.pk}/terms/{term.pk}/",
                    {"start_on": "2026-03-12", "end_on": "2026-12-10", "reason": "改。"},
                    format="json").status_code == 404
    assert client_for(stranger).post(reverse("assistance:renew", args=[original.pk])).status_code == 404
    assert client_for(stranger).post(reverse("assistance:edit-term", args=[original.pk, term.pk]),
                                     {"start_on": "2026-03-12", "end_on": "2026-12-10",
                                      "reason": "改。"}).status_code == 404
    # A term of another notice under this notice's address is not found either.
    other = served_freeze(clerk, leader, case, unit)
    assert api_for(clerk).post(f"/api/v1/notices/{original.pk}/terms/{other.terms.get().pk}/",
                               {"start_on": "2026-03-12", "end_on": "2026-12-10", "reason": "改。"},
                               format="json").status_code == 404
    assert not Notice.objects.filter(renews=original).exists()
    term.refresh_from_db()
    assert term.source == TermSource.SERVICE


def test_terms_are_backfilled_for_measures_served_before_they_were_recorded(clerk, leader, case, unit, liaison):
    """Migration 0012: a served freeze gets its term from its period, a replied one from the reply's dates; a lifted
    notice and one already with a term are left alone."""
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("assistance.migrations.0014_periods_backfill_terms").backfill
    served = served_freeze(clerk, leader, case, unit)
    replied = served_freeze(clerk, leader, case, unit)
    services.acknowledge_notice(actor=liaison, notice=replied)
    services.reply_to_notice(actor=liaison, notice=replied, outcome="done", results=[
        {"identifier": "6222000011112222", "amount": "1", "start_on": "2026-03-13", "end_on": "2026-12-12"}])
    lifted = served_freeze(clerk, leader, case, unit)
    services.lift_notice(actor=clerk, notice=lifted, ground="performed", ruling_number=f"{case.number}之一")
    kept = served_freeze(clerk, leader, case, unit)
    services.edit_term(actor=clerk, term=kept.terms.get(), start_on=SERVED_ON, end_on=datetime.date(2026, 12, 1),
                       reason="按回执更正。")
    MeasureTerm.objects.exclude(notice=kept).delete()

    backfill(apps, None)
    backfill(apps, None)  # twice: nothing more

    assert [(t.start_on, t.end_on, t.source) for t in MeasureTerm.objects.filter(notice=served)] == [
        (SERVED_ON, END_ON, "service")]
    assert [(t.start_on, t.end_on, t.source) for t in MeasureTerm.objects.filter(notice=replied)] == [
        (datetime.date(2026, 3, 13), datetime.date(2026, 12, 12), "reply")]
    assert not MeasureTerm.objects.filter(notice=lifted).exists()
    assert [(t.end_on, t.source) for t in MeasureTerm.objects.filter(notice=kept)] == [
        (datetime.date(2026, 12, 1), "clerk")]


def test_the_renewals_pdf_is_named_as_a_renewal(clerk, leader, case, unit, in_window):
    renewal = services.draft_renewal(actor=clerk, notice=served_freeze(clerk, leader, case, unit))
    assert documents.notice_pdf_filename(renewal).startswith("续行冻结通知书-")
