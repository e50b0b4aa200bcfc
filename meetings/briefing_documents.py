"""A committee briefing (工作通报) as its GB/T 9704 document (``templates/pdf/briefing.html`` on
``official_document.html``). Once issued (``meetings.issuing``), the PDF served is the one stored at issue, byte for
byte, with its verification code; a draft is rendered with its 草稿 mark, a withdrawn briefing with its 已撤回 mark
(the check page of its code says 已撤回)."""

from django.utils import timezone

from linkage.gbt9704 import official_context
from linkage.numerals import arabic_date
from linkage.pdf import render_pdf
from linkage.verification import document_for
from linkage.verification_models import IssuedDocumentKind
from members.models import Leader

from .briefing_models import BriefingState


def _leader_posts(briefing):
    """抄送: the party and government leaders it went to (issued), or goes to (a draft), by post."""
    if briefing.state == BriefingState.DRAFT:
        leaders = Leader.objects.current(briefing.jurisdiction_id)
    else:
        leaders = Leader.objects.filter(pk__in=briefing.recipients.filter(leader__isnull=False).values("leader_id"))
    return "，".join(leaders.order_by("sort_order", "pk").values_list("post", flat=True))


def briefing_context(briefing):
    """The briefing in the official layout: the committee's banner, its register number (none while a draft), 主送
    各成员单位 (the active units it goes to), 抄送 the party and government leaders by post, 印发 by the committee on the day of issue."""
    issued = timezone.localtime(briefing.issued_at).date() if briefing.issued_at else timezone.localdate()
    date = arabic_date(issued)
    return {
        **official_context(
            issuer=briefing.issuer.name,
            title=briefing.title,
            document_number=briefing.document_number,
            is_draft=briefing.state == BriefingState.DRAFT,
            date=date,
            addressees="各成员单位",
            copied=_leader_posts(briefing),
            attachments=["各成员单位逾期未办理协助执行通知书情况"] if briefing.figures.get("overdue") else (),
        ),
        "number_label": "通报文号",
        "briefing": briefing,
        "sections": briefing.sections,
        "figures": briefing.figures,
        "is_withdrawn": briefing.state == BriefingState.WITHDRAWN,
    }


def briefing_pdf_bytes(briefing):
    """The issued briefing's stored PDF while it is in force; otherwise rendered (a draft, a withdrawn one, or one
    issued before documents were issued)."""
    if briefing.state == BriefingState.ISSUED:
        issued = document_for(briefing, IssuedDocumentKind.BRIEFING)
        if issued is not None:
            return bytes(issued.content)
    return render_pdf("pdf/briefing.html", briefing_context(briefing))
