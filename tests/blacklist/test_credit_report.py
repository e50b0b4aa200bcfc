"""The judicial credit report (issue 22 item 5, 云府 item 17): for a constructed case, the JSON has every section with
its exact figures and the PDF shows every section heading and the same figures; concluding a case generates one
report per party; regenerating makes a new one; only the case's court (and the party, after the public check in its
session) can read it."""

import datetime
import io
import time
from decimal import Decimal

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import timezone

from blacklist.credit_report import services
from blacklist.credit_report.content import SECTIONS, build_report
from blacklist.credit_report.documents import SECTION_TITLES, credit_report_pdf, display_date
from blacklist.listings import services as listing_services
from blacklist.models import (
    CreditRepair,
    CreditReport,
    GraceInstalment,
    GracePeriod,
    ListingEvent,
)
from cases import services as case_services
from cases.abuse import record_abuse_finding, withdraw_abuse_finding
from cases.models import Case, Party
from linkage.numerals import arabic_date, chinese_ordinal
from tests import factories
from tests.assistance.helpers import file_case

pytestmark = pytest.mark.django_db

CERTIFICATE = "（2026）粤0103执信修1号"


def pdf_text(content):
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "".join("".join((page.extract_text() or "").split()) for page in pdf.pages)


def cn(iso):
    return arabic_date(datetime.date.fromisoformat(iso))


@pytest.fixture
def world(clerk, leader):
    """A case of 386500.00 yuan with 120000.50 performed; its debtor published (decided 2026-11-20) then deleted on
    the credit-repair ground (its restriction order lifted with it), a grace of two instalments (one paid), a
    granted credit repair with its certificate, and two abuse findings (one withdrawn)."""
    case = file_case(clerk)
    Case.objects.filter(pk=case.pk).update(performed_amount=Decimal("120000.50"))
    debtor = Party.objects.get(pk=case.parties.debtors().get().pk)  # with the case as updated
    listing = listing_services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产规避执行。",
                                               decided_on=datetime.date(2026, 11, 20))
    listing = listing_services.approve_listing(actor=leader, listing=listing, reason="同意。")
    grace = GracePeriod.objects.create(
        listing=listing, promise="分两期履行。", promised_on=datetime.date(2026, 11, 21),
        starts_on=datetime.date(2026, 11, 21), ends_on=datetime.date(2027, 2, 21), was_published=True,
        state="fulfilled", granted_by=leader, ended_at=timezone.now())
    GraceInstalment.objects.create(grace=grace, number=1, due_on=datetime.date(2026, 11, 30), amount="50000.00",
                                   paid_on=datetime.date(2026, 11, 29), paid_amount="50000.00", recorded_by=clerk)
    GraceInstalment.objects.create(grace=grace, number=2, due_on=datetime.date(2026, 12, 31), amount="70000.50")
    CreditRepair.objects.create(
        listing=listing, ground="security", channel="paper", applicant_name="王堃", phone="13800000000",
        statement="已提供担保。", received_on=datetime.date(2026, 12, 1), due_at=timezone.now(), received_by=clerk,
        state="granted", outcome="deleted", decided_by=leader, decided_at=timezone.now(), decision_reason="准予。",
        certificate_number=CERTIFICATE)
    listing = listing_services.delete_listing(actor=clerk, listing=listing, ground="credit_repaired",
                                              arose_on=timezone.localdate(), reason="准予信用修复。")
    kept = record_abuse_finding(actor=clerk, party=debtor, kind="sham_lease", facts="倒签租赁合同对抗拍卖。",
                                ruling_number="（2026）粤5302民初12号", ruled_on="2026-05-06", ruling_court="云浮市云城区人民法院")
    withdrawn = record_abuse_finding(actor=clerk, party=debtor, kind="forged_evidence", facts="伪造收条。",
                                     ruling_number="（2026）粤5302民初99号", ruled_on="2026-06-07", ruling_court="某院")
    withdraw_abuse_finding(actor=clerk, finding=withdrawn, reason="错误登记。")
    return {"case": case, "debtor": debtor, "listing": listing, "kept": kept}


def test_the_json_has_every_section_and_the_exact_figures(world):
    debtor, listing = world["debtor"], world["listing"]
    data = build_report(debtor)
    assert tuple(data) == SECTIONS
    assert data["party"]["name"] == "王堃" and data["party"]["identifier"] == debtor.id_number
    assert data["party"]["role_display"] == "被执行人"
    assert data["case"] == {"number": "（2026）粤0103执1234号", "court": world["case"].court.name,
                            "filed_on": "2026-03-02", "basis": "广州市荔湾区人民法院（2025）粤0103民初4567号",
                            "basis_issuer": "广州市荔湾区人民法院", "basis_number": "（2025）粤0103民初4567号",
                            "status": "in_progress", "status_display": "执行中"}
    assert data["performance"] == {"amount": "386500.00", "performed": "120000.50", "unperformed": "266499.50"}
    (row,) = data["listings"]
    today = timezone.localdate().isoformat()
    assert (row["ground"], row["state"], row["state_display"]) == (3, "deleted", "已删除")
    assert (row["decided_on"], row["published_on"], row["ended_on"]) == ("2026-11-20", today, today)
    assert row["ends_on"] == listing.ends_on.isoformat()
    assert (row["performed"], row["unperformed"]) == ("120000.50", "266499.50")  # as published
    assert row["deletion_ground_display"] == "被执行人申请信用修复，经人民法院审查准予提前删除"
    assert [event["action"] for event in row["history"]] == list(
        ListingEvent.objects.filter(listing=listing).order_by("at", "id").values_list("action", flat=True))
    assert [event["action_display"] for event in row["history"]][:2] == ["提请纳入", "批准发布"]
    assert row["history"][-1]["action"] == "delete" and row["history"][-1]["reason"] == "准予信用修复。"
    (order,) = data["restriction_orders"]
    assert (order["issued_on"], order["state"], order["lifted_on"]) == (today, "lifted", today)
    (grace,) = data["graces"]
    assert (grace["starts_on"], grace["ends_on"], grace["state_display"]) == ("2026-11-21", "2027-02-21", "已按承诺履行")
    assert (grace["promised_total"], grace["paid_total"]) == ("120000.50", "50000.00")
    assert grace["instalments"] == [
        {"number": 1, "due_on": "2026-11-30", "amount": "50000.00", "paid_on": "2026-11-29", "paid_amount": "50000.00"},
        {"number": 2, "due_on": "2026-12-31", "amount": "70000.50", "paid_on": None, "paid_amount": None},
    ]
    (repair,) = data["credit_repairs"]
    assert (repair["ground_display"], repair["received_on"], repair["state_display"], repair["decided_on"],
            repair["outcome_display"], repair["certificate_number"]) == (
        "已提供有效担保", "2026-12-01", "准予信用修复", today, "提前删除失信信息", CERTIFICATE)
    assert data["abuse_findings"] == [{
        "id": world["kept"].pk, "kind": "sham_lease", "kind_display": "虚假租赁", "facts": "倒签租赁合同对抗拍卖。",
        "ruling_number": "（2026）粤5302民初12号", "ruled_on": "2026-05-06", "ruling_court": "云浮市云城区人民法院"}]


def test_an_applicant_has_empty_sections(world):
    applicant = world["case"].parties.applicants().get()
    data = build_report(applicant)
    assert data["performance"]["amount"] == "386500.00"
    assert all(data[key] == [] for key in ("listings", "restriction_orders", "graces", "credit_repairs",
                                           "abuse_findings"))


def test_the_pdf_shows_every_section_and_the_same_figures(world, clerk):
    report = services.regenerate_report(actor=clerk, party=world["debtor"])
    text = pdf_text(credit_report_pdf(report))
    for index, (_, title) in enumerate(SECTION_TITLES, start=1):
        assert f"{chinese_ordinal(index)}、{title}" in text, title
    data = report.data
    listing, grace, repair = data["listings"][0], data["graces"][0], data["credit_repairs"][0]
    finding = data["abuse_findings"][0]
    generated = "".join(display_date(timezone.localtime(report.generated_at).isoformat()).split())  # Beijing time
    expected = [
        report.number, generated, "王堃", data["party"]["identifier"], "（2026）粤0103执1234号", cn("2026-03-02"),
        "广州市荔湾区人民法院（2025）粤0103民初4567号", "386500.00元", "120000.50元", "266499.50元",
        listing["ground_display"], cn(listing["decided_on"]), cn(listing["published_on"]), cn(listing["ends_on"]),
        "提请纳入", "批准发布", "准予信用修复。", cn(data["restriction_orders"][0]["issued_on"]), "已解除",
        cn(grace["starts_on"]), cn(grace["ends_on"]), "承诺履行合计120000.50元，已履行合计50000.00元",
        "第1期", cn("2026-11-30"), "50000.00元", cn("2026-11-29"), "第2期", "70000.50元",
        repair["ground_display"], cn(repair["received_on"]), "准予信用修复", CERTIFICATE,
        finding["kind_display"], finding["ruling_number"], cn(finding["ruled_on"]), finding["ruling_court"],
    ]
    for fragment in expected:
        assert fragment in text, fragment
    assert "（2026）粤5302民初99号" not in text  # the withdrawn finding


def test_an_empty_section_says_none(world, clerk):
    applicant = world["case"].parties.applicants().get()
    text = pdf_text(credit_report_pdf(services.regenerate_report(actor=clerk, party=applicant)))
    for _, title in SECTION_TITLES[3:]:
        assert f"{title}无" in text, title


def test_concluding_the_case_generates_one_report_per_party(world, clerk):
    case = world["case"]
    case_services.set_case_status(actor=clerk, case=case, status="suspended", reason="中止。")
    assert not CreditReport.objects.exists()
    case_services.set_case_status(actor=clerk, case=case, status="concluded", reason="已履行完毕。")
    reports = CreditReport.objects.order_by("id")
    assert sorted(report.party_id for report in reports) == sorted(case.parties.values_list("pk", flat=True))
    assert {report.reason for report in reports} == {"concluded"}
    debtor_report = reports.get(party=world["debtor"])
    assert debtor_report.data["case"]["status"] == "concluded" and debtor_report.generated_by == clerk


def test_regenerating_makes_a_new_report_and_keeps_the_old(world, clerk, leader):
    debtor = world["debtor"]
    first = services.regenerate_report(actor=clerk, party=debtor)
    Case.objects.filter(pk=debtor.case_id).update(performed_amount=Decimal("386500.00"))
    second = services.regenerate_report(actor=leader, party=debtor)
    assert second.pk != first.pk and second.number != first.number
    assert services.latest_report(debtor) == second
    first.refresh_from_db()
    assert first.data["performance"]["unperformed"] == "266499.50"  # frozen as generated
    assert second.data["performance"]["unperformed"] == "0.00"


def test_only_the_courts_staff_regenerate(world, liaison, committee_user):
    other = factories.ClerkFactory(organisation=factories.CourtFactory())
    for actor in (other, liaison, committee_user):
        with pytest.raises(Exception) as refused:
            services.regenerate_report(actor=actor, party=world["debtor"])
        assert getattr(refused.value, "status_code", None) == 403
    assert not CreditReport.objects.exists()


# ------------------------------------------------------------------------------------------------ API and pages


def test_the_api_serves_the_latest_and_regenerates(world, clerk, api_for):
    debtor = world["debtor"]
    api = api_for(clerk)
    url = f"/api/v1/parties/{debtor.pk}/credit-report/"
    first = api.get(url)
    assert first.status_code == 200 and CreditReport.objects.count() == 1
    body = first.json()
    assert body["performance"] == {"amount": "386500.00", "performed": "120000.50", "unperformed": "266499.50"}
    assert body["graces"][0]["paid_total"] == "50000.00" and body["abuse_findings"][0]["ruled_on"] == "2026-05-06"
    assert body["credit_repairs"][0]["certificate_number"] == CERTIFICATE
    assert api.get(url).json()["number"] == body["number"]  # the latest, not a new one
    created = api.post(url)
    assert created.status_code == 201 and created.json()["number"] != body["number"]
    assert created.json()["reason"] == "requested" and CreditReport.objects.count() == 2
    pdf = api.get(f"/api/v1/parties/{debtor.pk}/credit-report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert created.json()["number"] in pdf_text(pdf.content)


def test_others_get_404_from_the_api(world, api_for, liaison):
    debtor = world["debtor"]
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(
        jurisdiction=world["case"].court.jurisdiction))
    other = factories.ClerkFactory(organisation=factories.CourtFactory())
    for user in (other, liaison, committee):
        api = api_for(user)
        assert api.get(f"/api/v1/parties/{debtor.pk}/credit-report/").status_code == 404
        assert api.get(f"/api/v1/parties/{debtor.pk}/credit-report.pdf").status_code == 404
        assert api.post(f"/api/v1/parties/{debtor.pk}/credit-report/").status_code in (403, 404)
    assert not CreditReport.objects.exists()


def test_the_case_page_offers_the_report_to_the_court(world, clerk, client_for):
    client = client_for(clerk)
    debtor = world["debtor"]
    response = client.post(reverse("blacklist:credit-report-regenerate", args=[debtor.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#credit-reports")
    report = CreditReport.objects.get()
    page = client.get(reverse("cases:detail", args=[world["case"].pk])).content.decode()
    assert "司法信用报告" in page and report.number in page
    pdf = client.get(reverse("blacklist:credit-report-pdf", args=[debtor.pk]))
    assert pdf.status_code == 200 and report.number in pdf_text(pdf.content)


def test_other_court_liaison_and_committee_get_404_on_the_pages(world, client_for, liaison):
    debtor = world["debtor"]
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(
        jurisdiction=world["case"].court.jurisdiction))
    other = factories.ClerkFactory(organisation=factories.CourtFactory())
    for user in (other, liaison, committee):
        client = client_for(user)
        assert client.get(reverse("blacklist:credit-report-pdf", args=[debtor.pk])).status_code == 404
        assert client.post(reverse("blacklist:credit-report-regenerate", args=[debtor.pk])).status_code == 404
    page = client_for(committee).get(reverse("cases:detail", args=[world["case"].pk])).content.decode()
    assert 'id="credit-reports"' not in page
    assert not CreditReport.objects.exists()


def test_the_public_pdf_needs_the_check_in_this_session(world, client):
    debtor = world["debtor"]
    url = reverse("blacklist:public-credit-report", args=[debtor.pk])
    assert client.get(url).status_code == 404
    session = client.session
    session["credit_access"] = {str(debtor.pk): time.time() + 600}
    session.save()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "司法信用报告" in text and "266499.50元" in text
    other = world["case"].parties.applicants().get()
    assert client.get(reverse("blacklist:public-credit-report", args=[other.pk])).status_code == 404
    session = client.session
    session["credit_access"] = {str(debtor.pk): time.time() - 1}
    session.save()
    assert client.get(url).status_code == 404


def test_a_credit_platform_reads_concluded_cases_reports_without_the_abuse_findings(world, clerk, api_for, liaison):
    """A joint-punishment unit (credit platform) of the court's jurisdiction reads, read only, the latest report of
    a concluded case's parties, the courts-only findings withheld and said so; before the conclusion, from another
    jurisdiction, or as a unit that does not punish, it is a 404; it never generates nor regenerates one."""
    debtor, case = world["debtor"], world["case"]
    jurisdiction = case.court.jurisdiction
    platform = factories.LiaisonFactory(organisation=factories.OrganisationFactory(
        jurisdiction=jurisdiction, measures=["publish"]))
    elsewhere = factories.LiaisonFactory(organisation=factories.OrganisationFactory(
        jurisdiction=factories.JurisdictionFactory(code="other", name="另一辖区"), measures=["publish"]))
    url = f"/api/v1/parties/{debtor.pk}/credit-report/"
    services.regenerate_report(actor=clerk, party=debtor)  # a report of the open case, on the court's request
    assert api_for(platform).get(url).status_code == 404
    case_services.set_case_status(actor=clerk, case=case, status="concluded", reason="已履行完毕。")
    court_body = api_for(clerk).get(url).json()
    assert court_body["abuse_findings"] and court_body["abuse_findings_withheld"] is False
    before = CreditReport.objects.count()
    answer = api_for(platform).get(url)
    assert answer.status_code == 200
    body = answer.json()
    assert body["number"] == court_body["number"] and body["reason"] == "concluded"
    assert body["abuse_findings"] == [] and body["abuse_findings_withheld"] is True
    assert body["performance"] == court_body["performance"] and body["listings"] == court_body["listings"]
    assert body["credit_repairs"] == court_body["credit_repairs"] and body["graces"] == court_body["graces"]
    assert api_for(platform).get(f"/api/v1/parties/{debtor.pk}/credit-report.pdf").status_code == 404
    assert api_for(platform).post(url).status_code in (403, 404)
    for user in (elsewhere, liaison):
        assert api_for(user).get(url).status_code == 404
    assert CreditReport.objects.count() == before
