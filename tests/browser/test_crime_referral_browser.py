"""Issue 23 items 2 and 3 in headless Chromium.

Crime referral (拒执罪移送): the clerk drafts it from the case page with its evidence list (a nameless evidence line is
refused at the form), the leader signs it from the bell, the clerk sends it to the police; the police liaison answers
不予立案 with its decision number and reasons; the clerk takes it to the procuratorate for supervision of filing; the
procuratorate's liaison (who sees nothing of the court's cases otherwise) logs in, finds the referral in its list,
opens the referred case, gets a 404 on another case of the same court, and answers.

Discipline referral (纪检监察移送): only a debtor flagged 国家工作人员 may be chosen; the leader signs and sends in one
step; the discipline body's liaison answers and the clerk reads the answer."""

import pytest
from django.core.management import call_command

from assistance.models import CrimeReferral, CrimeReferralState, DisciplineReferral, DisciplineState
from cases import services as case_services
from cases.models import Case
from members.models import Jurisdiction, User
from tests import factories

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "（2026）粤0103执5501号"
OTHER_NUMBER = "（2026）粤0103执5502号"
FACTS = "被执行人在本院查封期间将其名下房产转让他人，经责令报告财产拒不报告，致使判决无法执行。"
EVIDENCE = "财产报告令及送达回证｜第1-3页\n房产转让合同|第4-9页\n\n询问笔录"
REFUSAL_NUMBER = "穗公荔不立字〔2026〕18号"
REFUSAL = "现有证据不足以证明被执行人有能力执行而拒不执行。"


def case_of(clerk, number, debtors):
    return case_services.create_case(
        actor=clerk,
        number=number,
        amount="260000",
        basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初6611号",
        filed_on="2026-03-02",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=debtors,
    )


@pytest.fixture
def case(db):
    """Liwan with a discipline body on its roster (the seed has none), the demo accounts, the case with a private
    debtor and a public servant, and another case of the same court."""
    call_command("load_jurisdiction", "liwan", verbosity=0)
    factories.OrganisationFactory(
        jurisdiction=Jurisdiction.objects.get(code="liwan"),
        code="lw-discipline",
        kind="discipline",
        name="中共广州市荔湾区纪律检查委员会",
        short_name="区纪委监委",
    )
    call_command("create_demo_accounts", verbosity=0)
    clerk = User.objects.get(username="clerk")
    case_of(clerk, OTHER_NUMBER, [{"kind": "person", "name": "张另案", "id_number": "440103199001010022"}])
    return case_of(
        clerk,
        NUMBER,
        [
            {"kind": "person", "name": "欧阳燊", "id_number": "11010519491231002X"},
            {"kind": "person", "name": "李公仆", "id_number": "440103197803124516", "is_public_servant": True},
        ],
    )


def open_notification(page, title_part):
    page.click("#bell")
    with page.expect_navigation():
        page.locator("#notification-list form", has_text=title_part).first.locator("button").click()


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_crime_referral_refused_by_the_police_and_taken_to_the_procuratorate(case, new_page):
    other = Case.objects.get(number=OTHER_NUMBER)
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(f"{clerk.base_url}/cases/{case.pk}/")
    with clerk.expect_navigation():
        clerk.get_by_role("link", name="移送公安（拒执罪）").click()
    assert "涉嫌拒不执行判决、裁定罪" in clerk.text_content("h1")
    clerk.get_by_label("被执行人").select_option(label="欧阳燊")
    clerk.get_by_label("移送单位").select_option(label="广州市公安局荔湾区分局")
    clerk.get_by_label("事实").fill(FACTS)
    clerk.get_by_label("证据清单").fill("｜第1-3页")  # a page range with no evidence named
    submit(clerk, "起草移送函")
    assert "请填写证据清单第1项的证据名称。" in clerk.text_content("#referral-form")
    assert not CrimeReferral.objects.exists()
    clerk.get_by_label("证据清单").fill(EVIDENCE)
    submit(clerk, "起草移送函")
    assert "已起草移送函。" in clerk.text_content(".alert-success")
    assert clerk.text_content("#referral-state") == "草稿"
    evidence = clerk.locator("#referral-evidence li").all_text_contents()
    assert evidence == ["财产报告令及送达回证（第1-3页）", "房产转让合同（第4-9页）", "询问笔录"]
    assert clerk.get_by_role("button", name="签发", exact=True).count() == 0
    referral = CrimeReferral.objects.get()
    url = f"{clerk.base_url}/referrals/crime/{referral.pk}/"

    leader = new_page()
    login(leader, "leader")
    open_notification(leader, "拒执罪移送待签发")
    assert leader.url == url
    submit(leader, "签发")
    assert leader.text_content("#referral-state") == "已签发"

    police = new_page(390, 844)
    login(police, "lw-police-a")
    assert police.goto(url).status == 404  # signed, not yet sent

    clerk.reload()
    submit(clerk, "移送")
    assert "已移送公安机关。" in clerk.text_content(".alert-success")
    assert clerk.text_content("#referral-state") == "已移送待答复"
    assert "答复期限" in clerk.text_content("dl")
    pdf = clerk.request.get(f"{clerk.base_url}/referrals/crime/{referral.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-" and len(pdf.body()) > 5000

    # The police: from its notification to the referral; 不予立案 with the decision and its reasons.
    police.goto(f"{police.base_url}/")
    open_notification(police, "拒执罪移送")
    assert police.url == url
    assert police.locator("#referral-case a").count() == 0  # the case number, not the court's case page
    assert police.goto(f"{police.base_url}/cases/{case.pk}/").status == 404
    police.goto(url)
    police.get_by_label("不予立案决定书文号").fill(REFUSAL_NUMBER)
    police.get_by_label("不予立案理由").fill(REFUSAL)
    submit(police, "登记不予立案")
    assert "已登记不予立案。" in police.text_content(".alert-success")
    assert police.text_content("#referral-state") == "公安不予立案"
    assert f"{REFUSAL_NUMBER}：{REFUSAL}" in police.text_content("dl")
    assert police.get_by_role("button", name="提请立案监督").count() == 0
    screenshot(police, "referral-01-police-refused-phone")

    # The procuratorate knows nothing yet.
    prosecutor = new_page()
    login(prosecutor, "lw-procuratorate-a")
    assert prosecutor.goto(url).status == 404
    assert prosecutor.goto(f"{prosecutor.base_url}/cases/{case.pk}/").status == 404

    clerk.goto(f"{clerk.base_url}/")
    open_notification(clerk, "公安不予立案")
    assert clerk.url == url
    clerk.get_by_label("提请监督理由").fill("被执行人转移房产的事实有转让合同和登记资料证实，不予立案理由不成立。")
    submit(clerk, "提请立案监督")
    assert "已提请人民检察院立案监督。" in clerk.text_content(".alert-success")
    assert clerk.text_content("#referral-state") == "已提请立案监督"
    assert "广州市荔湾区人民检察院" in clerk.text_content("dl")

    # The procuratorate: the referral in its list, the referred case's page, and nothing else of the court.
    prosecutor.goto(f"{prosecutor.base_url}/")
    with prosecutor.expect_navigation():
        prosecutor.locator("#nav-referrals").click()
    rows = prosecutor.locator("#crime-referrals a")
    assert rows.count() == 1 and f"{NUMBER} · 欧阳燊 · 区公安分局 · 已提请立案监督" in rows.text_content()
    with prosecutor.expect_navigation():
        rows.click()
    assert prosecutor.url == url
    with prosecutor.expect_navigation():
        prosecutor.locator("#referral-case a").click()
    assert prosecutor.url == f"{prosecutor.base_url}/cases/{case.pk}/"
    assert NUMBER in prosecutor.text_content("main") and "欧阳燊" in prosecutor.text_content("main")
    screenshot(prosecutor, "referral-02-procuratorate-case")
    assert prosecutor.goto(f"{prosecutor.base_url}/cases/{other.pk}/").status == 404

    prosecutor.goto(url)
    prosecutor.get_by_label("监督结果").select_option(label="通知公安机关立案")
    prosecutor.get_by_label("答复内容").fill("经审查，已通知公安机关立案侦查。")
    submit(prosecutor, "答复立案监督")
    assert prosecutor.text_content("#referral-state") == "检察院已答复"
    assert "通知公安机关立案：经审查，已通知公安机关立案侦查。" in prosecutor.text_content("#supervision-outcome")
    events = prosecutor.text_content("#referral-events")
    assert all(word in events for word in ("起草", "签发", "移送", "登记不予立案", "提请立案监督", "答复立案监督"))
    referral.refresh_from_db()
    assert referral.state == CrimeReferralState.SUPERVISED and referral.refusal_number == REFUSAL_NUMBER


def test_discipline_referral_of_a_public_servant(case, new_page):
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(f"{clerk.base_url}/cases/{case.pk}/")
    with clerk.expect_navigation():
        clerk.get_by_role("link", name="移送纪检监察").click()
    debtors = clerk.get_by_label("被执行人").locator("option").all_text_contents()
    assert "李公仆" in debtors and "欧阳燊" not in debtors  # only a flagged debtor may be referred
    clerk.get_by_label("被执行人").select_option(label="李公仆")
    clerk.get_by_label("移送单位").select_option(label="中共广州市荔湾区纪律检查委员会")
    clerk.get_by_label("事实").fill("被执行人系国家工作人员，有履行能力而拒不履行生效判决。")
    clerk.get_by_label("证据清单").fill("财产查询结果｜第1-2页")
    clerk.get_by_label("执行依据文号").fill("（2025）粤0103民初6611号")
    submit(clerk, "起草移送函")
    assert clerk.text_content("#referral-state") == "草稿"
    url = f"{clerk.base_url}/referrals/discipline/{DisciplineReferral.objects.get().pk}/"
    assert clerk.url == url

    discipline = new_page()
    login(discipline, "lw-discipline-a")
    assert discipline.goto(url).status == 404  # a draft

    leader = new_page()
    login(leader, "leader")
    open_notification(leader, "纪检监察移送待签发")
    assert leader.url == url
    submit(leader, "签发移送")
    assert "已签发并移送纪检监察机关。" in leader.text_content(".alert-success")
    assert leader.text_content("#referral-state") == "已移送待答复"

    discipline.goto(f"{discipline.base_url}/")
    open_notification(discipline, "移送纪检监察")
    assert discipline.url == url
    discipline.get_by_label("处理结果").select_option(label="立案审查调查")
    discipline.get_by_label("答复内容").fill("已对李公仆立案审查调查。")
    submit(discipline, "答复")
    assert discipline.text_content("#referral-state") == "已答复"

    clerk.goto(f"{clerk.base_url}/")
    open_notification(clerk, "纪检监察已答复")
    assert "立案审查调查：已对李公仆立案审查调查。" in clerk.text_content("#discipline-answer")
    clerk.goto(f"{clerk.base_url}/cases/{case.pk}/")
    assert "纪检监察移送 · 李公仆 · 区纪委监委 · 已答复" in clerk.text_content("#case-referrals")
    screenshot(clerk, "referral-03-discipline-answered")
    assert DisciplineReferral.objects.get().state == DisciplineState.ANSWERED
