"""Judicial suggestion letters (司法建议函; 法发〔2010〕15号 arts. 19, 24, Liwan 四(六)3, 四(七)4, Gong'an arts. 10, 14,
Yunfu items 7, 8): drafted from an overdue or refused notice (or from the case), signed by the court's leader (the
court's yearly number is taken then), served by the clerk (the reply falls due N calendar days later, ending on a
working day), replied by the unit's liaison; withdrawn while unserved. Reminded once before due to the unit's
liaisons and once overdue to them and the committee. Court sees its own, unit its served ones, committee its
jurisdiction's; anybody else a 404."""

import datetime
import io
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from assistance.models import NoticeState, ReplyOutcome, SuggestionEvent, SuggestionLetter, SuggestionState
from assistance.services import suggestions as services
from assistance.suggestion_documents import suggestion_pdf
from assistance.suggestion_reminders import scan_suggestion_reminders
from assistance.tasks import remind_suggestion_letters_task
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification, Reminder
from tests import factories

from .helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ITEMS = [{"property_kind": "bank_account", "identifier": "6222", "description": "查询存款"}]
SUGGESTIONS = "建议你单位立即按照协助执行通知书的要求办理，并对相关责任人员进行批评教育，完善协助执行工作制度。"


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def case(clerk):
    return file_case(clerk)


@pytest.fixture
def contacts(unit, liaison):
    """The unit's A (the liaison's account) and B contacts."""
    a = factories.ContactFactory(organisation=unit, role="A", name="甲联络", user=liaison)
    b = factories.ContactFactory(organisation=unit, role="B", name="乙联络")
    return a, b


@pytest.fixture
def committee_user(court):
    committee = factories.CommitteeFactory(jurisdiction=court.jurisdiction)
    return factories.CommitteeUserFactory(organisation=committee)


@pytest.fixture
def overdue_notice(clerk, leader, liaison, case, unit):
    notice = draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS)
    return advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader, liaison=liaison,
                   served_at=at(2026, 9, 1, 10))


@pytest.fixture
def letter(clerk, case, unit, overdue_notice, contacts):
    return services.draft_letter(actor=clerk, case=case, unit=unit, notice=overdue_notice, suggestions=SUGGESTIONS)


def signed(letter, leader):
    return services.sign_letter(actor=leader, letter=letter)


def served(letter, leader, clerk, at=None):
    return services.serve_letter(actor=clerk, letter=signed(letter, leader), at=at)


# ------------------------------------------------------------------------------------------ drafting and facts


def test_draft_prefills_the_facts_from_the_overdue_notice_and_tells_the_leader(letter, overdue_notice, leader, unit):
    assert letter.state == SuggestionState.DRAFTED
    assert letter.ground == "overdue"
    assert letter.reply_days == 30
    assert letter.document_number == ""
    assert f"第{overdue_notice.pk}号" in letter.facts
    assert "2026年9月1日" in letter.facts  # served
    assert "已逾期" in letter.facts and "日" in letter.facts
    assert letter.events.get().action == "draft"
    note = Notification.objects.get(recipient=leader, kind="suggestion_waiting_sign")
    assert unit.short_name in note.title
    # the unit sees nothing of a draft
    assert not Notification.objects.filter(kind="suggestion_served").exists()


def test_draft_from_a_refused_notice_cites_the_refusal_reason(clerk, leader, liaison, case, unit):
    notice = draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS)
    notice = advance(notice, NoticeState.ACKNOWLEDGED, clerk=clerk, leader=leader, liaison=liaison)
    from assistance import services as notice_services

    notice_services.reply_to_notice(actor=liaison, notice=notice, outcome=ReplyOutcome.CANNOT_DO, results=(),
                                    text="系统升级，暂停办理查询业务。")
    letter = services.draft_letter(actor=clerk, case=case, unit=unit, notice=notice, suggestions=SUGGESTIONS)
    assert letter.ground == "refused"
    assert "无法办理" in letter.facts and "系统升级，暂停办理查询业务。" in letter.facts


def test_a_notice_in_time_and_done_cannot_start_a_letter(clerk, leader, liaison, case, unit):
    notice = draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS)
    notice = advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader, liaison=liaison)  # served now: in time
    with pytest.raises(ApplicationError) as error:
        services.draft_letter(actor=clerk, case=case, unit=unit, notice=notice, suggestions=SUGGESTIONS)
    assert error.value.field == "notice"
    assert not SuggestionLetter.objects.exists()


def test_draft_refusals(clerk, leader, case, unit, overdue_notice, court):
    other_clerk = factories.ClerkFactory()
    with pytest.raises(PermissionDenied):
        services.draft_letter(actor=other_clerk, case=case, unit=unit, notice=overdue_notice, suggestions=SUGGESTIONS)
    with pytest.raises(PermissionDenied):  # a leader signs, does not draft
        services.draft_letter(actor=leader, case=case, unit=unit, notice=overdue_notice, suggestions=SUGGESTIONS)
    elsewhere = factories.OrganisationFactory(jurisdiction=factories.JurisdictionFactory(code="far", name="远方"))
    with pytest.raises(ApplicationError) as error:
        services.draft_letter(actor=clerk, case=case, unit=elsewhere, ground="other", suggestions=SUGGESTIONS)
    assert error.value.field == "unit"
    with pytest.raises(ApplicationError) as error:  # a court is not an addressee
        services.draft_letter(actor=clerk, case=case, unit=court, ground="other", suggestions=SUGGESTIONS)
    with pytest.raises(ApplicationError) as error:
        services.draft_letter(actor=clerk, case=case, unit=unit, ground="", suggestions=SUGGESTIONS)
    assert error.value.field == "ground"
    with pytest.raises(ApplicationError) as error:
        services.draft_letter(actor=clerk, case=case, unit=unit, ground="other", suggestions="  ")
    assert error.value.field == "suggestions"
    with pytest.raises(ApplicationError) as error:
        services.draft_letter(actor=clerk, case=case, unit=unit, ground="other", suggestions=SUGGESTIONS,
                              reply_days=0)
    assert error.value.field == "reply_days"
    assert not SuggestionLetter.objects.exists()


def test_the_superior_of_the_unit_may_be_addressed(clerk, case, unit, overdue_notice):
    superior = factories.OrganisationFactory(jurisdiction=unit.jurisdiction, name="广州市公安局", short_name="市公安局")
    letter = services.draft_letter(actor=clerk, case=case, unit=superior, notice=overdue_notice,
                                   suggestions=SUGGESTIONS)
    assert letter.unit == superior and letter.notice == overdue_notice
    assert f"向{unit.name}送达" in letter.facts and "该单位仍未办理" in letter.facts


# ------------------------------------------------------------------------------------------ the state machine


def test_every_move_in_order(letter, leader, clerk, liaison, contacts):
    letter = services.sign_letter(actor=leader, letter=letter)
    assert letter.state == SuggestionState.SIGNED and letter.signed_by == leader
    year = letter.signed_at.astimezone(SH).year
    from linkage.document_numbers import issuer_prefix, number_for
    assert letter.document_number == f"{issuer_prefix(letter.court)}〔{year}〕1号" == number_for(letter.number_subject)
    letter = services.serve_letter(actor=clerk, letter=letter)
    assert letter.state == SuggestionState.SERVED and letter.due_at > letter.served_at
    served_notes = Notification.objects.filter(kind="suggestion_served")
    assert set(served_notes.values_list("recipient", flat=True)) >= {liaison.pk}
    letter = services.reply_to_letter(actor=liaison, letter=letter, text="已责成经办科室立即办理，并完善工作制度。")
    assert letter.state == SuggestionState.REPLIED and letter.replied_in_time
    assert Notification.objects.filter(recipient=clerk, kind="suggestion_replied").exists()
    assert list(SuggestionEvent.objects.filter(letter=letter).values_list("action", flat=True)) == [
        "draft", "sign", "serve", "reply"]


@pytest.mark.parametrize("action", ["serve", "reply"])
def test_wrong_state_is_refused_from_a_draft(letter, clerk, liaison, action):
    with pytest.raises(TransitionNotAllowed):
        if action == "serve":
            services.serve_letter(actor=clerk, letter=letter)
        else:
            services.reply_to_letter(actor=liaison, letter=letter, text="已办理。")
    letter.refresh_from_db()
    assert letter.state == SuggestionState.DRAFTED


def test_wrong_states_after_service(letter, leader, clerk):
    letter = served(letter, leader, clerk)
    with pytest.raises(TransitionNotAllowed):
        services.sign_letter(actor=leader, letter=letter)
    with pytest.raises(TransitionNotAllowed):
        services.withdraw_letter(actor=clerk, letter=letter, reason="误发")
    letter.refresh_from_db()
    assert letter.state == SuggestionState.SERVED


def test_wrong_roles(letter, leader, clerk, liaison, other_liaison, committee_user):
    with pytest.raises(PermissionDenied):
        services.sign_letter(actor=clerk, letter=letter)  # a clerk does not sign
    with pytest.raises(PermissionDenied):
        services.sign_letter(actor=factories.LeaderFactory(), letter=letter)  # another court's leader
    letter = services.sign_letter(actor=leader, letter=letter)
    with pytest.raises(PermissionDenied):
        services.serve_letter(actor=leader, letter=letter)  # the clerk serves
    letter = services.serve_letter(actor=clerk, letter=letter)
    for outsider in (other_liaison, clerk, committee_user):
        with pytest.raises(PermissionDenied):
            services.reply_to_letter(actor=outsider, letter=letter, text="已办理。")
    letter.refresh_from_db()
    assert letter.state == SuggestionState.SERVED and letter.events.count() == 3


def test_withdraw_from_drafted_and_signed_keeps_the_number(letter, leader, clerk, case, unit, overdue_notice):
    letter = services.withdraw_letter(actor=clerk, letter=letter, reason="单位已办理")
    assert letter.state == SuggestionState.WITHDRAWN and letter.withdraw_reason == "单位已办理"
    with pytest.raises(ApplicationError):
        services.withdraw_letter(actor=clerk, letter=letter, reason="再次")
    second = services.draft_letter(actor=clerk, case=case, unit=unit, notice=overdue_notice, suggestions=SUGGESTIONS)
    second = services.sign_letter(actor=leader, letter=second)
    with pytest.raises(ApplicationError) as error:
        services.withdraw_letter(actor=leader, letter=second, reason="  ")
    assert error.value.field == "reason"
    second = services.withdraw_letter(actor=leader, letter=second, reason="改发上级主管部门")
    assert second.document_number.endswith("〕1号")
    from linkage.document_numbers import DocumentNumber
    assert DocumentNumber.objects.get(subject=second.number_subject).withdrawn_at is not None
    third = services.draft_letter(actor=clerk, case=case, unit=unit, notice=overdue_notice, suggestions=SUGGESTIONS)
    assert services.sign_letter(actor=leader, letter=third).document_number.endswith("〕2号")  # never reused


# ------------------------------------------------------------------------------------------ numbering


def test_numbers_are_per_court_and_year(clerk, leader, case, unit, contacts):
    other_court = factories.CourtFactory(jurisdiction=unit.jurisdiction)
    other_clerk = factories.ClerkFactory(organisation=other_court)
    other_leader = factories.LeaderFactory(organisation=other_court)
    other_case = file_case(other_clerk, number="（2026）粤0104执88号")

    def issue(actor, signer, on_case, moment):
        with time_machine.travel(moment, tick=False):
            letter = services.draft_letter(actor=actor, case=on_case, unit=unit, ground="other",
                                           suggestions=SUGGESTIONS)
            return services.sign_letter(actor=signer, letter=letter).document_number

    from linkage.document_numbers import DocumentNumber, issuer_prefix

    mine, theirs = issuer_prefix(leader.organisation), issuer_prefix(other_court)
    assert issue(clerk, leader, case, at(2026, 3, 2, 10)) == f"{mine}〔2026〕1号"
    assert issue(clerk, leader, case, at(2026, 3, 3, 10)) == f"{mine}〔2026〕2号"
    assert issue(other_clerk, other_leader, other_case, at(2026, 3, 3, 11)) == f"{theirs}〔2026〕1号"
    assert issue(clerk, leader, case, at(2027, 1, 4, 10)) == f"{mine}〔2027〕1号"
    serials = list(DocumentNumber.objects.filter(issuer=leader.organisation).values_list("year", "sequence"))
    assert sorted(serials) == [(2026, 1), (2026, 2), (2027, 1)]


def test_the_database_refuses_a_number_twice(letter, leader, clerk, case, unit, overdue_notice):
    from django.db import IntegrityError, transaction

    letter = signed(letter, leader)
    second = services.draft_letter(actor=clerk, case=case, unit=unit, notice=overdue_notice, suggestions=SUGGESTIONS)
    with pytest.raises(IntegrityError), transaction.atomic():
        SuggestionLetter.objects.filter(pk=second.pk).update(state="signed",
                                                             document_number=letter.document_number)


# ------------------------------------------------------------------------------------------ the reply deadline


def test_reply_deadline_crossing_national_day_ends_on_the_next_working_day(letter, leader, clerk):
    # Served on 2026-09-01: the 30th day is 10-01, National Day; the holiday runs to 10-07, so 10-08 closes it.
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        letter = signed(letter, leader)
    with time_machine.travel(at(2026, 9, 1, 15), tick=False):
        letter = services.serve_letter(actor=clerk, letter=letter)
    assert letter.due_at == at(2026, 10, 8, 23, 59, 59)
    assert letter.events.get(action="serve").data["rule"] == "30日"


def test_reply_days_are_configurable(settings, clerk, leader, case, unit, contacts):
    settings.LINKAGE_SUGGESTION_REPLY_DAYS = 15
    with time_machine.travel(at(2026, 9, 15, 9), tick=False):
        letter = services.draft_letter(actor=clerk, case=case, unit=unit, ground="nonperformance",
                                       suggestions=SUGGESTIONS)
        assert letter.reply_days == 15
        letter = served(letter, leader, clerk)
    # 09-30 is a Wednesday, a working day
    assert letter.due_at == at(2026, 9, 30, 23, 59, 59)
    with time_machine.travel(at(2026, 9, 15, 9), tick=False):
        short = services.draft_letter(actor=clerk, case=case, unit=unit, ground="other", suggestions=SUGGESTIONS,
                                      reply_days=10)
        short = served(short, leader, clerk)
    # the 10th day is 09-25, the Mid-Autumn Festival (a Friday), then a weekend: it ends on Monday 09-28
    assert short.due_at == at(2026, 9, 28, 23, 59, 59)


def test_serve_time_cannot_be_in_the_future_or_before_signing(letter, leader, clerk):
    letter = signed(letter, leader)
    with pytest.raises(ApplicationError):
        services.serve_letter(actor=clerk, letter=letter, at=letter.signed_at + datetime.timedelta(days=400))
    with pytest.raises(ApplicationError):
        services.serve_letter(actor=clerk, letter=letter, at=letter.signed_at - datetime.timedelta(hours=1))
    letter.refresh_from_db()
    assert letter.state == SuggestionState.SIGNED


# ------------------------------------------------------------------------------------------ reminders


def _reminders(letter):
    content_type = ContentType.objects.get_for_model(SuggestionLetter)
    return Reminder.objects.filter(content_type=content_type, object_id=letter.pk)


def test_reminders_before_due_then_overdue_each_once(letter, leader, clerk, liaison, contacts, committee_user):
    contact_a, contact_b = contacts
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        letter = served(letter, leader, clerk)  # due 2026-10-08
    # A working day well before due: nothing.
    with time_machine.travel(at(2026, 9, 28, 9), tick=False):
        assert scan_suggestion_reminders()["reminders"] == 0
    # Five days before due (a working Saturday make-up day would count too; 10-09 is a Friday) — 10-05 is a
    # holiday: no reminders on a non-working day.
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        assert scan_suggestion_reminders()["reminders"] == 0
    with time_machine.travel(at(2026, 10, 8, 9), tick=False):
        result = scan_suggestion_reminders()
        again = scan_suggestion_reminders()
    assert result["reminders"] == 2 and again["reminders"] == 0
    soon = _reminders(letter).filter(kind="suggestion_due_soon")
    assert {r.recipient_name for r in soon} == {contact_a.name, contact_b.name}
    assert not Notification.objects.filter(recipient=committee_user, kind="suggestion_reminder").exists()
    # Overdue: the unit's A and B and the committee, once.
    with time_machine.travel(at(2026, 10, 9, 9), tick=False):
        result = remind_suggestion_letters_task.apply().get()
        again = scan_suggestion_reminders()
    assert result["reminders"] == 3 and again["reminders"] == 0
    overdue = _reminders(letter).filter(kind="suggestion_overdue")
    assert {r.recipient_name for r in overdue} == {contact_a.name, contact_b.name, committee_user.display_name}
    note = Notification.objects.get(recipient=committee_user, kind="suggestion_reminder")
    assert "逾期未回复" in note.title and letter.document_number in note.title
    # A reply stops the ladder.
    with time_machine.travel(at(2026, 10, 9, 10), tick=False):
        services.reply_to_letter(actor=liaison, letter=letter, text="已整改。")
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        assert scan_suggestion_reminders()["letters"] == 0
    letter.refresh_from_db()
    assert not letter.replied_in_time


def test_unserved_or_withdrawn_letters_are_not_reminded(letter, leader, clerk, contacts):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        signed(letter, leader)
        assert scan_suggestion_reminders()["letters"] == 0


# ------------------------------------------------------------------------------------------ the PDF


def _pdf_text(data):
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "").replace(" ", "")


def test_pdf_renders_the_number_facts_and_deadline(letter, leader, clerk, overdue_notice, court):
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        letter = served(letter, leader, clerk)
    text = _pdf_text(suggestion_pdf(letter))
    assert "司法建议函" in text
    assert letter.document_number in text and letter.document_number.endswith("〔2026〕1号")
    assert court.name in text and letter.unit.name in text
    assert f"第{overdue_notice.pk}号" in text
    # The letter served is the one issued at signing (issue 24): the reply time as the letter words it, in days
    # from receipt; the date it falls on (2026-10-08) is the page's, fixed at service, after the letter was issued.
    assert "自收到本函之日起30日内将采纳建议" in text and "即2026年10月8日前" not in text
    assert "2026年9月1日" in text  # signed
    assert "第十九条、第二十四条" in text


def test_withdrawn_pdf_says_so(letter, leader, clerk):
    letter = services.withdraw_letter(actor=clerk, letter=signed(letter, leader), reason="单位已办理")
    text = _pdf_text(suggestion_pdf(letter))
    assert "（已撤回：单位已办理）" in text and letter.document_number in text


def test_draft_pdf_says_draft(letter):
    text = _pdf_text(suggestion_pdf(letter))
    assert "草稿" in text and "〕" not in text.split("关于依法协助执行")[0]  # no number before the title


# ------------------------------------------------------------------------------------------ visibility


def test_pages_and_lists_show_each_their_own(client_for, letter, leader, clerk, liaison, other_liaison,
                                            committee_user, case, unit):
    other_court_clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=unit.jurisdiction))
    far_committee = factories.CommitteeUserFactory(
        organisation=factories.CommitteeFactory(jurisdiction=factories.JurisdictionFactory(code="far", name="远")))
    detail = reverse("assistance:suggestion-detail", args=[letter.pk])
    pdf = reverse("assistance:suggestion-pdf", args=[letter.pk])
    listing = reverse("assistance:suggestion-list")

    def status(user, url):
        return client_for(user).get(url).status_code

    # a draft: the court and the committee, not the unit
    assert status(clerk, detail) == 200 and status(committee_user, detail) == 200
    assert status(liaison, detail) == 404
    for outsider in (other_liaison, other_court_clerk, far_committee):
        assert status(outsider, detail) == 404 and status(outsider, pdf) == 404
    assert letter.facts[:10] not in client_for(liaison).get(listing).content.decode()
    served(letter, leader, clerk)
    assert status(liaison, detail) == 200 and status(liaison, pdf) == 200
    assert "提交回复" in client_for(liaison).get(detail).content.decode()
    assert "提交回复" not in client_for(committee_user).get(detail).content.decode()
    for user in (clerk, liaison, committee_user):
        assert f'href="{detail}"' in client_for(user).get(listing).content.decode()
    for user in (other_liaison, other_court_clerk, far_committee):
        assert f'href="{detail}"' not in client_for(user).get(listing).content.decode()


def test_page_moves_and_committee_cannot_move(client_for, letter, leader, clerk, liaison, committee_user):
    sign = reverse("assistance:suggestion-sign", args=[letter.pk])
    client_for(committee_user).post(sign)
    letter.refresh_from_db()
    assert letter.state == SuggestionState.DRAFTED
    client_for(leader).post(sign)
    client_for(clerk).post(reverse("assistance:suggestion-serve", args=[letter.pk]))
    client_for(liaison).post(reverse("assistance:suggestion-reply", args=[letter.pk]), {"text": "已办理并整改。"})
    letter.refresh_from_db()
    assert letter.state == SuggestionState.REPLIED and letter.reply_text == "已办理并整改。"


def test_draft_page_from_the_notice(client_for, clerk, liaison, case, unit, overdue_notice, contacts):
    url = reverse("assistance:suggestion-new", args=[case.pk]) + f"?notice={overdue_notice.pk}"
    page = client_for(clerk).get(url)
    assert page.status_code == 200 and f"第{overdue_notice.pk}号" in page.content.decode()
    assert client_for(liaison).get(url).status_code == 404
    response = client_for(clerk).post(url, {"unit": unit.pk, "facts": "", "suggestions": SUGGESTIONS,
                                            "reply_days": 20})
    assert response.status_code == 302
    letter = SuggestionLetter.objects.get()
    assert letter.notice == overdue_notice and letter.reply_days == 20 and "已逾期" in letter.facts


def test_api_visibility_and_reply(api_for, letter, leader, clerk, liaison, other_liaison, committee_user, contacts):
    base = "/api/v1/suggestion-letters/"

    def ids(user):
        return [row["id"] for row in api_for(user).get(base).json()["results"]]

    assert ids(clerk) == [letter.pk] and ids(committee_user) == [letter.pk]
    assert ids(liaison) == [] and ids(other_liaison) == []
    assert api_for(liaison).get(f"{base}{letter.pk}/").status_code == 404
    served(letter, leader, clerk)
    assert ids(liaison) == [letter.pk] and ids(other_liaison) == []
    assert api_for(other_liaison).get(f"{base}{letter.pk}/").status_code == 404
    assert api_for(other_liaison).post(f"{base}{letter.pk}/reply/", {"text": "x"}, format="json").status_code == 404
    assert api_for(committee_user).post(f"{base}{letter.pk}/reply/", {"text": "x"},
                                        format="json").status_code == 403
    assert api_for(clerk).post(f"{base}{letter.pk}/reply/", {"text": "x"}, format="json").status_code == 403
    assert api_for(liaison).post(f"{base}{letter.pk}/reply/", {"text": ""}, format="json").status_code == 400
    response = api_for(liaison).post(f"{base}{letter.pk}/reply/", {"text": "已办理。"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "replied" and body["document_number"].endswith("〕1号") and body["replied_in_time"]
    assert api_for(liaison).post(f"{base}{letter.pk}/reply/", {"text": "又"}, format="json").status_code == 409


def test_the_button_shows_on_the_case_page_and_on_overdue_notices_only(client_for, clerk, leader, liaison, case, unit,
                                                                        overdue_notice, committee_user):
    draft_url = reverse("assistance:suggestion-new", args=[case.pk])
    case_page = client_for(clerk).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="{draft_url}"' in case_page
    assert f'href="{draft_url}"' not in client_for(committee_user).get(
        reverse("cases:detail", args=[case.pk])).content.decode()
    from_notice = f'{draft_url}?notice={overdue_notice.pk}'
    assert from_notice in client_for(clerk).get(reverse("assistance:detail", args=[overdue_notice.pk])).content.decode()
    assert from_notice not in client_for(liaison).get(
        reverse("assistance:detail", args=[overdue_notice.pk])).content.decode()
    in_time = advance(draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS), NoticeState.SERVED,
                      clerk=clerk, leader=leader, liaison=liaison)
    assert "?notice=" not in client_for(clerk).get(reverse("assistance:detail", args=[in_time.pk])).content.decode()


def test_the_assessment_reads_letters_received_and_replied_on_time_per_unit_and_year(
        clerk, leader, liaison, case, unit, other_unit, contacts):
    from assessment.sources import suggestion_metrics
    from assessment.yearspan import Window

    def letter_to(target, served_on):
        with time_machine.travel(served_on, tick=False):
            letter = services.draft_letter(actor=clerk, case=case, unit=target, ground="other",
                                           suggestions=SUGGESTIONS)
            return served(letter, leader, clerk)

    on_time = letter_to(unit, at(2026, 3, 2, 10))
    late = letter_to(unit, at(2026, 3, 3, 10))
    letter_to(unit, at(2026, 4, 1, 10))  # unanswered
    letter_to(other_unit, at(2026, 4, 1, 10))
    letter_to(unit, at(2025, 12, 30, 10))  # another year
    with time_machine.travel(at(2026, 3, 20, 10), tick=False):
        services.reply_to_letter(actor=liaison, letter=on_time, text="已整改。")
    with time_machine.travel(at(2026, 5, 20, 10), tick=False):
        services.reply_to_letter(actor=liaison, letter=late, text="已整改。")
    figures = suggestion_metrics([unit.pk, other_unit.pk], Window(2026, at(2026, 12, 31, 12)))
    # (received, replied, replied on time, overdue: the late one and the unanswered one past its deadline)
    assert figures == {unit.pk: (3, 2, 1, 2), other_unit.pk: (1, 0, 0, 1)}
    assert suggestion_metrics([unit.pk], Window(2026, at(2026, 3, 2, 23)))[unit.pk] == (1, 0, 0, 0)


def test_the_reminder_scan_is_on_the_beat_schedule(settings):
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["suggestion-reminders"]
    assert entry["task"] == "assistance.tasks.remind_suggestion_letters"
    assert entry["task"] in current_app.tasks
