"""`/api/v1/attachments/{id}/`: a notice's stored scan, to whoever may see the notice."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from ..models import Attachment, Notice
from .support import DOWNLOAD_RENDERERS, NO_FORMAT, NOTICE_OR_404, file_response_headers


class AttachmentDownloadView(APIView):
    """Streams an attachment to whoever may see its notice; to anybody else it does not exist."""

    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(
        summary="下载附件",
        description="附件所属通知书可见时下载原文件（Content-Disposition: attachment，保留原文件名）；否则 404。",
        parameters=[NO_FORMAT],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **NOTICE_OR_404},
    )
    def get(self, request, id):
        visible = Notice.objects.visible_to(request.user).values("pk")
        attachment = get_object_or_404(Attachment.objects.filter(notice__in=visible), pk=id)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404
        response = FileResponse(handle, content_type=attachment.content_type)
        return file_response_headers(response, attachment.original_name, as_attachment=True)
