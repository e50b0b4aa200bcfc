"""The minutes are an A4 PDF in the GB/T 9704-2012 layout: measured from the characters' positions, the red banner
sits 35 mm into the type area (37 mm from the top) and the text starts 28 mm from the left edge; the text names every attending unit and every decision;
a rare-character name renders from an embedded CJK face (no missing glyph). The meeting notice and the annual
report use the same layout."""

import datetime
import io
import shutil
import subprocess

import pdfplumber
import pytest
from django.utils import timezone

from meetings import documents, services
from meetings.models import Attendance
from tests import factories

from .conftest import held_meeting, make_meeting

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)
MM = 72 / 25.4
TOP_MARGIN = 37 * MM  # 104.88 pt
LEFT_MARGIN = 28 * MM  # 79.37 pt
RIGHT_EDGE = (210 - 26) * MM  # the 156 mm type area ends 26 mm from the right edge
BOTTOM_OF_TYPE_AREA = (37 + 225) * MM
RARE = "堃喆赟祎玥昇镕旻燊"


def pdf_text(pdf_bytes, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf_bytes)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
            text = "".join(page.extract_text() or "" for page in document.pages)
    return "".join(text.split())


@pytest.fixture
def minutes(world):
    meeting = held_meeting(world, title="2026年第一次执行联动案件协调会议")
    rows = {row.organisation_id: row for row in Attendance.objects.filter(meeting=meeting)}
    services.record_attendance(actor=world.committee, attendance=rows[world.units[0].pk], status="attending",
                               person_name=RARE, position="副局长")
    services.record_attendance(actor=world.committee, attendance=rows[world.units[2].pk], status="on_leave")
    services.add_attendance(actor=world.committee, meeting=meeting, organisation=world.court, person_name="陈执行",
                            position="执行局局长", status="observing")
    today = timezone.localdate()
    tasks = [
        (world.units[0], "协助查找被执行人王堃的下落，发现后24小时内通知区法院", today + datetime.timedelta(days=10)),
        (world.units[1], "暂停办理被执行人名下涉案房产的网签备案和过户手续，并将办理情况书面反馈区法院",
         today + datetime.timedelta(days=20)),
        (world.court, "区法院根据协调意见于两周内制定涉案房产处置方案，依法启动评估拍卖程序", today + datetime.timedelta(days=14)),
    ]
    for unit, task, due_on in tasks:
        services.add_decision(actor=world.committee, meeting=meeting, responsible_unit=unit, task=task, due_on=due_on)
    services.update_summary(actor=world.committee, meeting=meeting,
                            summary="会议听取了区法院关于（2026）粤0103执2001号案件执行情况的汇报，" * 6
                            + "\n与会单位就协助执行中的困难进行了讨论，形成一致意见。")
    meeting = services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法纪〔2026〕1号")
    return meeting, tasks


def test_minutes_are_a4_with_the_gbt9704_margins(minutes, tmp_path):
    meeting, _ = minutes
    pdf = documents.minutes_pdf(meeting)
    (tmp_path / "minutes.pdf").write_bytes(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) >= 2  # the page numbers of odd and even pages are both checked below
        for page in document.pages:
            assert (round(page.width, 2), round(page.height, 2)) == A4_POINTS
        first = document.pages[0]
        body_chars = [c for page in document.pages for c in page.chars if c["top"] < BOTTOM_OF_TYPE_AREA]
        top = min(c["top"] for c in first.chars)
        left = min(c["x0"] for c in body_chars)
        right = max(c["x1"] for c in body_chars)
        # Nothing starts above or left of the margins, and the text starts at them. pdfplumber's `top` is the
        # baseline minus (size + font descent), below the glyph's em box: the em box of a CJK face spans 0.88 em
        # above the baseline, so its top is computed from the baseline (the text matrix) and the size.
        assert top >= TOP_MARGIN - 0.5 and left >= LEFT_MARGIN - 0.5
        first_char = min(first.chars, key=lambda c: c["top"])
        em_top = first.height - (first_char["matrix"][5] + 0.88 * first_char["size"])
        # The first characters on the page are the red banner (发文机关标志), 35 mm below the type area's top
        # (GB/T 9704-2012 7.2.3); tests/meetings/test_document_layout.py measures the rest of the layout.
        assert abs(em_top - (TOP_MARGIN + 35 * MM)) <= 1.0 * MM, em_top / MM
        assert LEFT_MARGIN - 0.5 <= left <= LEFT_MARGIN + 0.5 * MM, left / MM
        assert right <= RIGHT_EDGE + 0.5, right / MM
        banner = [c for c in first.chars if abs(c["top"] - top) < 1]
        assert "".join(c["text"] for c in banner).startswith("测试辖区执行联动工作联席会议纪要")
        assert all(c["non_stroking_color"] and c["non_stroking_color"][0] > 0.8 for c in banner)  # red
        # Body lines that wrap start exactly at the left margin.
        line_starts = {round(c["x0"], 1) for c in body_chars if abs(c["x0"] - LEFT_MARGIN) < 1}
        assert line_starts
        # Page numbers "— n —" 7 mm below the 225 mm type area: odd pages right, even pages left.
        for number, page in enumerate(document.pages, start=1):
            footer = [c for c in page.chars if c["top"] > BOTTOM_OF_TYPE_AREA]
            assert "".join(c["text"] for c in footer).replace(" ", "") == f"—{number}—"
            # the baseline (the text matrix) 7 mm below the type area
            assert all(abs(page.height - c["matrix"][5] - (BOTTOM_OF_TYPE_AREA + 7 * MM)) <= 1 * MM for c in footer)
            if number % 2:
                assert max(c["x1"] for c in footer) <= RIGHT_EDGE - 13
                assert min(c["x0"] for c in footer) > 140 * MM
            else:
                assert min(c["x0"] for c in footer) >= LEFT_MARGIN + 13
                assert max(c["x1"] for c in footer) < 70 * MM


def test_minutes_name_every_unit_present_and_every_decision(world, minutes, tmp_path):
    meeting, tasks = minutes
    text = pdf_text(documents.minutes_pdf(meeting), tmp_path)
    assert "荔政法纪〔2026〕1号" in text
    assert "2026年第一次执行联动案件协调会议纪要" in text
    assert f"出席：{world.units[0].short_name}副局长{RARE}" in text
    assert f"{world.units[1].short_name}副局长参会人1" in text
    assert f"请假：{world.units[2].short_name}副局长参会人2" in text
    assert f"列席：{world.court.short_name}执行局局长陈执行" in text
    for number, (unit, task, due_on) in zip("一二三", tasks, strict=True):
        assert f"{number}、{task}。责任单位：{unit.name}；完成期限：{due_on.year}年{due_on.month}月{due_on.day}日前" in text
    assert "召集召开2026年第一次执行联动案件协调会议（案件协调会议），会议由区委政法委常务副书记主持" in text
    published = timezone.localdate(meeting.published_at)
    assert f"{published.year}年{published.month}月{published.day}日印发" in text  # Arabic numerals


def test_the_rare_name_renders_from_an_embedded_cjk_face(world, minutes, tmp_path):
    meeting, _ = minutes
    pdf = documents.minutes_pdf(meeting)
    assert RARE in pdf_text(pdf, tmp_path)  # the text layer round-trips every character
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        chars = [c for page in document.pages for c in page.chars if c["text"] in RARE]
    found = {c["text"] for c in chars}
    assert found == set(RARE)
    fonts = {c["fontname"] for c in chars}
    assert fonts and all("CJK" in font for font in fonts), fonts  # Noto CJK (or the official face), no fallback


def test_a_draft_of_the_minutes_is_marked_and_has_no_number(world, tmp_path):
    meeting = held_meeting(world)
    text = pdf_text(documents.minutes_pdf(meeting), tmp_path)
    assert "草稿" in text and "纪要文号待印发时编定" in text


def test_the_meeting_notice_goes_to_the_invited_units(world, tmp_path):
    item = services.propose_case_coordination(actor=world.clerk, case=world.case, ground="major",
                                              description="情况", enforcement_plan="方案")
    meeting = make_meeting(world)
    services.accept_item(actor=world.committee, item=item, meeting=meeting)
    services.schedule_meeting(actor=world.committee, meeting=meeting)
    pdf = documents.meeting_notice_pdf(meeting)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = document.pages[0]
        assert (round(first.width, 2), round(first.height, 2)) == A4_POINTS
        assert min(c["top"] for c in first.chars) >= TOP_MARGIN - 0.5
        assert min(c["x0"] for c in first.chars if c["top"] < BOTTOM_OF_TYPE_AREA) >= LEFT_MARGIN - 0.5
    text = pdf_text(pdf, tmp_path)
    assert "关于召开2026年第一次执行联动案件协调会议的通知" in text
    for unit in world.units:
        assert unit.name in text
    assert "区委政法委三楼会议室" in text
    assert "（一）（2026）粤0103执2001号执行协调" in text


def test_the_annual_report_pdf_shows_the_edited_text_and_the_figures(world, tmp_path):
    report = services.create_annual_report(actor=world.clerk, year=2026)
    services.edit_annual_report(actor=world.clerk, report=report, text=report.text.replace(
        "（请执行员根据本年度工作实际补充存在的问题、意见建议和下一步工作安排。）", "个别单位回复不及时，建议纳入考评。"))
    report.refresh_from_db()
    text = pdf_text(documents.annual_report_pdf(report), tmp_path)
    assert report.title in text
    assert "个别单位回复不及时，建议纳入考评。" in text
    assert "草稿" in text


def test_the_api_serves_the_annual_report_pdf_to_its_court_only(world, tmp_path, api_for):
    report = services.create_annual_report(actor=world.clerk, year=2026)
    response = api_for(world.clerk).get(f"/api/v1/reports/{report.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert report.title in pdf_text(response.content, tmp_path)
    stranger = factories.ClerkFactory(organisation=factories.CourtFactory())
    assert api_for(stranger).get(f"/api/v1/reports/{report.pk}/pdf/").status_code == 404
