"""The judicial suggestion letter as a PDF in the shared GB/T 9704-2012 layout (templates/pdf/suggestion_letter.html
on pdf/official_document.html, letter format: the court's full name as the banner): the number from the court's
register (or 草稿), the title, the addressee, the facts from the record, the suggestions, the reply time, the court
and the signing date, the officer."""

from linkage.gbt9704 import official_context
from linkage.numerals import arabic_date
from linkage.pdf import render_pdf

from .suggestion_models import SuggestionState

TEMPLATE = "pdf/suggestion_letter.html"
TITLE = "关于依法协助执行的司法建议函"


def _paragraphs(text):
    """Each line of the text a paragraph of its own (indented like the rest of the body)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def suggestion_context(letter):
    case = letter.case
    return {
        **official_context(issuer=letter.court.name, banner=letter.court.name, title=TITLE,
                           document_number=letter.document_number,
                           is_draft=letter.state == SuggestionState.DRAFTED,
                           draft_note="（草稿　未经签发，不得送达）",
                           date=arabic_date(letter.signed_at) if letter.signed_at else "年　　月　　日",
                           addressees=letter.unit.name),
        "number_label": "文号",
        "unit_name": letter.unit.name,
        "case_number": case.number,
        "withdrawn_note": (f"（已撤回：{letter.withdraw_reason}）" if letter.state == SuggestionState.WITHDRAWN
                           else ""),
        "facts": _paragraphs(letter.facts),
        "suggestions": _paragraphs(letter.suggestions),
        "reply_days": letter.reply_days,
        "due_date": arabic_date(letter.due_at) if letter.due_at else "",
        "officer_name": case.officer_name,
        "officer_phone": case.officer_phone,
    }


def suggestion_pdf(letter) -> bytes:
    return render_pdf(TEMPLATE, suggestion_context(letter))
