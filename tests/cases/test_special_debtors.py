"""Special debtors at the first chance (楚政法发〔2018〕3号 二（一）-（三）): the notification task is opened when the
case is filed, addressed to the body chosen from the roster or typed, with its level; a measure or a listing later
opens no second one; the clerk is reminded each working day until the sending is recorded (5 working days)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assistance import services as notice_services
from blacklist.listings import services as listing_services
from cases import services, special
from cases.models import SpecialDebtorNotification
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification, Reminder
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
APPLICANT = {"kind": "person", "name": "甲", "id_number": "11010519491231002X"}
DEPUTY = {"kind": "person", "name": "赵代表", "id_number": "44010319850615123X", "is_deputy": True}
COMPANY = {"kind": "organisation", "name": "某某建设有限公司", "credit_code": "91110000600037341L",
           "legal_representative": "王总"}


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def roster(court):
    """The jurisdiction's roster: a county congress, a prefecture congress, a CPPCC and the personnel department."""
    make = factories.OrganisationFactory
    return {
        "county_congress": make(jurisdiction=court.jurisdiction, kind="congress", level="county",
                                name="测试县人大常委会", code="county-congress"),
        "prefecture_congress": make(jurisdiction=court.jurisdiction, kind="congress", level="prefecture",
                                    name="测试州人大常委会", code="prefecture-congress", sort_order=5),
        "cppcc": make(jurisdiction=court.jurisdiction, kind="cppcc", level="county", name="政协测试县委员会",
                      code="county-cppcc"),
        "personnel": make(jurisdiction=court.jurisdiction, kind="personnel", level="county", name="中共测试县委组织部",
                          code="county-personnel"),
    }


def file_case(clerk, *, debtors, number="（2026）粤0103执700号", filed_on="2026-09-28"):
    return services.create_case(actor=clerk, number=number, amount="80000", basis_issuer="某院",
                                basis_number="（2025）粤0103民初7号", filed_on=filed_on, applicants=[APPLICANT],
                                debtors=debtors)


@time_machine.travel(at(2026, 9, 30, 10), tick=False)
def test_filing_a_deputy_debtor_opens_the_task_addressed_to_the_chosen_standing_committee(clerk, roster):
    case = file_case(clerk, debtors=[{**DEPUTY, "special_addressees": [
        {"kind": "deputy", "unit": "prefecture-congress"}]}])
    task = SpecialDebtorNotification.objects.get()
    assert (task.case, task.debtor.name, task.kind, task.trigger) == (case, "赵代表", "deputy", "filing")
    assert task.recipient_unit == roster["prefecture_congress"] and task.recipient == "测试州人大常委会"
    assert task.recipient_level == "prefecture" and task.subject == "debtor" and task.done_on is None
    # 5 working days from 9/30: the National Day holiday (10/1-10/7) is skipped, the make-up Saturday 10/10 counts:
    # 10/8, 10/9, 10/10, 10/12, 10/13.
    assert special.deadline_of(task).due_at == at(2026, 10, 13, 23, 59, 59)


@time_machine.travel(at(2026, 9, 30, 10), tick=False)
def test_without_a_choice_the_roster_congress_is_the_default_and_a_typed_body_needs_its_level(clerk, roster):
    file_case(clerk, debtors=[DEPUTY])
    task = SpecialDebtorNotification.objects.get()
    assert task.recipient_unit == roster["county_congress"] and task.recipient_level == "county"
    with pytest.raises(ApplicationError) as error:
        file_case(clerk, number="（2026）粤0103执701号", debtors=[{**DEPUTY, "special_addressees": [
            {"kind": "deputy", "name": "云南省人大常委会"}]}])
    assert "层级" in error.value.message
    file_case(clerk, number="（2026）粤0103执701号", debtors=[{**DEPUTY, "special_addressees": [
        {"kind": "deputy", "name": "云南省人大常委会", "level": "provincial"}]}])
    typed = SpecialDebtorNotification.objects.get(case__number="（2026）粤0103执701号")
    assert (typed.recipient, typed.recipient_unit, typed.recipient_level) == ("云南省人大常委会", None, "provincial")


def test_addressees_are_checked_against_the_roster_and_the_flags(clerk, roster, court):
    elsewhere = factories.OrganisationFactory(kind="congress", code="other-congress",
                                              jurisdiction=factories.JurisdictionFactory(code="elsewhere"))
    refusals = [
        ({**DEPUTY, "special_addressees": [{"kind": "deputy", "unit": elsewhere.code}]}, "名册"),
        ({**DEPUTY, "special_addressees": [{"kind": "deputy", "unit": "county-cppcc"}]}, "名册"),  # a CPPCC
        ({**DEPUTY, "special_addressees": [{"kind": "cppcc", "unit": "county-cppcc"}]}, "未标记为政协委员"),
        ({**DEPUTY, "special_addressees": [{"kind": "deputy", "name": "甲", "level": "galactic"}]}, "层级"),
    ]
    for debtor, words in refusals:
        with pytest.raises(ApplicationError) as error:
            file_case(clerk, debtors=[debtor])
        assert words in error.value.message
    assert not SpecialDebtorNotification.objects.exists() and not court.cases.exists()


def test_a_legal_representative_in_the_cppcc_makes_a_company_debtor_special(clerk, roster):
    file_case(clerk, debtors=[{**COMPANY, "is_cppcc_member": True}])
    task = SpecialDebtorNotification.objects.get()
    assert (task.debtor.name, task.kind, task.subject, task.subject_name) == (
        "某某建设有限公司", "cppcc", "legal_representative", "王总")
    assert task.recipient_unit == roster["cppcc"]


def test_ordinary_debtors_open_no_task_and_a_state_enterprise_goes_to_the_personnel_department(clerk, roster):
    file_case(clerk, debtors=[COMPANY, {**DEPUTY, "is_deputy": False}])
    assert not SpecialDebtorNotification.objects.exists()
    case = file_case(clerk, number="（2026）粤0103执702号", debtors=[{**COMPANY, "is_public_servant": True}])
    task = case.special_notifications.get()
    assert (task.kind, task.subject, task.recipient_unit) == ("public_servant", "debtor", roster["personnel"])
    assert task.recipient_level == ""


def test_without_a_roster_body_the_task_names_it_in_words(clerk):
    file_case(clerk, debtors=[{**COMPANY, "is_party_government_organ": True}, DEPUTY])
    organ, deputy = (SpecialDebtorNotification.objects.get(kind=kind) for kind in ("organ", "deputy"))
    assert organ.recipient == "上级机关或党委政法委" and organ.recipient_unit is None
    assert "人大常委会" in deputy.recipient and deputy.recipient_level == "county"  # the court's level


def test_a_later_measure_or_listing_opens_no_second_task(clerk, court, roster):
    case = file_case(clerk, debtors=[DEPUTY])
    deputy = case.parties.get(name="赵代表")
    unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    notice_services.draft_notices(actor=clerk, case=case, units=[unit], measure="inquiry", debtor=deputy,
                                  ruling_number="（2026）粤0103执700号",
                                  items=[{"property_kind": "bank_account", "description": "查询存款"}])
    listing_services.propose_listing(actor=clerk, debtor=deputy, ground=3, facts="转移财产")
    task = SpecialDebtorNotification.objects.get()
    assert task.trigger == "filing"


def test_a_measure_still_opens_the_task_of_a_debtor_flagged_without_one(clerk, court):
    """A case filed before the duty moved to filing: the flag is there, the task is not; the measure opens it."""
    case = file_case(clerk, debtors=[DEPUTY])
    SpecialDebtorNotification.objects.all().delete()  # as if filed before this issue
    deputy = case.parties.get(name="赵代表")
    unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    notice_services.draft_notices(actor=clerk, case=case, units=[unit], measure="inquiry", debtor=deputy,
                                  ruling_number="（2026）粤0103执700号",
                                  items=[{"property_kind": "bank_account", "description": "查询存款"}])
    assert SpecialDebtorNotification.objects.get().trigger == "measure"


def test_adding_or_flagging_a_debtor_opens_its_task_then(clerk, roster):
    case = file_case(clerk, debtors=[COMPANY])
    added = services.add_party(actor=clerk, case=case, role="debtor", **{**DEPUTY, "special_addressees": [
        {"kind": "deputy", "unit": "county-congress"}]})
    assert added.special_notifications.get().trigger == "party"
    company = case.parties.get(name="某某建设有限公司")
    with pytest.raises(PermissionDenied):
        services.set_party_flags(actor=factories.ClerkFactory(), party=company, is_deputy=True)
    services.set_party_flags(actor=clerk, party=company, is_deputy=True)
    task = company.special_notifications.get()
    assert (task.subject_name, task.trigger) == ("王总", "party")
    services.set_party_flags(actor=clerk, party=company, is_deputy=True)  # no change: nothing more
    assert SpecialDebtorNotification.objects.count() == 2


def test_recording_the_sending(clerk, roster):
    case = file_case(clerk, debtors=[DEPUTY])
    task = case.special_notifications.get()
    refusals = [
        (dict(sent_on=datetime.date.today() + datetime.timedelta(days=1), method="letter"), "通报日期"),
        (dict(sent_on=datetime.date(2026, 9, 27), method="letter"), "早于立案日期"),
        (dict(sent_on=datetime.date(2026, 9, 29), method="fax"), "通报方式"),
        (dict(sent_on=None, method="letter"), "通报日期"),
    ]
    for kwargs, words in refusals:
        with pytest.raises(ApplicationError) as error:
            special.record_sending(actor=clerk, notification=task, **kwargs)
        assert words in error.value.message
    with pytest.raises(PermissionDenied):
        special.record_sending(actor=factories.ClerkFactory(), notification=task, sent_on=datetime.date(2026, 9, 29),
                               method="letter")
    special.record_sending(actor=clerk, notification=task, sent_on=datetime.date(2026, 9, 29), method="letter",
                           document_number="（2026）粤0103执700号之二", note="函告", unit=roster["prefecture_congress"])
    task.refresh_from_db()
    assert (task.done_on, task.done_by, task.method, task.document_number) == (
        datetime.date(2026, 9, 29), clerk, "letter", "（2026）粤0103执700号之二")
    assert task.recipient == "测试州人大常委会" and task.recipient_level == "prefecture"
    with pytest.raises(TransitionNotAllowed):
        special.record_sending(actor=clerk, notification=task, sent_on=datetime.date(2026, 9, 29), method="online")
    with pytest.raises(TransitionNotAllowed):
        special.set_addressee(actor=clerk, notification=task, name="别处")


def test_the_clerk_is_reminded_each_working_day_until_the_sending_is_recorded(clerk, roster):
    with time_machine.travel(at(2026, 9, 30, 10), tick=False):
        case = file_case(clerk, debtors=[DEPUTY, {**COMPANY, "is_cppcc_member": True}])
    assert special.remind_special_notifications(at(2026, 9, 30, 7)) == 0  # before the reminder hour
    assert special.remind_special_notifications(at(2026, 9, 30, 9)) == 2
    assert special.remind_special_notifications(at(2026, 9, 30, 15)) == 0  # the same day: nothing twice
    assert special.remind_special_notifications(at(2026, 10, 3, 9)) == 0  # National Day holiday
    assert special.remind_special_notifications(at(2026, 10, 10, 9)) == 2  # make-up working Saturday
    titles = list(Notification.objects.filter(recipient=clerk).values_list("title", flat=True))
    assert len(titles) == 4 and all("特殊主体待通报" in title for title in titles)
    deputy_task = case.special_notifications.get(kind="deputy")
    special.record_sending(actor=clerk, notification=deputy_task, sent_on=datetime.date(2026, 10, 9),
                           method="online")
    assert special.remind_special_notifications(at(2026, 10, 15, 9)) == 1  # only the CPPCC task is left
    overdue = Notification.objects.filter(recipient=clerk).order_by("-id").first()
    assert "已逾期" in overdue.title and "政协测试县委员会" in overdue.body and "王总" in overdue.body
    assert Reminder.objects.filter(object_id=deputy_task.pk).count() == 2
    services.set_case_status(actor=clerk, case=case, status="concluded", reason="已履行完毕")
    assert special.remind_special_notifications(at(2026, 10, 16, 9)) == 0  # a concluded case: nothing to urge


def test_case_page_shows_the_tasks_and_records_the_sending(client_for, clerk, leader, roster, court):
    case = file_case(clerk, debtors=[DEPUTY])
    task = case.special_notifications.get()
    url = reverse("cases:special-notification", args=[case.pk, task.pk])
    page = client_for(clerk).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "特殊主体通报" in page and "测试县人大常委会" in page and "待通报" in page and "记录通报" in page
    leader_page = client_for(leader).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "测试县人大常委会" in leader_page and "记录通报" not in leader_page
    prefix = f"special{task.pk}"
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client_for(clerk).post(url, {f"{prefix}-done_on": future, f"{prefix}-method": "letter",
                                            "action": "record"}, follow=True)
    assert "通报日期" in response.content.decode()
    task.refresh_from_db()
    assert task.done_on is None
    client_for(clerk).post(url, {f"{prefix}-unit": roster["prefecture_congress"].pk, "action": "address"})
    task.refresh_from_db()
    assert task.recipient == "测试州人大常委会" and task.done_on is None
    # Another court's clerk: 404; the court's leader sees the case but does not act: refused, nothing written.
    assert client_for(factories.ClerkFactory()).post(url, {"action": "record"}).status_code == 404
    refused = client_for(leader).post(url, {f"{prefix}-done_on": "2026-09-29", f"{prefix}-method": "letter",
                                            "action": "record"}, follow=True)
    assert "只有本院执行员" in refused.content.decode()
    task.refresh_from_db()
    assert task.done_on is None
    other_case = file_case(clerk, number="（2026）粤0103执703号", debtors=[COMPANY])
    wrong_case = reverse("cases:special-notification", args=[other_case.pk, task.pk])
    assert client_for(clerk).post(wrong_case, {"action": "record"}).status_code == 404
    response = client_for(clerk).post(url, {f"{prefix}-done_on": "2026-09-29", f"{prefix}-method": "in_person",
                                            f"{prefix}-document_number": "粤0103执函〔2026〕5号", "action": "record"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == datetime.date(2026, 9, 29) and task.method == "in_person"
    page = client_for(clerk).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "以当面通报方式通报" in page and "粤0103执函〔2026〕5号" in page


def test_api_files_with_addressees_exposes_tasks_and_records(api_for, clerk, roster, committee_user):
    api = api_for(clerk)
    response = api.post("/api/v1/cases/", {
        "number": "（2026）粤0103执710号", "amount": "1000", "basis_issuer": "某院", "basis_number": "（2025）粤0103民初1号",
        "filed_on": "2026-09-28", "applicants": [APPLICANT],
        "debtors": [{**COMPANY, "is_cppcc_member": True,
                     "special_addressees": [{"kind": "cppcc", "name": "政协云南省委员会", "level": "provincial"}]}],
    }, format="json")
    assert response.status_code == 201, response.json()
    [task] = response.json()["special_notifications"]
    assert (task["kind"], task["subject"], task["subject_name"], task["recipient"], task["recipient_level"],
            task["trigger"], task["done_on"]) == ("cppcc", "legal_representative", "王总", "政协云南省委员会",
                                                  "provincial", "filing", None)
    assert task["due_at"] and task["overdue"] in (True, False)
    case_id = response.json()["id"]
    record = f"/api/v1/cases/{case_id}/special-notifications/{task['id']}/record/"
    future = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    refused = api.post(record, {"done_on": future, "method": "letter"}, format="json")
    assert refused.status_code == 400 and "done_on" in refused.json()
    assert api_for(factories.ClerkFactory()).post(record, {"done_on": "2026-09-29", "method": "letter"},
                                                  format="json").status_code == 404
    elsewhere = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(
        jurisdiction=factories.JurisdictionFactory(code="elsewhere")))
    assert api_for(elsewhere).get(f"/api/v1/cases/{case_id}/").status_code == 404
    assert api_for(committee_user).get(f"/api/v1/cases/{case_id}/").json()["special_notifications"][0]["id"] == task["id"]
    assert api_for(committee_user).post(record, {"done_on": "2026-09-29", "method": "letter"},
                                        format="json").status_code == 403
    done = api.post(record, {"done_on": "2026-09-29", "method": "online", "document_number": "楚中法函〔2026〕1号"},
                    format="json")
    assert done.status_code == 200
    assert done.json()["special_notifications"][0]["method"] == "online"
    assert api.post(record, {"done_on": "2026-09-29", "method": "letter"}, format="json").status_code == 409
    assert api.get(f"/api/v1/cases/{case_id}/").json()["special_notifications"][0]["done_on"] == "2026-09-29"
    # A flag set later through the party route opens the task then.
    party_id = api.get(f"/api/v1/cases/{case_id}/").json()["debtors"][0]["id"]
    flagged = api.patch(f"/api/v1/cases/{case_id}/parties/{party_id}/", {"is_public_servant": True}, format="json")
    assert flagged.status_code == 200
    assert {t["kind"] for t in flagged.json()["special_notifications"]} == {"cppcc", "public_servant"}


def test_filing_through_the_case_form_opens_the_tasks(client_for, clerk, roster):
    from tests.cases.test_pages import case_post

    response = client_for(clerk).post(reverse("cases:create"), case_post(**{"debtors-0-is_deputy": "on"}))
    assert response.status_code == 302
    tasks = {task.kind: task for task in SpecialDebtorNotification.objects.select_related("debtor")}
    assert tasks["deputy"].debtor.name == "王堃" and tasks["deputy"].recipient_unit == roster["county_congress"]
    assert tasks["public_servant"].debtor.name == "某某贸易有限公司"
    assert tasks["public_servant"].recipient == "中共测试县委组织部"
    assert {task.trigger for task in tasks.values()} == {"filing"}


def test_the_daily_scan_is_on_the_static_beat_schedule_and_the_task_calls_the_service(settings, clerk, roster):
    entry = settings.CELERY_BEAT_SCHEDULE["special-notification-reminders"]
    assert entry["task"] == "cases.tasks.remind_special_notifications"
    from cases.tasks import remind_special_notifications_task

    with time_machine.travel(at(2026, 9, 30, 10), tick=False):
        file_case(clerk, debtors=[DEPUTY])
        assert remind_special_notifications_task() == 1
        assert remind_special_notifications_task() == 0
