"""The yearly accountability documents (issue 23, 云浮 items 6, 8, 22) from a constructed year: cases filed in and
around 2025, an organ still unpaid past its six-month line, one paid in time, one concluded late in the year, one
concluded after the year's end, one not yet due, one settled before the year, one of another jurisdiction's court,
one with a non-organ debtor; public-official debtors open and settled. The ledger and the reports must list exactly
the expected organs and cases; drafts are edited, issuing freezes and numbers; the PDFs carry the rows."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pdfplumber
import pytest
import time_machine
from django.urls import reverse

from assessment import accountability as services
from assessment import accountability_record as record
from assessment.accountability_documents import pdf_context
from assessment.accountability_models import AccountabilityDocument
from cases import services as case_services
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification
from linkage.pdf import render_pdf
from tests import factories
from tests.assistance_factories import CaseFactory, DebtorFactory, OrganisationDebtorFactory

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at(2026, 2, 10)  # the report of 2025 is made in February 2026


@pytest.fixture
def world():
    w = {}
    w["j1"] = factories.JurisdictionFactory(code="yf", name="云城区")
    w["j2"] = factories.JurisdictionFactory(code="xx", name="新兴县")
    w["court"] = factories.CourtFactory(jurisdiction=w["j1"], name="云城区人民法院", short_name="云城法院")
    w["court2"] = factories.CourtFactory(jurisdiction=w["j2"], name="新兴县人民法院", short_name="新兴法院")
    w["committee_org"] = factories.CommitteeFactory(jurisdiction=w["j1"])
    w["personnel"] = factories.OrganisationFactory(jurisdiction=w["j1"], kind="personnel", name="云城区委组织部",
                                                   short_name="区委组织部")
    w["police"] = factories.OrganisationFactory(jurisdiction=w["j1"], kind="police")
    w["street_j2"] = factories.OrganisationFactory(jurisdiction=w["j2"], kind="subdistrict", level="township",
                                                   name="新城街道办事处", short_name="新城街道")
    w["clerk"] = factories.ClerkFactory(organisation=w["court"])
    w["leader"] = factories.LeaderFactory(organisation=w["court"])
    w["clerk2"] = factories.ClerkFactory(organisation=w["court2"])
    w["committee"] = factories.CommitteeUserFactory(organisation=w["committee_org"])
    w["personnel_liaison"] = factories.LiaisonFactory(organisation=w["personnel"], liaison_role="A")
    w["police_liaison"] = factories.LiaisonFactory(organisation=w["police"], liaison_role="A")
    return w


def _case(w, name, filed, *, court=None, organ=True, concluded=None, paid=None, subdistrict=None, **flags):
    court = court or w["court"]
    with time_machine.travel(at(filed.year, filed.month, filed.day), tick=False):
        case = CaseFactory(court=court, filed_on=filed, amount=Decimal("500000.00"))
        factory = OrganisationDebtorFactory if organ or flags.get("kind") == "organisation" else DebtorFactory
        flags.pop("kind", None)
        factory(case=case, name=name, is_party_government_organ=organ, subdistrict=subdistrict, **flags)
    if paid:
        with time_machine.travel(paid, tick=False):
            case.performed_amount = case.amount
            case.save()
    if concluded:
        clerk = w["clerk"] if court == w["court"] else w["clerk2"]
        with time_machine.travel(concluded, tick=False):
            case = case_services.set_case_status(actor=clerk, case=case, status="concluded", reason="执行完毕。")
    return case


@pytest.fixture
def year(world):
    w = world
    d = datetime.date
    w["unpaid"] = _case(w, "新城住建局", d(2024, 9, 1), subdistrict=w["street_j2"])  # line 2025-03-01, still open
    w["paid_in_time"] = _case(w, "城区交通局", d(2025, 3, 10), paid=at(2025, 6, 1))  # line 2025-09-10
    w["late"] = _case(w, "城区自然资源局", d(2025, 2, 1), concluded=at(2025, 10, 15))  # line 2025-08-01
    w["after_year"] = _case(w, "城区教育局", d(2024, 12, 1), concluded=at(2026, 1, 20))  # line 2025-06-01
    w["not_due"] = _case(w, "城区民政局", d(2025, 9, 1))  # line 2026-03-01
    w["before_year"] = _case(w, "城区水务局", d(2023, 1, 5), concluded=at(2024, 5, 1))
    w["elsewhere"] = _case(w, "新兴县财政局", d(2024, 6, 1), court=w["court2"])
    w["company"] = _case(w, "某某建设有限公司", d(2024, 6, 1), organ=False, kind="organisation")
    # public officials (and those who are not on the list)
    w["official"] = _case(w, "张公务", d(2025, 4, 1), organ=False, is_public_servant=True)
    w["official_settled"] = _case(w, "李公务", d(2025, 4, 1), organ=False, is_public_servant=True,
                                  concluded=at(2025, 11, 3))
    w["official_next_year"] = _case(w, "王公务", d(2026, 1, 5), organ=False, is_public_servant=True)
    w["soe"] = _case(w, "某国有公司", d(2025, 4, 1), organ=False, kind="organisation", is_public_servant=True)
    w["deputy"] = _case(w, "赵代表", d(2025, 4, 1), organ=False, is_deputy=True)
    w["official_elsewhere"] = _case(w, "钱公务", d(2025, 4, 1), organ=False, is_public_servant=True,
                                    court=w["court2"])
    return w


def names(rows):
    return sorted(getattr(r, "debtor_name", None) or r.party.name for r in rows)


@time_machine.travel(NOW, tick=False)
def test_the_ledger_lists_every_organ_of_the_court_and_marks_the_overdue(year):
    w = year
    lines = record.ledger(services.ledger_cases(w["clerk"]))
    assert names(lines) == sorted(["新城住建局", "城区交通局", "城区自然资源局", "城区教育局", "城区民政局", "城区水务局"])
    by_name = {line.party.name: line for line in lines}
    assert [n for n, line in by_name.items() if line.overdue] == ["新城住建局"]
    unpaid = by_name["新城住建局"]
    assert unpaid.due_on == datetime.date(2025, 3, 1) and unpaid.days_open == (datetime.date(2026, 2, 10)
                                                                                - datetime.date(2024, 9, 1)).days
    assert unpaid.district == w["j2"] and by_name["城区民政局"].district == w["j1"]
    assert by_name["城区民政局"].standing == "在法定期限内" and by_name["城区交通局"].standing == "已履行完毕或结案"
    # the committee sees its jurisdiction's courts' organs, court 2's clerk only its own
    assert len(record.ledger(services.ledger_cases(w["committee"]))) == 6
    assert names(record.ledger(services.ledger_cases(w["clerk2"]))) == ["新兴县财政局"]


@time_machine.travel(NOW, tick=False)
def test_the_ledger_page_is_the_courts_and_the_committees_only(year, client):
    w = year
    client.force_login(w["clerk"])
    page = client.get(reverse("assessment:organs-ledger") + "?overdue=1").content.decode()
    assert "新城住建局" in page and "城区民政局" not in page and "新兴县财政局" not in page
    for user in (w["police_liaison"], w["personnel_liaison"]):
        client.force_login(user)
        assert client.get(reverse("assessment:organs-ledger")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_organs_report_lists_exactly_the_organs_overdue_in_the_year(year):
    w = year
    report = services.generate(actor=w["clerk"], kind="organs_report", year=2025)
    rows = {r.debtor_name: r for r in report.rows.all()}
    assert sorted(rows) == sorted(["新城住建局", "城区自然资源局", "城区教育局"])
    assert rows["新城住建局"].deductible and rows["新城住建局"].district_name == "新兴县"
    assert rows["城区教育局"].deductible and rows["城区教育局"].standing == "逾期未履行"
    assert not rows["城区自然资源局"].deductible and rows["城区自然资源局"].standing.startswith("逾期后于2025年10月15日")
    assert rows["新城住建局"].unperformed == Decimal("500000.00") and report.addressee == "云城区党委、云城区人民政府"
    # the other court's report of the same year has only its own organ
    other = services.generate(actor=w["clerk2"], kind="organs_report", year=2025)
    assert [r.debtor_name for r in other.rows.all()] == ["新兴县财政局"]
    # the year before: only the organ whose line fell in 2024
    with pytest.raises(ApplicationError):
        services.generate(actor=w["clerk"], kind="organs_report", year=2025)  # one draft at a time
    earlier = services.generate(actor=w["clerk"], kind="organs_report", year=2024)
    assert sorted(r.debtor_name for r in earlier.rows.all()) == ["城区水务局"]


@time_machine.travel(NOW, tick=False)
def test_editing_before_issue_then_issuing_freezes_and_numbers(year):
    w = year
    report = services.generate(actor=w["clerk"], kind="organs_report", year=2025)
    row = report.rows.get(debtor_name="城区教育局")
    with pytest.raises(ApplicationError):
        services.edit_row(actor=w["committee"], document=report, row_id=row.pk, excluded=True, reason="")
    services.edit_row(actor=w["committee"], document=report, row_id=row.pk, excluded=True,
                      reason="已于2026年1月履行完毕。")
    services.edit_row(actor=w["clerk"], document=report, row_id=report.rows.get(debtor_name="新城住建局").pk,
                      remark="已约谈")
    services.edit(actor=w["clerk"], document=report, title="关于2025年度行政机关不履行生效裁判情况的报告",
                  addressee="中共云城区委、云城区人民政府", body="现报告如下。")
    with pytest.raises(PermissionDenied):
        services.issue(actor=w["clerk"], document=report)  # a leader signs it off
    with pytest.raises(PermissionDenied):
        services.edit(actor=w["clerk2"], document=report, title="x", addressee="x", body="x")
    report = services.issue(actor=w["leader"], document=report)
    # the number is the court's next in its register (linkage.document_numbers), the year of issue (2026)
    assert report.number == "云城法院〔2026〕1号" and report.state == "issued"
    assert [r.debtor_name for r in services.printed_rows(report)] == ["新城住建局", "城区自然资源局"]
    with pytest.raises(TransitionNotAllowed):
        services.edit_row(actor=w["clerk"], document=report, row_id=row.pk, remark="印发后")
    with pytest.raises(TransitionNotAllowed):
        services.issue(actor=w["leader"], document=report)
    assert list(report.events.values_list("action", flat=True)) == ["generate", "edit_row", "edit_row", "edit", "issue"]

    # the deduction letter: from the issued report, the rows still unperformed at the year's end, not excluded
    letter = services.generate(actor=w["clerk"], kind="deduction_letter", year=2025)
    assert letter.source == report and [r.debtor_name for r in letter.rows.all()] == ["新城住建局"]
    assert [(name, organs) for name, _, organs in services.by_district(letter.rows.all())] == [("新兴县", 1)]
    letter = services.issue(actor=w["leader"], document=letter)
    assert letter.number == "云城法院〔2026〕2号"
    # one series per court and year of issue: the 2024 report issued now takes the next number
    other = services.issue(actor=w["leader"], document=services.generate(actor=w["clerk"], kind="organs_report",
                                                                         year=2024))
    assert other.number == "云城法院〔2026〕3号"
    from linkage.document_numbers import number_for
    assert number_for(other.number_subject) == other.number
    with time_machine.travel(at(2027, 1, 5), tick=False):  # a new year of issue starts at 1
        later = services.issue(actor=w["leader"], document=services.generate(actor=w["clerk"], kind="officials_list",
                                                                             year=2026))
    assert later.number == "云城法院〔2027〕1号"
    assert AccountabilityDocument.objects.filter(court=w["court"], year=2025).count() == 2


@time_machine.travel(NOW, tick=False)
def test_a_deduction_letter_needs_an_issued_report(year):
    w = year
    services.generate(actor=w["clerk"], kind="organs_report", year=2025)
    with pytest.raises(ApplicationError, match="请先印发"):
        services.generate(actor=w["clerk"], kind="deduction_letter", year=2025)


@time_machine.travel(NOW, tick=False)
def test_the_officials_list_goes_to_the_personnel_department_only(year, client):
    w = year
    draft = services.generate(actor=w["clerk"], kind="officials_list", year=2025)
    assert [r.debtor_name for r in draft.rows.all()] == ["张公务"]
    assert draft.addressee_unit == w["personnel"] and draft.addressee == "云城区委组织部"
    url = reverse("assessment:accountability-detail", args=[draft.pk])
    client.force_login(w["personnel_liaison"])
    assert client.get(url).status_code == 404  # not before it is issued
    with pytest.raises(PermissionDenied):
        services.edit(actor=w["committee"], document=draft, title="x", addressee="x", body="x")
    issued = services.issue(actor=w["leader"], document=draft)
    assert Notification.objects.filter(recipient=w["personnel_liaison"], kind="officials_list_issued").count() == 1
    assert "张公务" in client.get(url).content.decode()
    assert client.get(reverse("assessment:accountability")).status_code == 200
    for user in (w["police_liaison"], w["committee"], w["clerk2"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("assessment:accountability-pdf", args=[issued.pk])).status_code == 404
    client.force_login(w["police_liaison"])
    assert client.get(reverse("assessment:accountability")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_pages_generate_edit_and_issue(year, client):
    w = year
    client.force_login(w["clerk"])
    response = client.post(reverse("assessment:accountability"), {"kind": "organs_report", "year": "2025"})
    report = AccountabilityDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessment:accountability-detail",
                                                                         args=[report.pk])
    row = report.rows.get(debtor_name="城区教育局")
    client.post(reverse("assessment:accountability-row", args=[report.pk, row.pk]),
                {"remark": "", "excluded": "1", "reason": "已履行"})
    row.refresh_from_db()
    assert row.excluded and row.exclusion_reason == "已履行"
    client.post(reverse("assessment:accountability-issue", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_draft  # a clerk cannot issue
    client.force_login(w["leader"])
    client.post(reverse("assessment:accountability-issue", args=[report.pk]))
    report.refresh_from_db()
    assert report.number == "云城法院〔2026〕1号"
    client.force_login(w["committee"])
    assert "新城住建局" in client.get(reverse("assessment:accountability-detail", args=[report.pk])).content.decode()


def pdf_text(content):
    """The running text and every table row (cells joined, wrapped lines rejoined) of the PDF."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        rows = ["|".join((cell or "").replace("\n", "") for cell in row)
                for page in pdf.pages for table in page.extract_tables() for row in table]
    return (text + "\n" + "\n".join(rows)).replace(" ", "")


@time_machine.travel(NOW, tick=False)
def test_pdfs_render_with_the_rows(year):
    w = year
    report = services.generate(actor=w["clerk"], kind="organs_report", year=2025)
    services.edit_row(actor=w["clerk"], document=report, row_id=report.rows.get(debtor_name="城区教育局").pk,
                      excluded=True, reason="已履行")
    report = services.issue(actor=w["leader"], document=report)
    text = pdf_text(render_pdf("pdf/accountability.html", pdf_context(report)))
    assert "云城法院〔2026〕1号" in text and "新城住建局" in text and "城区自然资源局" in text
    assert "城区教育局" not in text and "新兴县财政局" not in text and "某某建设有限公司" not in text
    assert any(line.startswith("1|新城住建局|") and "|新兴县|2024-09-01|500000.00|500000.00|逾期未履行|" in line
               for line in text.splitlines())
    letter = services.issue(actor=w["leader"], document=services.generate(actor=w["clerk"], kind="deduction_letter",
                                                                          year=2025))
    text = pdf_text(render_pdf("pdf/accountability.html", pdf_context(letter)))
    assert "云城法院〔2026〕2号" in text and "新兴县" in text and "新城住建局" in text and "城区自然资源局" not in text
    officials = services.generate(actor=w["clerk"], kind="officials_list", year=2025)
    text = pdf_text(render_pdf("pdf/accountability.html", pdf_context(officials)))
    assert "张公务" in text and "草稿" in text and "李公务" not in text and "某国有公司" not in text


def test_the_statutory_line_is_six_calendar_months_after_filing(settings):
    assert record.add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert record.add_months(datetime.date(2024, 8, 31), 6) == datetime.date(2025, 2, 28)
    assert record.add_months(datetime.date(2023, 8, 31), 6) == datetime.date(2024, 2, 29)
    assert record.add_months(datetime.date(2025, 7, 15), 6) == datetime.date(2026, 1, 15)
    settings.ORGAN_PERFORMANCE_MONTHS = 3
    assert record.due_on(SimpleNamespace(filed_on=datetime.date(2025, 11, 30))) == datetime.date(2026, 2, 28)


@time_machine.travel(NOW, tick=False)
def test_another_jurisdictions_committee_sees_nothing(year, client):
    w = year
    report = services.generate(actor=w["clerk"], kind="organs_report", year=2025)
    j2_committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=w["j2"]))
    client.force_login(j2_committee)
    assert client.get(reverse("assessment:accountability-detail", args=[report.pk])).status_code == 404
    assert "新城住建局" not in client.get(reverse("assessment:organs-ledger")).content.decode()
    with pytest.raises(PermissionDenied):
        services.edit_row(actor=j2_committee, document=report, row_id=report.rows.first().pk, remark="x")


@time_machine.travel(NOW, tick=False)
def test_an_issued_report_does_not_follow_the_cases_and_an_empty_letter_is_not_issued(year):
    w = year
    report = services.generate(actor=w["clerk"], kind="organs_report", year=2025)
    for row in report.rows.filter(deductible=True):
        services.edit_row(actor=w["clerk"], document=report, row_id=row.pk, excluded=True, reason="已和解")
    report = services.issue(actor=w["leader"], document=report)
    case_services.set_case_status(actor=w["clerk"], case=w["unpaid"], status="concluded", reason="执行完毕。")
    row = report.rows.get(debtor_name="新城住建局")
    assert row.standing == "逾期未履行" and row.unperformed == Decimal("500000.00") and row.excluded
    letter = services.generate(actor=w["clerk"], kind="deduction_letter", year=2025)
    assert not letter.rows.exists()
    with pytest.raises(ApplicationError, match="没有列入"):
        services.issue(actor=w["leader"], document=letter)
    letter.refresh_from_db()
    assert letter.is_draft and letter.number == ""
    with pytest.raises(PermissionDenied):
        services.generate(actor=w["personnel_liaison"], kind="organs_report", year=2025)
    with pytest.raises(ApplicationError):
        services.generate(actor=w["clerk"], kind="organs_report", year=2027)  # a year still to come
