"""Referrals (issue 23 items 2, 3): the crime referral's state machine (draft → sign → send → filed | refused →
supervision requested → supervised), refusals, reminders once each, the procuratorate's guardian object grant (it
reads the referred case and that referral, nothing else), the referral letter's PDF; the discipline referral."""

import datetime
import io

import pdfplumber
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance.models import (
    CrimeReferral,
    CrimeReferralEvent,
    CrimeReferralState,
    CrimeReferralUserObjectPermission,
    DisciplineReferral,
    DisciplineState,
)
from assistance.referral_documents import crime_referral_pdf
from assistance.services import referrals as services
from assistance.services.referral_reminders import remind_referrals
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Reminder
from tests import factories

from .helpers import file_case

pytestmark = pytest.mark.django_db
EVIDENCE = [{"name": "财产报告令及送达回证", "description": "第1-3页"}, {"name": "房产转让合同", "description": "第4-9页"}]
FACTS = "被执行人在本院查封期间将其名下房产转让他人，拒不报告财产。"


@pytest.fixture
def w():
    court = factories.CourtFactory()
    other_court = factories.CourtFactory()
    police = factories.OrganisationFactory(kind="police")
    procuratorate = factories.OrganisationFactory(kind="procuratorate")
    discipline = factories.OrganisationFactory(kind="discipline")
    committee_org = factories.CommitteeFactory()
    ns = type("W", (), {})()
    ns.court, ns.police, ns.procuratorate, ns.discipline = court, police, procuratorate, discipline
    ns.clerk = factories.ClerkFactory(organisation=court)
    ns.leader = factories.LeaderFactory(organisation=court)
    ns.other_clerk = factories.ClerkFactory(organisation=other_court)
    ns.other_leader = factories.LeaderFactory(organisation=other_court)
    ns.police_liaison = factories.LiaisonFactory(organisation=police, liaison_role="A")
    ns.prosecutor = factories.LiaisonFactory(organisation=procuratorate, liaison_role="A")
    ns.disciplinarian = factories.LiaisonFactory(organisation=discipline, liaison_role="A")
    ns.committee = factories.CommitteeUserFactory(organisation=committee_org)
    ns.case = file_case(ns.clerk)
    ns.debtor = ns.case.parties.debtors().get()
    ns.other_case = file_case(ns.clerk, number="（2026）粤0103执9999号")
    return ns


def _draft(w, **extra):
    return services.draft_crime_referral(actor=w.clerk, case=w.case, debtor=w.debtor, facts=FACTS,
                                         evidence=EVIDENCE, **extra)


def _sent(w, now=None):
    referral = _draft(w)
    services.sign_crime_referral(actor=w.leader, referral=referral)
    return services.send_crime_referral(actor=w.clerk, referral=referral, now=now)


def _refused(w):
    referral = _sent(w)
    return services.record_police_refusal(actor=w.police_liaison, referral=referral, decision_number="荔公不立字〔2026〕12号",
                                          reasons="现有证据不足以证明被执行人有能力执行。")


def _supervision(w):
    return services.request_supervision(actor=w.clerk, referral=_refused(w), reasons="被执行人转移房产，证据充分。")


def test_full_path_to_supervision_records_each_move(w):
    referral = _draft(w)
    assert referral.state == CrimeReferralState.DRAFTED and referral.police == w.police
    services.sign_crime_referral(actor=w.leader, referral=referral)
    sent_at = datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC)
    services.send_crime_referral(actor=w.clerk, referral=referral, now=sent_at)
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.SENT
    assert timezone.localtime(referral.due_at).date() == datetime.date(2026, 6, 8)  # 7 calendar days, a Monday
    services.record_police_refusal(actor=w.police_liaison, referral=referral, decision_number="荔公不立字1号",
                                   reasons="证据不足。")
    services.request_supervision(actor=w.leader, referral=referral, reasons="理由不成立。")
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.SUPERVISION_REQUESTED and referral.procuratorate == w.procuratorate
    services.answer_supervision(actor=w.prosecutor, referral=referral, outcome="notify_filing", text="已通知公安立案。")
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.SUPERVISED and referral.supervision_outcome == "notify_filing"
    actions = list(CrimeReferralEvent.objects.filter(referral=referral).order_by("id").values_list("action", flat=True))
    assert actions == ["draft", "sign", "send", "refuse", "request_supervision", "supervise"]


def test_police_files_the_case(w):
    referral = _sent(w)
    today = timezone.localdate()
    services.record_police_filing(actor=w.police_liaison, referral=referral, case_number="荔公刑立字88号",
                                  filed_on=today)
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.FILED and referral.police_filed_on == today
    with pytest.raises(TransitionNotAllowed):
        services.request_supervision(actor=w.clerk, referral=referral, reasons="x")


@pytest.mark.parametrize("number, reasons, field", [("", "证据不足。", "decision_number"), ("1号", "  ", "reasons")])
def test_refusal_needs_number_and_reasons(w, number, reasons, field):
    referral = _sent(w)
    with pytest.raises(ApplicationError) as error:
        services.record_police_refusal(actor=w.police_liaison, referral=referral, decision_number=number,
                                       reasons=reasons)
    assert error.value.field == field
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.SENT


def test_wrong_roles_courts_and_states_are_refused(w):
    referral = _draft(w)
    for actor in (w.clerk, w.other_leader, w.police_liaison):
        with pytest.raises(PermissionDenied):
            services.sign_crime_referral(actor=actor, referral=referral)
    with pytest.raises(TransitionNotAllowed):
        services.send_crime_referral(actor=w.clerk, referral=referral)  # not signed yet
    services.sign_crime_referral(actor=w.leader, referral=referral)
    with pytest.raises(PermissionDenied):
        services.send_crime_referral(actor=w.other_clerk, referral=referral)
    services.send_crime_referral(actor=w.clerk, referral=referral)
    for actor in (w.prosecutor, w.clerk, w.disciplinarian):
        with pytest.raises(PermissionDenied):
            services.record_police_refusal(actor=actor, referral=referral, decision_number="1号", reasons="x")
    with pytest.raises(TransitionNotAllowed):
        services.request_supervision(actor=w.clerk, referral=referral, reasons="x")  # not refused
    with pytest.raises(ApplicationError):
        _draft(w)  # one live referral per debtor
    other_debtor_case = file_case(w.other_clerk, number="（2026）粤0104执1号")
    with pytest.raises(ApplicationError):
        services.draft_crime_referral(actor=w.clerk, case=w.case, debtor=other_debtor_case.parties.debtors().get(),
                                      facts=FACTS, evidence=EVIDENCE)


def test_evidence_list_is_required_and_police_must_be_on_roster(w):
    with pytest.raises(ApplicationError) as error:
        services.draft_crime_referral(actor=w.clerk, case=w.case, debtor=w.debtor, facts=FACTS,
                                      evidence=[{"name": " ", "description": ""}])
    assert error.value.field == "evidence"
    with pytest.raises(ApplicationError) as error:
        _draft(w, police=w.procuratorate)
    assert error.value.field == "police"
    assert not CrimeReferral.objects.exists()


def test_only_the_procuratorate_answers_supervision(w):
    referral = _supervision(w)
    for actor in (w.police_liaison, w.clerk, w.leader, w.committee):
        with pytest.raises(PermissionDenied):
            services.answer_supervision(actor=actor, referral=referral, outcome="reasons_hold", text="x")
    with pytest.raises(ApplicationError):
        services.answer_supervision(actor=w.prosecutor, referral=referral, outcome="bogus", text="x")


def test_grant_is_made_only_when_supervision_is_requested(w):
    referral = _refused(w)
    assert not CrimeReferralUserObjectPermission.objects.exists()
    assert not w.prosecutor.has_perm("assistance.view_crimereferral", referral)
    assert not CrimeReferral.objects.visible_to(w.prosecutor).exists()
    services.request_supervision(actor=w.clerk, referral=referral, reasons="理由不成立。")
    prosecutor = type(w.prosecutor).objects.get(pk=w.prosecutor.pk)  # fresh permission cache
    assert prosecutor.has_perm("assistance.view_crimereferral", referral)
    assert CrimeReferralUserObjectPermission.objects.get().content_object == referral
    assert list(CrimeReferral.objects.visible_to(prosecutor)) == [referral]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_procuratorate_reads_the_referred_case_and_nothing_else(w):
    client = _client(w.prosecutor)
    # Before the request: nothing.
    referral = _refused(w)
    assert client.get(reverse("cases:detail", args=[w.case.pk])).status_code == 404
    assert client.get(reverse("assistance:referral-crime-detail", args=[referral.pk])).status_code == 404
    services.request_supervision(actor=w.clerk, referral=referral, reasons="理由不成立。")
    page = client.get(reverse("cases:detail", args=[w.case.pk]))
    assert page.status_code == 200 and w.case.number in page.content.decode()
    assert client.get(reverse("assistance:referral-crime-detail", args=[referral.pk])).status_code == 200
    assert client.get(reverse("assistance:referral-crime-pdf", args=[referral.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[w.other_case.pk])).status_code == 404
    assert client.get(reverse("cases:list")).status_code == 404
    listing = client.get(reverse("assistance:referral-list")).content.decode()
    assert w.debtor.name in listing
    # Another referral of the court, never put to the procuratorate, stays hidden.
    other = services.draft_crime_referral(actor=w.clerk, case=w.other_case,
                                          debtor=w.other_case.parties.debtors().get(), facts=FACTS, evidence=EVIDENCE)
    assert client.get(reverse("assistance:referral-crime-detail", args=[other.pk])).status_code == 404
    # The police liaison has no grant and reads no case page.
    assert _client(w.police_liaison).get(reverse("cases:detail", args=[w.case.pk])).status_code == 404
    # The case page is read only: a write stays refused.
    assert client.post(reverse("cases:status", args=[w.case.pk]), {"status": "concluded"}).status_code == 404


def test_procuratorate_reads_the_case_page_without_the_courts_other_items(w):
    """The case page read by the grant shows the case, its parties and the referral, and none of the court's items on
    that case the procuratorate may not open: a notice to another unit, the listing's restriction order, its grace.
    The court's staff and the committee still see them all."""
    from assistance.models import NoticeState
    from blacklist.grace import services as grace_services
    from blacklist.listings import services as listing_services

    from .helpers import advance, draft_notice

    bank = factories.OrganisationFactory(kind="bank", name="测试银行荔湾支行", measures=["inquiry"])
    notice = advance(draft_notice(w.clerk, w.case, bank, measure="inquiry",
                                  items=[{"property_kind": "bank_account", "description": "查询存款"}]),
                     NoticeState.SERVED, clerk=w.clerk, leader=w.leader)
    listing = listing_services.approve_listing(actor=w.leader, listing=listing_services.propose_listing(
        actor=w.clerk, debtor=w.debtor, ground=2, facts="转移财产。"))
    grace_services.grant_grace(actor=w.leader, listing=listing, promisor="debtor", promise="承诺于月底前一次履行完毕。",
                               promised_on=timezone.localdate(), instalments=[
                                   {"due_on": timezone.localdate() + datetime.timedelta(days=20), "amount": "1000"}])
    referral = _supervision(w)
    order_pdf = reverse("blacklist:restriction-pdf", args=[listing.restriction_order.pk])
    notice_page = reverse("assistance:detail", args=[notice.pk])
    hidden = (bank.name, notice_page, order_pdf, 'id="case-graces"')
    case_page = reverse("cases:detail", args=[w.case.pk])
    page = _client(w.prosecutor).get(case_page).content.decode()
    assert w.case.number in page and w.debtor.name in page
    assert reverse("assistance:referral-crime-detail", args=[referral.pk]) in page
    assert [marker for marker in hidden if marker in page] == []
    assert _client(w.prosecutor).get(notice_page).status_code == 404
    assert _client(w.prosecutor).get(order_pdf).status_code == 404
    for reader in (w.clerk, w.committee):
        page = _client(reader).get(case_page).content.decode()
        assert [marker for marker in hidden if marker not in page] == []


def test_procuratorate_answers_from_the_page(w):
    referral = _supervision(w)
    response = _client(w.prosecutor).post(
        reverse("assistance:referral-crime-action", args=[referral.pk, "supervise"]),
        {"supervise-outcome": "reasons_hold", "supervise-text": "公安机关不立案理由成立。"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.SUPERVISED and referral.supervision_outcome == "reasons_hold"


def test_pages_of_the_court_flow(w):
    clerk = _client(w.clerk)
    response = clerk.post(reverse("assistance:referral-crime-new", args=[w.case.pk]), {
        "debtor": w.debtor.pk, "police": w.police.pk, "facts": FACTS,
        "evidence": "财产报告令及送达回证｜第1-3页\n房产转让合同｜第4-9页"})
    referral = CrimeReferral.objects.get()
    assert response.status_code == 302 and referral.evidence == EVIDENCE
    assert _client(w.police_liaison).get(
        reverse("assistance:referral-crime-detail", args=[referral.pk])).status_code == 404  # a draft
    _client(w.leader).post(reverse("assistance:referral-crime-action", args=[referral.pk, "sign"]))
    clerk.post(reverse("assistance:referral-crime-action", args=[referral.pk, "send"]))
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.SENT
    page = _client(w.police_liaison).get(reverse("assistance:referral-crime-detail", args=[referral.pk]))
    assert page.status_code == 200 and "登记不予立案" in page.content.decode()
    assert _client(w.other_clerk).get(reverse("assistance:referral-crime-detail", args=[referral.pk])).status_code == 404
    assert clerk.post(reverse("assistance:referral-crime-action", args=[referral.pk, "bogus"])).status_code == 404


def test_referral_letter_pdf_lists_the_evidence(w, settings):
    settings.CRIME_REFERRAL_ANSWER_DAYS = 10
    referral = _sent(w)
    with pdfplumber.open(io.BytesIO(crime_referral_pdf(referral))) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "移送函" in text and w.police.name in text and "十日内" in text
    for line in EVIDENCE:
        assert line["name"] in text and line["description"] in text


def test_reminders_before_due_and_overdue_once_each(w):
    sent_at = timezone.now() - datetime.timedelta(days=6)
    referral = _sent(w, now=sent_at)
    referral.refresh_from_db()
    assert remind_referrals(referral.sent_at) == 0  # not yet within REFERRAL_REMIND_DAYS_BEFORE
    before = referral.due_at - datetime.timedelta(days=1)
    assert remind_referrals(before) == 1  # the police liaison
    assert remind_referrals(before) == 0
    overdue = referral.due_at + datetime.timedelta(hours=1)
    assert remind_referrals(overdue) == 2  # the police liaison and the committee
    assert remind_referrals(overdue + datetime.timedelta(days=1)) == 0
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert kinds == {"referral_sent_before", "referral_sent_overdue"}
    # Answered: nothing more.
    services.record_police_filing(actor=w.police_liaison, referral=referral, case_number="1号",
                                  filed_on=timezone.localdate())
    assert remind_referrals(overdue + datetime.timedelta(days=10)) == 0


def test_supervision_reminders_go_to_the_procuratorate(w):
    referral = _supervision(w)
    overdue = referral.supervision_due_at + datetime.timedelta(hours=1)
    assert remind_referrals(overdue) == 2
    keys = set(Reminder.objects.values_list("recipient_key", flat=True))
    assert f"user:{w.prosecutor.pk}" in keys and f"user:{w.committee.pk}" in keys
    assert remind_referrals(overdue) == 0


# ------------------------------------------------------------------------------------------------ discipline


def _flag(w):
    w.debtor.is_public_servant = True
    w.debtor.save(update_fields=["is_public_servant"])


def _discipline(w):
    return services.draft_discipline_referral(actor=w.clerk, case=w.case, party=w.debtor, facts=FACTS,
                                              evidence=EVIDENCE, ruling_number="（2025）粤0103民初4567号")


def test_discipline_referral_path_and_refusals(w):
    with pytest.raises(ApplicationError) as error:
        _discipline(w)
    assert error.value.field == "party"  # not flagged
    _flag(w)
    referral = _discipline(w)
    assert referral.unit == w.discipline
    with pytest.raises(PermissionDenied):
        services.send_discipline_referral(actor=w.clerk, referral=referral)
    with pytest.raises(PermissionDenied):
        services.send_discipline_referral(actor=w.other_leader, referral=referral)
    with pytest.raises(TransitionNotAllowed):
        services.answer_discipline_referral(actor=w.disciplinarian, referral=referral, answer="sanction", text="x")
    services.send_discipline_referral(actor=w.leader, referral=referral)
    referral.refresh_from_db()
    assert referral.state == DisciplineState.SENT and (referral.due_at - referral.sent_at).days >= 30
    with pytest.raises(PermissionDenied):
        services.answer_discipline_referral(actor=w.police_liaison, referral=referral, answer="sanction", text="x")
    with pytest.raises(ApplicationError):
        services.answer_discipline_referral(actor=w.disciplinarian, referral=referral, answer="sanction", text=" ")
    services.answer_discipline_referral(actor=w.disciplinarian, referral=referral, answer="investigation",
                                        text="已立案审查调查。")
    referral.refresh_from_db()
    assert referral.state == DisciplineState.ANSWERED and referral.answered_by == w.disciplinarian
    assert list(referral.events.values_list("action", flat=True)) == ["draft", "send", "answer"]


def test_discipline_visibility_and_reminders(w):
    _flag(w)
    referral = _discipline(w)
    unit = _client(w.disciplinarian)
    url = reverse("assistance:referral-discipline-detail", args=[referral.pk])
    assert unit.get(url).status_code == 404  # a draft
    services.send_discipline_referral(actor=w.leader, referral=referral)
    assert unit.get(url).status_code == 200
    for user in (w.police_liaison, w.prosecutor, w.other_clerk):
        assert _client(user).get(url).status_code == 404
    assert _client(w.disciplinarian).get(reverse("cases:detail", args=[w.case.pk])).status_code == 404
    referral.refresh_from_db()
    assert remind_referrals(referral.due_at - datetime.timedelta(days=1)) == 1
    assert remind_referrals(referral.due_at + datetime.timedelta(hours=1)) == 2
    assert remind_referrals(referral.due_at + datetime.timedelta(days=3)) == 0
    response = unit.post(reverse("assistance:referral-discipline-action", args=[referral.pk, "answer"]),
                         {"answer-answer": "no_action", "answer-text": "经核查不予处理。"})
    assert response.status_code == 302
    assert DisciplineReferral.objects.get().state == DisciplineState.ANSWERED


# ------------------------------------------------------------------------------------------------ API


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_police_refuses_and_procuratorate_answers(w):
    referral = _sent(w)
    police = _api(w.police_liaison)
    listed = police.get("/api/v1/crime-referrals/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [referral.pk]
    url = f"/api/v1/crime-referrals/{referral.pk}/answer/"
    assert police.post(url, {"result": "reasons_hold", "text": "x"}, format="json").status_code == 400
    assert police.post(url, {"result": "refused", "decision_number": "1号"}, format="json").status_code == 400
    response = police.post(url, {"result": "refused", "decision_number": "1号", "reasons": "证据不足。"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "refused"
    assert _api(w.prosecutor).get(f"/api/v1/crime-referrals/{referral.pk}/").status_code == 404
    services.request_supervision(actor=w.clerk, referral=referral, reasons="理由不成立。")
    prosecutor = _api(w.prosecutor)
    detail = prosecutor.get(f"/api/v1/crime-referrals/{referral.pk}/")
    assert detail.status_code == 200 and detail.json()["evidence"] == EVIDENCE
    assert police.post(url, {"result": "reasons_hold", "text": "x"}, format="json").status_code == 403
    response = prosecutor.post(url, {"result": "reasons_hold", "text": "理由成立。"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "supervised"
    assert _api(w.committee).post(url, {"result": "filed"}, format="json").status_code == 403
    assert _api(w.other_clerk).get(f"/api/v1/crime-referrals/{referral.pk}/").status_code == 404


def test_api_discipline_answer(w):
    _flag(w)
    referral = _discipline(w)
    unit = _api(w.disciplinarian)
    url = f"/api/v1/discipline-referrals/{referral.pk}/"
    assert unit.get(url).status_code == 404
    services.send_discipline_referral(actor=w.leader, referral=referral)
    assert unit.get(url).status_code == 200
    assert unit.post(url + "answer/", {"answer": "sanction"}, format="json").status_code == 400
    response = unit.post(url + "answer/", {"answer": "sanction", "text": "给予党内警告处分。"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "answered"
    assert _api(w.police_liaison).get(url).status_code == 404


def test_case_page_lists_the_referrals_and_offers_drafting(w):
    referral = _supervision(w)
    clerk_page = _client(w.clerk).get(reverse("cases:detail", args=[w.case.pk])).content.decode()
    assert reverse("assistance:referral-crime-detail", args=[referral.pk]) in clerk_page
    assert reverse("assistance:referral-crime-new", args=[w.case.pk]) in clerk_page
    prosecutor_page = _client(w.prosecutor).get(reverse("cases:detail", args=[w.case.pk])).content.decode()
    assert reverse("assistance:referral-crime-detail", args=[referral.pk]) in prosecutor_page
    assert reverse("assistance:referral-crime-new", args=[w.case.pk]) not in prosecutor_page


def test_daily_task_is_scheduled_and_reminds(w, settings):
    from assistance.tasks import remind_referrals_task

    entry = settings.CELERY_BEAT_SCHEDULE["referral-reminders"]
    assert entry["task"] == remind_referrals_task.name
    referral = _sent(w, now=timezone.now() - datetime.timedelta(days=30))
    referral.refresh_from_db()
    assert remind_referrals_task(timezone.now().isoformat()) == 2
    assert remind_referrals_task(timezone.now().isoformat()) == 0
