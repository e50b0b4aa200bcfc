"""Files of a notice: its PDF, the lifting notice's PDF, and the stored scans (to those who may see the notice)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from linkage.pdf import pdf_response

from ..models import Attachment, Notice
from .common import visible_notice


@login_required
def notice_pdf(request, pk):
    from .. import documents  # WeasyPrint is loaded only when a PDF is asked for

    notice = visible_notice(request.user, pk)
    return pdf_response(documents.notice_pdf(notice), _pdf_filename(documents, notice), as_attachment=False)


@login_required
def lifting_pdf(request, pk):
    from .. import documents

    notice = visible_notice(request.user, pk)
    if not documents.has_lifting_notice(notice, request.user):
        raise Http404
    return pdf_response(
        documents.lifting_notice_pdf(notice), _pdf_filename(documents, notice, lifting=True), as_attachment=False
    )


def _pdf_filename(documents, notice, *, lifting=False):
    if hasattr(documents, "notice_pdf_filename"):
        return documents.notice_pdf_filename(notice, lifting=lifting)
    title = "解除协助执行通知书" if lifting else "协助执行通知书"
    return f"{title}-{notice.case.number}-{notice.unit.short_name}.pdf"


@login_required
def attachment_download(request, pk):
    """A stored scan, only to those who may see its notice; always as a download with its original name."""
    attachment = get_object_or_404(Attachment.objects.filter(notice__in=Notice.objects.visible_to(request.user)), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
