"""The joint meeting's documents as issued documents (issue 24, `meetings.issuing`): the meeting notice is issued when
sent, re-issued (the earlier one 已被替代) when the announced meeting moves, withdrawn when it is called off; the
minutes when published; the annual report when sent; the briefing when issued, withdrawn when withdrawn. Each carries
the QR code of its check page (decoded from the rendered page with zxing-cpp) beside the signature, is signed, and
its downloads (page, API, a leader's read link) serve exactly the stored bytes; a draft is not issued."""

import datetime
import io

import pdfplumber
import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone

from linkage import signing, verification
from linkage.verification_models import IssuedDocument, IssuedDocumentKind, IssuedDocumentStatus
from meetings import documents, services
from meetings.briefing_documents import briefing_pdf_bytes
from meetings.briefing_models import BriefingRecipient
from meetings.services import briefings
from members.models import Leader
from tests.verification_support import ARTIFACTS, BASE, public_base  # noqa: F401 (an autouse fixture)

from .conftest import held_meeting, make_meeting
from .test_briefings import _draft, record  # noqa: F401 (fixture)
from .test_documents import minutes  # noqa: F401 (fixture: published minutes of two pages)

pytestmark = pytest.mark.django_db


def qr_texts(pdf_bytes, name=None):
    """The QR codes of every page (the page holding one saved as PNG under `name` for a look)."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            image = page.to_image(resolution=200).original.convert("RGB")
            texts = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
            if texts and name:
                ARTIFACTS.mkdir(exist_ok=True)
                image.save(ARTIFACTS / f"verification-{name}.png")
            found.extend(texts)
    return found


def check_issued(document, pdf_bytes, kind, name):
    """The PDF served is the stored one, carries the QR of its code's check page and a valid signature."""
    assert document.kind == kind and document.status == IssuedDocumentStatus.IN_FORCE
    assert pdf_bytes == bytes(IssuedDocument.objects.get(pk=document.pk).content)
    assert qr_texts(pdf_bytes, name) == [verification.check_url(document.code)]
    assert verification.check_url(document.code).startswith(BASE + "/verify/")
    assert signing.validate_pdf(pdf_bytes).ok
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert document.grouped_code in text and "核验码" in text


def check_page(client, document):
    response = client.get(reverse("verify:check-code", kwargs={"code": document.grouped_code}))
    assert response.status_code == 200
    return response.content.decode()


def rows(source, kind):
    return list(IssuedDocument.objects.without_content().filter(object_id=source.pk, kind=kind).order_by("pk"))


# --------------------------------------------------------------------------------------------- meeting notice


def test_the_meeting_notice_is_issued_when_sent_reissued_when_moved_and_withdrawn_when_cancelled(
    world, client_for, api_for, client
):
    kind = IssuedDocumentKind.MEETING_NOTICE
    meeting = make_meeting(world, starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=7))
    assert verification.issued(meeting, kind) is None  # a prepared meeting's notice is a draft
    assert qr_texts(documents.meeting_notice_pdf(meeting)) == []

    services.schedule_meeting(actor=world.committee, meeting=meeting)
    meeting.refresh_from_db()
    first = verification.document_for(meeting, kind)
    number = documents.meeting_notice_context(meeting)["document_number"]
    assert first.document_number == number and number
    assert first.issuer_name == world.committee.organisation.name
    assert world.units[0].name in first.addressee and world.committee.organisation.name not in first.addressee
    served = client_for(world.committee).get(reverse("meetings:notice-pdf", args=[meeting.pk]))
    check_issued(first, served.content, kind, "meeting-notice")
    assert api_for(world.committee).get(reverse("meeting-notice-pdf", args=[meeting.pk])).content == served.content
    assert (
        client_for(world.liaisons[0]).get(reverse("meetings:notice-pdf", args=[meeting.pk])).content == served.content
    )
    client.logout()
    page = check_page(client, first)
    assert "会议通知" in page and number in page and "有效" in page

    # Sending again issues nothing new; a new time re-issues it under the same number, the earlier one superseded.
    from meetings.issuing import issue_meeting_notice

    assert issue_meeting_notice(meeting).pk == first.pk
    services.update_meeting(
        actor=world.committee, meeting=meeting, starts_at=meeting.starts_at + datetime.timedelta(days=1)
    )
    old, new = rows(meeting, kind)
    assert old.pk == first.pk and old.status == IssuedDocumentStatus.SUPERSEDED and old.superseded_by_id == new.pk
    assert new.status == IssuedDocumentStatus.IN_FORCE and new.document_number == number and new.code != old.code
    meeting.refresh_from_db()
    moved = documents.meeting_notice_pdf(meeting)
    check_issued(new, moved, kind, "meeting-notice-moved")
    assert "已被替代" in check_page(client, old)
    # A change that prints nothing new (the same values) re-issues nothing.
    services.update_meeting(actor=world.committee, meeting=meeting, place=meeting.place)
    assert len(rows(meeting, kind)) == 2

    services.cancel_meeting(actor=world.committee, meeting=meeting, reason="会期与区委常委会冲突")
    new.refresh_from_db()
    assert new.status == IssuedDocumentStatus.WITHDRAWN and "会期与区委常委会冲突" in new.status_note
    page = check_page(client, new)
    assert "已撤回" in page and "会期与区委常委会冲突" in page


def test_a_meeting_cancelled_before_its_notice_was_sent_has_no_document(world):
    meeting = make_meeting(world)
    services.cancel_meeting(actor=world.committee, meeting=meeting, reason="议题已另行协调解决")
    assert not IssuedDocument.objects.filter(object_id=meeting.pk, kind=IssuedDocumentKind.MEETING_NOTICE).exists()


def test_a_meeting_edited_before_it_is_announced_issues_nothing(world):
    meeting = make_meeting(world)
    services.update_meeting(actor=world.committee, meeting=meeting, place="区法院第二会议室")
    assert verification.issued(meeting, IssuedDocumentKind.MEETING_NOTICE) is None


# ---------------------------------------------------------------------------------------------------- minutes


def test_the_minutes_are_issued_when_published(minutes, world, client_for, api_for, client):  # noqa: F811
    meeting, _ = minutes
    kind = IssuedDocumentKind.MEETING_MINUTES
    document = verification.document_for(meeting, kind)
    assert document.document_number == meeting.document_number == "荔政法纪〔2026〕1号"
    assert document.issued_on == timezone.localdate(meeting.published_at)
    served = client_for(world.committee).get(reverse("meetings:minutes-pdf", args=[meeting.pk])).content
    check_issued(document, served, kind, "minutes")
    assert documents.minutes_pdf(meeting) == served
    assert api_for(world.liaisons[0]).get(reverse("meeting-minutes-pdf", args=[meeting.pk])).content == served
    client.logout()
    page = check_page(client, document)
    assert "会议纪要" in page and "荔政法纪〔2026〕1号" in page and "有效" in page


def test_held_minutes_are_a_draft_without_a_code(world):
    meeting = held_meeting(world)
    assert verification.issued(meeting, IssuedDocumentKind.MEETING_MINUTES) is None
    assert qr_texts(documents.minutes_pdf(meeting)) == []


# ---------------------------------------------------------------------------------------------- annual report


def test_the_annual_report_is_issued_when_sent(world, client_for, api_for, client):
    kind = IssuedDocumentKind.ANNUAL_REPORT
    report = services.create_annual_report(actor=world.clerk, year=2026)
    assert verification.issued(report, kind) is None
    assert qr_texts(documents.annual_report_pdf(report)) == []
    services.send_annual_report(actor=world.clerk, report=report)
    report.refresh_from_db()
    document = verification.document_for(report, kind)
    assert document.issuer_code == world.court.code and document.issuer_name == world.court.name
    assert document.addressee == world.committee.organisation.name
    assert document.document_number.startswith(world.court.short_name + "〔")
    served = client_for(world.clerk).get(reverse("meetings:report-pdf", args=[report.pk])).content
    check_issued(document, served, kind, "annual-report")
    assert api_for(world.clerk).get(reverse("api-report-pdf", args=[report.pk])).content == served
    client.logout()
    page = check_page(client, document)
    assert "年度工作报告" in page and document.document_number in page and "有效" in page


# --------------------------------------------------------------------------------------------------- briefing


def test_the_briefing_is_issued_when_issued_and_withdrawn_when_withdrawn(record, client_for, client):  # noqa: F811
    Leader.objects.create(jurisdiction=record.court.jurisdiction, post="区长", name="王建明", mobile="13800000002")
    kind = IssuedDocumentKind.BRIEFING
    briefing = _draft(record)
    assert verification.issued(briefing, kind) is None
    briefings.issue_briefing(actor=record.committee, briefing=briefing)
    briefing.refresh_from_db()
    document = verification.document_for(briefing, kind)
    assert document.document_number == briefing.document_number and document.addressee == "各成员单位"
    served = client_for(record.committee).get(reverse("meetings:briefing-pdf", args=[briefing.pk])).content
    check_issued(document, served, kind, "briefing")
    assert briefing_pdf_bytes(briefing) == served
    with pdfplumber.open(io.BytesIO(served)) as pdf:
        assert "区长" in "".join(page.extract_text() or "" for page in pdf.pages)  # 抄送 the leader it went to
    # The leader's personal read link serves the same bytes.
    client.logout()
    receipt = BriefingRecipient.objects.get(briefing=briefing, leader__isnull=False)
    key = briefings.read_link(receipt).rstrip("/").rsplit("/", 1)[1]
    assert client.get(reverse("meetings:briefing-read-pdf", args=[key])).content == served
    page = check_page(client, document)
    assert "工作简报" in page and briefing.document_number in page and "有效" in page

    briefings.withdraw_briefing(actor=record.committee, briefing=briefing, reason="数据口径有误，修正后重发")
    document.refresh_from_db()
    assert document.status == IssuedDocumentStatus.WITHDRAWN and "数据口径有误" in document.status_note
    page = check_page(client, document)
    assert "已撤回" in page and "数据口径有误" in page


def test_a_draft_briefing_withdrawn_has_no_document(record):  # noqa: F811
    briefing = _draft(record)
    briefings.withdraw_briefing(actor=record.committee, briefing=briefing, reason="重复起草")
    assert not IssuedDocument.objects.filter(object_id=briefing.pk, kind=IssuedDocumentKind.BRIEFING).exists()
