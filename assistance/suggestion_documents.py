"""The judicial suggestion letter as a PDF (templates/pdf/suggestion_letter.html, on the court PDF base): the court,
the title, the letter's number (or 草稿), the addressee, the facts from the record, the suggestions, the reply time,
the court's seal area and the signing date in Chinese numerals, the officer."""

from linkage.numerals import chinese_date
from linkage.pdf import render_pdf

from .suggestion_models import SuggestionState

TEMPLATE = "pdf/suggestion_letter.html"


def _paragraphs(text):
    """Each line of the text a paragraph of its own (indented like the rest of the body)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def suggestion_context(letter):
    case = letter.case
    return {
        "title": "司法建议函",
        "court_name": letter.court.name,
        "unit_name": letter.unit.name,
        "document_number": letter.document_number,
        "case_number": case.number,
        "is_draft": letter.state == SuggestionState.DRAFTED,
        "watermark": "已撤回" if letter.state == SuggestionState.WITHDRAWN else "",
        "facts": _paragraphs(letter.facts),
        "suggestions": _paragraphs(letter.suggestions),
        "reply_days": letter.reply_days,
        "due_date": chinese_date(letter.due_at) if letter.due_at else "",
        "date": chinese_date(letter.signed_at) if letter.signed_at else "",
        "blank_date": "年　　月　　日",
        "officer_name": case.officer_name,
        "officer_phone": case.officer_phone,
    }


def suggestion_pdf(letter) -> bytes:
    return render_pdf(TEMPLATE, suggestion_context(letter))
