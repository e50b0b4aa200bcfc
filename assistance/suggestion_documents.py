"""The judicial suggestion letter as a PDF in the shared GB/T 9704-2012 layout (templates/pdf/suggestion_letter.html
on pdf/official_document.html, letter format: the court's full name as the banner): the number from the court's
register (or 草稿), the title, the addressee, the facts from the record, the suggestions, the reply time, the court
and the signing date, the officer.

An issued document (issue 24, `linkage.verification`): the letter is issued — frozen with its verification code and
QR code, signed — when the leader signs it (`issue_letter`, called by `sign_letter` in its transaction), and marked
已撤回 when a signed letter is withdrawn (`withdraw_issued`). Once issued, `suggestion_pdf` serves the stored bytes;
a draft, and a withdrawn letter (with its 已撤回 note), are rendered."""

from django.utils import timezone

from linkage import verification
from linkage.gbt9704 import official_context
from linkage.numerals import arabic_date
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocumentKind, IssuedDocumentStatus

from .suggestion_models import SuggestionState

TEMPLATE = "pdf/suggestion_letter.html"
TITLE = "关于依法协助执行的司法建议函"
KIND = IssuedDocumentKind.SUGGESTION_LETTER
# The states whose letter is the one issued at signing (a withdrawn letter is rendered with its note instead).
ISSUED_STATES = (SuggestionState.SIGNED, SuggestionState.SERVED, SuggestionState.REPLIED)


def _paragraphs(text):
    """Each line of the text a paragraph of its own (indented like the rest of the body)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def suggestion_context(letter):
    case = letter.case
    return {
        **official_context(
            issuer=letter.court.name,
            banner=letter.court.name,
            title=TITLE,
            document_number=letter.document_number,
            is_draft=letter.state == SuggestionState.DRAFTED,
            draft_note="（草稿　未经签发，不得送达）",
            date=arabic_date(letter.signed_at) if letter.signed_at else "年　　月　　日",
            addressees=letter.unit.name,
        ),
        "number_label": "文号",
        "unit_name": letter.unit.name,
        "case_number": case.number,
        "withdrawn_note": (
            f"（已撤回：{letter.withdraw_reason}）" if letter.state == SuggestionState.WITHDRAWN else ""
        ),
        "facts": _paragraphs(letter.facts),
        "suggestions": _paragraphs(letter.suggestions),
        "reply_days": letter.reply_days,
        "due_date": arabic_date(letter.due_at) if letter.due_at else "",
        "officer_name": case.officer_name,
        "officer_phone": case.officer_phone,
    }


def issue_letter(letter):
    """Issue the signed letter (idempotent): rendered once with its code, signed, stored as served. Runs in the
    signing's transaction."""
    context = suggestion_context(letter)
    return verification.issue(
        KIND,
        letter,
        number=letter.document_number,
        issuer_code=letter.court.code,
        issuer_name=letter.court.name,
        addressee=letter.unit.name,
        issued_on=timezone.localdate(letter.signed_at),
        render=lambda extra: render_pdf(TEMPLATE, {**context, **extra}),
    )


def withdraw_issued(letter, note):
    """Mark the withdrawn letter's issued document 已撤回, when it was issued (a draft never was)."""
    verification.end(letter, KIND, IssuedDocumentStatus.WITHDRAWN, note)


def suggestion_pdf(letter) -> bytes:
    """The letter's PDF: once signed, the one issued then, byte for byte; a draft or a withdrawn letter rendered."""
    if letter.state in ISSUED_STATES:
        issued = verification.document_for(letter, KIND)
        if issued is not None:
            return bytes(issued.content)
    return render_pdf(TEMPLATE, suggestion_context(letter))
