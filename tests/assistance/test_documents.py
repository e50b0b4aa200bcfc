"""The court's documents about a notice: the 协助执行通知书 and the 解除协助执行通知书 are real A4 PDFs in the SPC
layout that show every fact of the notice (court, case number, addressee, items, debtor with a rare-character
name, date in Chinese numerals, receipt), a draft is marked as such, and the page and the PDF read one context."""

import datetime
import io
import shutil
import subprocess

import pdfplumber
import pytest
from django.utils import timezone

from assistance import services
from assistance.documents import (
    lifting_notice_pdf,
    notice_document_context,
    notice_pdf,
    notice_pdf_filename,
)
from assistance.models import NoticeState
from linkage import signing
from linkage.errors import ApplicationError
from linkage.numerals import chinese_date
from tests import factories

from .helpers import ORGANISATION_DEBTOR, RARE_DEBTOR, advance, draft_notice, file_case

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)
UNIT_NAME = "广州市荔湾区市场和质量监督管理局"
ITEMS = [
    {
        "property_kind": "equity",
        "description": "冻结被执行人持有的广州市荔湾区恒通建材有限公司40%股权",
        "identifier": "广州市荔湾区恒通建材有限公司",
        "holder": "广州市荔湾区市场和质量监督管理局",
        "share": "40%",
        "amount": "386500.00",
        "period_months": 36,
    },
    {
        "property_kind": "bank_account",
        "description": "冻结被执行人在中国工商银行广州荔湾支行开立的账户内存款",
        "identifier": "6222020200112233445",
        "holder": "中国工商银行广州荔湾支行",
        "amount": "120000.00",
        "period_months": 12,
    },
    {"property_kind": "vehicle", "description": "冻结被执行人名下机动车的转移登记", "identifier": "粤A12345"},
]


@pytest.fixture
def court(db):
    return factories.CourtFactory(name="广州市荔湾区人民法院", short_name="荔湾法院")


@pytest.fixture
def unit(court):
    return factories.OrganisationFactory(
        name=UNIT_NAME,
        short_name="区市场监管局",
        kind="market_regulation",
        measures=["inquiry", "freeze"],
        jurisdiction=court.jurisdiction,
    )


@pytest.fixture
def case(clerk):
    return file_case(clerk, debtors=[RARE_DEBTOR, ORGANISATION_DEBTOR])


@pytest.fixture
def notice(clerk, case, unit):
    return draft_notice(clerk, case, unit, items=ITEMS, note="冻结期间不得办理上述股权的转让、出质手续。")


def pdf_text(pdf_bytes, tmp_path):
    """The PDF's text layer with line breaks and spaces removed (a long number may wrap)."""
    if shutil.which("pdftotext"):
        path = tmp_path / "document.pdf"
        path.write_bytes(pdf_bytes)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
            text = "".join(page.extract_text() or "" for page in document.pages)
    return "".join(text.split())


def assert_a4(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        assert document.pages
        for page in document.pages:
            assert (round(page.width, 2), round(page.height, 2)) == A4_POINTS
        return [char for page in document.pages for char in page.chars]


# ------------------------------------------------------------------------------------------ the notice


def test_notice_pdf_is_an_a4_pdf_showing_every_block(clerk, leader, notice, case, tmp_path):
    notice = advance(notice, NoticeState.SIGNED, clerk=clerk, leader=leader)

    pdf = notice_pdf(notice)

    chars = assert_a4(pdf)
    text = pdf_text(pdf, tmp_path)
    # 1. heading: court, title, case number
    assert text.startswith("广州市荔湾区人民法院协助执行通知书（2026）粤0103执1234号")
    # 2. addressee with a full-width colon
    assert f"{UNIT_NAME}：" in text
    # 3. body: parties, ruling, legal basis, the items numbered 一、二、三、
    assert "申请执行人广州市荔湾区恒昌贸易有限公司与被执行人王堃、广州市西关食府餐饮管理有限公司一案" in text
    assert "本院作出的（2026）粤0103执1234号执行裁定书已经发生法律效力" in text
    assert "依照《中华人民共和国民事诉讼法》第二百五十三条、第二百五十四条之规定，请协助执行下列事项：" in text
    for number, item in zip("一二三", ITEMS, strict=True):
        assert f"{number}、{item['description']}" in text
        assert item["identifier"] in text
    assert "被执行人：王堃（公民身份号码：44010319850615123X）" in text
    assert "人民币386,500.00元" in text and "份额：40%" in text
    assert "冻结期限：36个月" in text and "冻结期限：12个月" in text
    assert "开户行：中国工商银行广州荔湾支行" in text and "号牌号码：粤A12345" in text
    assert "其他事项：冻结期间不得办理上述股权的转让、出质手续。" in text
    # 4. attachment, date of signing in Chinese numerals under the seal, officer and telephone
    assert "附：（2026）粤0103执1234号执行裁定书" in text
    # The signed notice is the issued one: its seal is the electronic signature's stamp over the court's name (the
    # printed 院印 placeholder gives way to it), and the signature validates.
    assert "院印" not in text
    assert signing.validate_pdf(pdf).ok
    assert chinese_date(timezone.localdate()) in text
    assert "承办人：林佩文" in text and "联系电话：020-81234567" in text
    # 5. the receipt, addressed back to the court and citing the notice
    assert "协助执行通知书回执" in text
    assert "广州市荔湾区人民法院：你院（2026）粤0103执1234号协助执行通知书" in text
    assert "单位公章" in text
    assert "草稿" not in text
    # The rare character comes from an embedded CJK face, not a missing glyph.
    rare_fonts = {char["fontname"] for char in chars if char["text"] == "堃"}
    assert rare_fonts and all("CJK" in font for font in rare_fonts)


def test_a_draft_carries_a_visible_draft_mark_and_no_date(notice, tmp_path):
    text = pdf_text(notice_pdf(notice), tmp_path)
    assert "草稿" in text
    assert "未经签发，不得送达" in text
    assert chinese_date(timezone.localdate()) not in text
    assert notice_document_context(notice)["date"] == ""


def test_the_page_and_the_pdf_read_the_same_facts(clerk, leader, notice, django_assert_num_queries):
    notice = advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    with django_assert_num_queries(3):
        context = notice_document_context(notice)
    assert context["court_name"] == "广州市荔湾区人民法院"
    assert context["unit_name"] == UNIT_NAME
    assert context["case_number"] == "（2026）粤0103执1234号"
    assert [item["number"] for item in context["items"]] == ["一", "二", "三"]
    assert context["items"][2]["property"] == "财产：机动车（号牌号码：粤A12345）"
    assert context["served_date"] == chinese_date(notice.served_at)
    assert context["is_draft"] is False and context["watermark"] == ""
    assert context["lifting"] is None
    assert notice_pdf_filename(notice) == "协助执行通知书-（2026）粤0103执1234号-区市场监管局.pdf"


# ------------------------------------------------------------------------------------ the lifting notice


def test_lifting_notice_pdf_cites_the_original_notice_and_the_ground(clerk, leader, notice, tmp_path):
    served_at = timezone.now() - datetime.timedelta(days=3)
    notice = advance(notice, NoticeState.LIFTED, clerk=clerk, leader=leader, served_at=served_at)

    pdf = lifting_notice_pdf(notice)

    assert_a4(pdf)
    text = pdf_text(pdf, tmp_path)
    assert text.startswith("广州市荔湾区人民法院解除协助执行通知书（2026）粤0103执1234号")
    assert f"{UNIT_NAME}：" in text
    assert f"于{chinese_date(served_at)}向你单位送达（2026）粤0103执1234号协助执行通知书" in text
    assert "被执行人已履行完毕" in text
    assert "请你单位解除下列协助执行事项：" in text
    assert "一、解除原通知书第一项：" in text and "三、解除原通知书第三项：" in text
    assert "王堃" in text
    assert chinese_date(notice.lifted_at) in text
    assert "解除协助执行通知书回执" in text
    assert notice_document_context(notice)["lifting"]["ground"] == "被执行人已履行完毕"


def test_lifting_notice_pdf_prints_the_lifting_ruling_number(clerk, leader, notice, tmp_path):
    """The lifting notice cites the numbered lifting ruling entered with the lifting (解除裁定书), in its body and its
    attachment line; before the leader signs it is a draft, undated."""
    notice = advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number="(2026)粤0103执1234号之二")

    draft_text = pdf_text(lifting_notice_pdf(notice), tmp_path)
    assert "本院作出（2026）粤0103执1234号之二执行裁定书" in draft_text
    assert "草稿" in draft_text

    services.sign_lifting(actor=leader, notice=notice)
    notice.refresh_from_db()
    text = pdf_text(lifting_notice_pdf(notice), tmp_path)
    assert "本院作出（2026）粤0103执1234号之二执行裁定书" in text
    assert "附：（2026）粤0103执1234号之二执行裁定书" in text.replace("\n", "")
    assert "草稿" not in text and chinese_date(notice.lifted_at) in text


def test_a_notice_not_lifted_has_no_lifting_notice(clerk, leader, notice):
    notice = advance(notice, NoticeState.SERVED, clerk=clerk, leader=leader)
    with pytest.raises(ApplicationError, match="尚未解除"):
        lifting_notice_pdf(notice)


def test_a_notice_with_150_items_prints_every_number(clerk, case, unit, tmp_path):
    items = [{"property_kind": "other", "description": f"查询被执行人第{n}处财产"} for n in range(1, 151)]
    notice = draft_notice(clerk, case, unit, measure="inquiry", items=items)

    text = pdf_text(notice_pdf(notice), tmp_path)

    assert "九十九、查询被执行人第99处财产" in text
    assert "一百、查询被执行人第100处财产" in text
    assert "一百零一、查询被执行人第101处财产" in text
    assert "一百五十、查询被执行人第150处财产" in text
