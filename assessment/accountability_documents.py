"""The yearly accountability documents as PDFs (templates/pdf/accountability.html on the GB/T 9704 layout,
pdf/official_document.html) and as issued documents (issue 24, `linkage.verification`): a document is issued —
frozen with its verification code and QR code, signed — when the court's leader issues it (签发印发,
`accountability.issue` calls `issue_document` in its transaction); from then on `accountability_pdf` serves the
stored bytes, a draft is rendered. An issued document is never withdrawn (the machine has no such move)."""

from django.utils import timezone

from linkage import verification
from linkage.gbt9704 import official_context
from linkage.numerals import arabic_date
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocumentKind
from linkage.workdays import TIMEZONE

from .accountability_models import AccountabilityState

TEMPLATE = "pdf/accountability.html"
KIND = IssuedDocumentKind.ACCOUNTABILITY
TABLE_NAMES = {
    "organs_report": "行政机关不履行生效裁判案件一览表",
    "deduction_letter": "提请扣分的行政机关案件一览表",
    "officials_list": "涉公职人员未结执行案件一览表",
}


def printed_rows(document):
    return [row for row in document.rows.all() if not row.excluded]


def by_district(rows):
    """[(district name, [rows], organs count)] of the rows, in order of first appearance."""
    groups = {}
    for row in rows:
        groups.setdefault(row.district_name, []).append(row)
    return [(name, items, len({r.debtor_name for r in items})) for name, items in groups.items()]


def issued_on(document):
    return timezone.localtime(document.issued_at, TIMEZONE).date() if document.issued_at else None


def pdf_context(document):
    """The document in the official layout (linkage.gbt9704): the court's banner and register number (none while a
    draft), the addressee, the court and the date of issue, the case table as its attachment, 印发 by the court."""
    day = issued_on(document)
    rows = printed_rows(document)
    return {
        **official_context(
            issuer=document.court.name,
            title=document.title,
            document_number=document.number,
            is_draft=document.is_draft,
            draft_note="（草稿，尚未印发）",
            date=arabic_date(day) if day else "年　　月　　日",
            addressees=document.addressee,
            attachments=[f"{document.year}年度{TABLE_NAMES[document.kind]}"] if rows else (),
        ),
        "number_label": "文号",
        "document": document,
        "rows": rows,
        "issued_on": day,
        "paragraphs": [p.strip() for p in document.body.splitlines() if p.strip()],
        "districts": by_district(rows),
    }


def issue_document(document):
    """Issue the document just issued by the leader (idempotent): its number and addressee as printed."""
    context = pdf_context(document)
    return verification.issue(
        KIND,
        document,
        number=document.number,
        issuer_code=document.court.code,
        issuer_name=document.court.name,
        addressee=document.addressee,
        issued_on=issued_on(document),
        render=lambda extra: render_pdf(TEMPLATE, {**context, **extra}),
    )


def accountability_pdf(document) -> bytes:
    """The document's PDF: once issued, the bytes issued then; a draft rendered with its 草稿 line."""
    if document.state == AccountabilityState.ISSUED:
        issued = verification.document_for(document, KIND)
        if issued is not None:
            return bytes(issued.content)
    return render_pdf(TEMPLATE, pdf_context(document))
