"""Issue 23's ledger of administrative-organ debtors and the yearly organs report (云浮 items 8, 22) in headless
Chromium: the committee opens the ledger from the assessment board (an organ unpaid past its six-month line is red
and 逾期未履行, an organ filed last month is not); the clerk cannot draft the deduction letter before the report is
issued, generates the year's report from the record (the overdue organ only); the committee edits its text; the
leader issues it (numbered, frozen); the clerk downloads the PDF, an application/pdf that carries the edit and the
organ's row."""

import datetime
import io

import pdfplumber
import pytest
from django.core.management import call_command
from django.utils import timezone

from assessment.accountability_models import AccountabilityDocument, AccountabilityState
from assistance.demo import credit_code
from cases import services as case_services
from members.models import User

from .conftest import login, open_nav, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OVERDUE_ORGAN, RECENT_ORGAN = "广州市荔湾区某某街道办事处", "广州市荔湾区某某管理站"
ADDED = "建议区政府对逾期不履行的行政机关予以约谈，督促其在2027年3月底前履行完毕。"


def organ_case(clerk, number, name, code, filed_on):
    return case_services.create_case(
        actor=clerk,
        number=number,
        amount="380000",
        basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103行初88号",
        filed_on=filed_on.isoformat(),
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[
            {
                "kind": "organisation",
                "name": name,
                "credit_code": credit_code(code, prefix="11"),
                "legal_representative": "黄主任",
                "is_party_government_organ": True,
            }
        ],
    )


@pytest.fixture
def organs(db):
    """Two organ debtors of the court: one filed 300 days ago (its six-month line long past, unpaid), one filed 30
    days ago (not yet due)."""
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    clerk = User.objects.get(username="clerk")
    today = timezone.localdate()
    overdue = organ_case(
        clerk, "（2026）粤0103执7701号", OVERDUE_ORGAN, "MA59C1K3", today - datetime.timedelta(days=300)
    )
    recent = organ_case(clerk, "（2026）粤0103执7702号", RECENT_ORGAN, "MA5D7Q2B", today - datetime.timedelta(days=30))
    return overdue, recent


def test_organs_ledger_and_the_yearly_report_issued_and_printed(organs, new_page):
    overdue, recent = organs
    year = timezone.localdate().year

    committee = new_page()
    login(committee, "committee")
    open_nav(committee, "年度考评")
    with committee.expect_navigation():
        committee.get_by_role("link", name="行政机关案件台账").click()
    ledger = committee.locator("#ledger tbody tr")
    assert ledger.count() == 2
    late = ledger.filter(has_text=OVERDUE_ORGAN)
    assert "table-danger" in late.get_attribute("class") and overdue.number in late.text_content()
    assert "逾期" in late.text_content()
    assert "table-danger" not in (ledger.filter(has_text=RECENT_ORGAN).get_attribute("class") or "")
    with committee.expect_navigation():
        committee.get_by_role("link", name="只看逾期").click()
    assert committee.locator("#ledger tbody tr").count() == 1
    assert OVERDUE_ORGAN in committee.text_content("#ledger") and RECENT_ORGAN not in committee.text_content("#ledger")
    screenshot(committee, "accountability-01-ledger")

    clerk = new_page()
    login(clerk, "clerk")
    open_nav(clerk, "年度考评")
    with clerk.expect_navigation():
        clerk.get_by_role("link", name="年度报告和扣分函").click()
    assert "暂无文书。" in clerk.text_content("#documents")
    clerk.get_by_label("文书").select_option(label="提请考评扣分函")
    clerk.get_by_label("考评年度").select_option(str(year))
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="从案件记录生成草稿").click()
    assert f"请先印发{year}年度行政机关不履行生效裁判情况报告，再据此起草扣分函。" in clerk.text_content(
        ".alert-danger"
    )
    assert not AccountabilityDocument.objects.exists()
    clerk.get_by_label("文书").select_option(label="行政机关不履行生效裁判情况报告")
    clerk.get_by_label("考评年度").select_option(str(year))
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="从案件记录生成草稿").click()
    title = f"关于{year}年度行政机关不履行生效裁判情况的报告"
    assert f"已生成草稿：{title}" in clerk.text_content(".alert-success")
    rows = clerk.locator("#rows tbody tr")
    assert rows.count() == 1 and OVERDUE_ORGAN in rows.text_content() and "逾期未履行" in rows.text_content()
    assert clerk.get_by_role("button", name="签发印发").count() == 0  # a leader's move
    document = AccountabilityDocument.objects.get()
    url = f"{clerk.base_url}/assessment/accountability/{document.pk}/"
    assert clerk.url == url

    # The committee checks and edits the draft before it goes out.
    committee.goto(f"{committee.base_url}/assessment/accountability/")
    with committee.expect_navigation():
        committee.get_by_role("link", name=title).click()
    body = committee.get_by_label("正文")
    body.fill(body.input_value() + "\n" + ADDED)
    committee.get_by_label("主送").fill("")
    with committee.expect_navigation():
        committee.get_by_role("button", name="保存文书").click()
    assert "请填写主送。" in committee.text_content(".alert-danger")
    assert ADDED not in AccountabilityDocument.objects.get().body  # refused: nothing saved
    body.fill(committee.get_by_label("正文").input_value() + "\n" + ADDED)
    with committee.expect_navigation():
        committee.get_by_role("button", name="保存文书").click()
    assert "已保存。" in committee.text_content(".alert-success")
    assert ADDED in committee.get_by_label("正文").input_value()
    committee.get_by_label("第1行备注").fill("已约谈该单位负责人")
    with committee.expect_navigation():
        committee.get_by_role("button", name="保存第1行").click()
    assert "已保存。" in committee.text_content(".alert-success")
    assert committee.get_by_label("第1行备注").input_value() == "已约谈该单位负责人"
    assert committee.get_by_label("主送").input_value() == AccountabilityDocument.objects.get().addressee != ""

    leader = new_page()
    login(leader, "leader")
    leader.goto(url)
    with leader.expect_navigation():
        leader.get_by_role("button", name="签发印发").click()
    document.refresh_from_db()
    assert document.state == AccountabilityState.ISSUED and document.number
    assert f"已印发：{document.number}" in leader.text_content(".alert-success")
    assert f"已印发 · {document.number}" in leader.text_content("main")
    assert leader.locator("#body").count() == 0 and ADDED in leader.text_content("main")  # frozen: text, no form
    screenshot(leader, "accountability-02-issued")

    clerk.goto(url)
    with clerk.expect_download() as download_info:
        clerk.get_by_role("link", name="下载PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf") and document.number in download.suggested_filename
    content = open(download.path(), "rb").read()
    assert content.startswith(b"%PDF-") and len(content) > 10000
    response = clerk.request.get(f"{url}pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "")
        cells = [
            [(cell or "").replace("\n", "") for cell in row]
            for page in pdf.pages
            for table in page.extract_tables()
            for row in table
        ]
    assert document.number in text
    printed = [row for row in cells if OVERDUE_ORGAN in row]  # the attached table: the overdue organ only
    assert len(printed) == 1 and overdue.number in printed[0] and "已约谈该单位负责人" in printed[0], cells
    assert not any(RECENT_ORGAN in row for row in cells)
    assert "约谈" in text and "2027年3月底前履行完毕" in text
