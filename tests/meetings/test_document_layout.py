"""Every committee document in the one GB/T 9704-2012 layout (templates/pdf/official_document.html), measured from
the PDF's characters with pdfplumber: A4; type area 156 × 225 mm from 28 mm left and 37 mm top; the red issuer
banner 35 mm into the type area; a 发文字号 of the issuer's yearly series; the red rule; the title cut between
phrases; page numbers "— n —" with their baseline 7 mm below the type area, odd pages right and even pages left,
one character in. The minutes, the meeting notice, the annual report and the scoreboard are rendered; each PDF
is kept in test-artifacts/ for a look (pdftoppm -r 60 -png)."""

import io
import re
from pathlib import Path

import pdfplumber
import pytest

from assessment import services as assessment_services
from meetings import documents, services
from tests import factories

from .conftest import held_meeting, make_meeting
from .test_documents import minutes  # noqa: F401 (fixture: published minutes of two pages)

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LEFT, TOP, WIDTH, HEIGHT = 28 * MM, 37 * MM, 156 * MM, 225 * MM
BOTTOM = TOP + HEIGHT
ONE_CHAR_14PT = 14  # 空一字 beside the page number (4号 = 14 pt)
NUMBER_RE = re.compile(r"\S+〔(\d{4})〕([1-9]\d*)号")
# The phrase list of the title check: no title line may end inside one of these.
PHRASES = ["执行联动", "联席会议", "协调会议", "案件协调", "考评结果", "工作情况", "人民法院", "年度", "通报", "通知",
           "报告", "纪要", "召开", "关于", "成员单位", "专项督办", "党政机关", "执行案件"]
LONG_TITLE = "2026年第一次执行联动工作联席会议暨涉党政机关执行案件专项督办案件协调会议"


def em_top(page, char):
    """The top of a CJK character's em box (0.88 em above the baseline), in pt from the page's top."""
    return page.height - (char["matrix"][5] + 0.88 * char["size"])


def baseline(page, char):
    return page.height - char["matrix"][5]


def lines_of(chars):
    rows = {}
    for char in chars:
        rows.setdefault(round(char["matrix"][5], 1), []).append(char)
    return [sorted(rows[key], key=lambda c: c["x0"]) for key in sorted(rows, reverse=True)]


def is_red(char):
    colour = char.get("non_stroking_color") or ()
    return len(colour) == 3 and colour[0] > 0.85 and colour[1] < 0.1 and colour[2] < 0.15


def keep(name, pdf):
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"gbt9704-{name}.pdf").write_bytes(pdf)


def check_layout(pdf, *, title, min_pages=1):
    """The GB/T 9704 geometry of one document; returns its document number and its title lines."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = document.pages
        assert len(pages) >= min_pages
        for page in pages:
            assert abs(page.width - A4[0]) <= 1 and abs(page.height - A4[1]) <= 1
        first = pages[0]
        # The red banner, centred, the top of its em box 35 mm into the type area.
        banner_line = lines_of(first.chars)[0]
        assert all(is_red(c) for c in banner_line)
        assert abs(em_top(first, banner_line[0]) - (TOP + 35 * MM)) <= 1 * MM, em_top(first, banner_line[0]) / MM
        centre = (banner_line[0]["x0"] + banner_line[-1]["x1"]) / 2
        assert abs(centre - (LEFT + WIDTH / 2)) <= 1 * MM
        # The document number on the line after the banner, centred, and the red rule 4 mm below it.
        number_line = lines_of(first.chars)[1]
        number = "".join(c["text"] for c in number_line)
        assert NUMBER_RE.fullmatch(number), number
        assert abs((number_line[0]["x0"] + number_line[-1]["x1"]) / 2 - (LEFT + WIDTH / 2)) <= 1 * MM
        red_rules = [r for r in first.rects + first.lines
                     if abs(r["x1"] - r["x0"] - WIDTH) <= 1 * MM and r["top"] > number_line[0]["top"]
                     and (r.get("non_stroking_color") or r.get("stroking_color") or (0,))[0] > 0.85]
        assert red_rules, "no red rule"
        assert abs(min(r["top"] for r in red_rules) - baseline(first, number_line[0]) - 4 * MM) <= 1.5 * MM
        # The title (22 pt) lines: each within the type area; none ends inside a phrase of the list.
        title_lines = ["".join(c["text"] for c in line) for line in lines_of([c for c in first.chars
                                                                             if round(c["size"]) == 22])]
        assert "".join(title_lines) == title, title_lines
        assert_no_line_ends_inside_a_phrase(title_lines)
        starts = []
        for number_on_page, page in enumerate(pages, start=1):
            inside = [c for c in page.chars if c["top"] < BOTTOM]
            assert min(c["x0"] for c in inside) >= LEFT - 0.5
            assert max(c["x1"] for c in inside) <= LEFT + WIDTH + 0.5  # no line wider than 156 mm
            starts.extend(line[0]["x0"] for line in lines_of(inside) if line[0]["text"].strip())
            top_char = min(inside, key=lambda c: c["top"])
            assert em_top(page, top_char) >= TOP - 1 * MM  # small type (notes, tables) within the ±1 mm too
            if number_on_page > 1 and round(top_char["size"]) == 16:  # a page that starts with body text
                assert abs(em_top(page, top_char) - TOP) <= 1 * MM, em_top(page, top_char) / MM
            footer = [c for c in page.chars if c["top"] >= BOTTOM]
            assert "".join(c["text"] for c in footer).replace(" ", "") == f"—{number_on_page}—"
            digits = [c for c in footer if c["text"].isdigit()]
            assert abs(baseline(page, digits[0]) - (BOTTOM + 7 * MM)) <= 1 * MM, baseline(page, digits[0]) / MM
            if number_on_page % 2:  # odd: right, one character in
                assert abs(max(c["x1"] for c in footer) - (LEFT + WIDTH - ONE_CHAR_14PT)) <= 1 * MM
            else:  # even: left, one character in
                assert abs(min(c["x0"] for c in footer) - (LEFT + ONE_CHAR_14PT)) <= 1 * MM
        assert any(abs(x - LEFT) <= 0.5 * MM for x in starts)  # wrapped lines start on the type area's left edge
        return number, title_lines


def assert_no_line_ends_inside_a_phrase(lines, phrases=PHRASES):
    title = "".join(lines)
    cuts, position = set(), 0
    for line in lines[:-1]:
        position += len(line)
        cuts.add(position)
    for phrase in phrases:
        for match in re.finditer(re.escape(phrase), title):
            inside = {cut for cut in cuts if match.start() < cut < match.end()}
            assert not inside, (phrase, lines)


# ------------------------------------------------------------------------------------------------ the documents


def test_the_minutes_are_laid_out_to_gbt9704(minutes):  # noqa: F811
    meeting, _ = minutes
    pdf = documents.minutes_pdf(meeting)
    keep("minutes", pdf)
    number, _ = check_layout(pdf, title="2026年第一次执行联动案件协调会议纪要", min_pages=2)
    assert number == "荔政法纪〔2026〕1号" == meeting.document_number


def test_the_meeting_notice_is_laid_out_to_gbt9704_with_a_long_title_cut_between_phrases(world, settings):
    settings.LINKAGE_DOCUMENT_PREFIXES = {world.committee.organisation.code: "荔政法"}
    meeting = make_meeting(world, title=LONG_TITLE)
    meeting = services.schedule_meeting(actor=world.committee, meeting=meeting)
    meeting.refresh_from_db()
    pdf = documents.meeting_notice_pdf(meeting)
    keep("meeting-notice", pdf)
    number, lines = check_layout(pdf, title=f"关于召开{LONG_TITLE}的通知")
    assert len(lines) >= 2  # the title is long enough to be cut
    year = meeting.scheduled_at.astimezone(documents.TIMEZONE).year
    assert number == f"荔政法〔{year}〕1号"


def test_the_annual_report_is_laid_out_to_gbt9704(world):
    report = services.create_annual_report(actor=world.clerk, year=2026)
    services.send_annual_report(actor=world.clerk, report=report)
    report.refresh_from_db()
    pdf = documents.annual_report_pdf(report)
    keep("annual-report", pdf)
    number, _ = check_layout(pdf, title=report.title, min_pages=2)
    assert number.startswith(world.court.short_name + "〔")  # the court's own series


def test_the_scoreboard_is_laid_out_to_gbt9704(world):
    from assessment.exports import scoreboard_pdf
    from assessment.services import finalise

    court = world.court
    assessment = assessment_services.open_assessment(actor=world.clerk, jurisdiction=court.jurisdiction, year=2025)
    assessment_services.start_scoring(actor=world.clerk, assessment=assessment)
    assessment_services.submit_scores(actor=world.clerk, assessment=assessment)
    finalise(actor=world.committee, assessment=assessment, confirm_early=True)
    board = assessment.versions.get().data
    pdf = scoreboard_pdf(board, court.jurisdiction)
    keep("scoreboard", pdf)
    number, _ = check_layout(pdf, title="关于2025年度执行联动工作考评结果的通报", min_pages=2)
    assert number.startswith(world.committee.organisation.short_name + "〔")


# ----------------------------------------------------------------------------------------- the number register


def test_numbers_run_per_issuer_and_year_and_are_never_reused(world, settings):
    from linkage.document_numbers import DocumentNumber, assign_number, withdraw_number

    committee = world.committee.organisation
    settings.LINKAGE_DOCUMENT_PREFIXES = {committee.code: "荔政法"}
    first, second, third = (make_meeting(world, title=f"2026年第{n}次执行联动工作联席会议") for n in "一二三")
    services.schedule_meeting(actor=world.committee, meeting=first)
    services.schedule_meeting(actor=world.committee, meeting=second)
    numbers = [documents.meeting_notice_context(m)["document_number"] for m in (first, second)]
    first.refresh_from_db()
    year = first.scheduled_at.astimezone(documents.TIMEZONE).year
    assert numbers == [f"荔政法〔{year}〕1号", f"荔政法〔{year}〕2号"]
    # Sending again asks for the same document's number: it keeps it.
    assert assign_number(issuer=committee, subject=f"meetings.meeting:{first.pk}:notice").sequence == 1
    # A notice called off keeps its number; the next document gets the next one, never 2 again.
    services.cancel_meeting(actor=world.committee, meeting=second, reason="改期")
    assert DocumentNumber.objects.get(sequence=2, issuer=committee).withdrawn_at is not None
    services.schedule_meeting(actor=world.committee, meeting=third)
    assert documents.meeting_notice_context(third)["document_number"] == f"荔政法〔{year}〕3号"
    # Another year starts again at 1; another issuer (the court) has its own series.
    assert assign_number(issuer=committee, subject="x:next-year", year=year + 1).text == f"荔政法〔{year + 1}〕1号"
    assert assign_number(issuer=world.court, subject="x:court", year=year).sequence == 1
    withdraw_number("x:court")
    assert assign_number(issuer=world.court, subject="x:court-2", year=year).sequence == 2
    # Minutes published without a number take the next one of the committee's series.
    held = held_meeting(world, title="2026年第四次执行联动工作联席会议")
    published = services.publish_minutes(actor=world.committee, meeting=held, document_number="")
    # (its notice took 4 when it was sent)
    assert published.document_number == f"荔政法〔{year}〕5号"
    texts = list(DocumentNumber.objects.filter(issuer=committee, year=year).values_list("sequence", flat=True))
    assert sorted(texts) == [1, 2, 3, 4, 5]


def test_a_number_typed_for_the_minutes_is_never_given_out_again(world, settings):
    from linkage.document_numbers import assign_number
    from linkage.errors import ApplicationError

    committee = world.committee.organisation
    settings.LINKAGE_DOCUMENT_PREFIXES = {committee.code: "荔政法"}
    meeting = held_meeting(world)
    services.publish_minutes(actor=world.committee, meeting=meeting, document_number="荔政法〔2027〕1号")
    assert assign_number(issuer=committee, subject="x:after", year=2027).text == "荔政法〔2027〕2号"
    other = held_meeting(world, title="另一次会议")
    with pytest.raises(ApplicationError):
        services.publish_minutes(actor=world.committee, meeting=other, document_number="荔政法〔2027〕2号")


def test_the_register_refuses_a_duplicate_at_the_database(world):
    from django.db import IntegrityError, transaction

    from linkage.document_numbers import DocumentNumber

    committee = world.committee.organisation
    DocumentNumber.objects.create(issuer=committee, year=2026, sequence=1, prefix="荔政法", subject="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(issuer=committee, year=2026, sequence=1, prefix="荔政法", subject="b")
    other = factories.CommitteeFactory()
    DocumentNumber.objects.create(issuer=other, year=2026, sequence=1, prefix="政法委", subject="c")


# ------------------------------------------------------------------------------------------------ title lines


@pytest.mark.parametrize("title, phrases", [
    (f"关于召开{LONG_TITLE}的通知", PHRASES),
    ("广州市荔湾区人民法院关于2025年度执行联动工作情况和行政机关不履行生效判决情况的报告", PHRASES + ["行政机关", "生效判决"]),
    ("关于对拒不协助执行的单位和个人依法追究责任并予以通报批评的若干意见的通知", ["拒不协助", "追究责任", "通报批评", "若干意见"]),
    ("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", ["五六七八九十一二"]),
])
def test_title_lines_are_cut_between_the_phrases_given(title, phrases):
    from linkage.gbt9704 import TITLE_LINE_CHARS, _width, title_lines

    lines = title_lines(title, phrases)
    assert "".join(lines) == title and len(lines) >= 2
    assert all(_width(line) <= TITLE_LINE_CHARS for line in lines)
    assert_no_line_ends_inside_a_phrase(lines, phrases)
    assert not any(line[0] in "，、。）》" for line in lines)


def test_a_short_title_is_one_line():
    from linkage.gbt9704 import title_lines

    assert title_lines("关于2025年度执行联动工作考评结果的通报") == ["关于2025年度执行联动工作考评结果的通报"]


def test_documents_issued_before_the_register_get_numbers_in_the_order_they_were_issued(world):
    import importlib

    from django.apps import apps

    from linkage.document_numbers import DocumentNumber

    migration = importlib.import_module("linkage.migrations.0013_number_issued_documents_gbt")
    report = services.create_annual_report(actor=world.clerk, year=2026)
    services.send_annual_report(actor=world.clerk, report=report)
    first, second = make_meeting(world, title="第一次会议"), make_meeting(world, title="第二次会议")
    services.schedule_meeting(actor=world.committee, meeting=second)
    services.schedule_meeting(actor=world.committee, meeting=first)
    DocumentNumber.objects.all().delete()  # as before the register existed
    migration.number_issued(apps, None)
    migration.number_issued(apps, None)  # twice: nothing is numbered again
    rows = {row.subject: row.sequence for row in DocumentNumber.objects.all()}
    assert rows == {f"meetings.annualreport:{report.pk}": 1, f"meetings.meeting:{second.pk}:notice": 1,
                    f"meetings.meeting:{first.pk}:notice": 2}
    assert "〔" in documents.annual_report_context(report)["document_number"]
