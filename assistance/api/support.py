"""What the notices API's views share: a file download's renderer and headers, the request body as a plain dict
(JSON or a multipart form), and the schema's common parameters and error responses."""


from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError

from linkage import parsers as bounded_json
from linkage.api import DOWNLOAD_RENDERERS, NO_FORMAT, DownloadRenderer  # noqa: F401 - the notices API's names

from ..serializers import NoticeDetailSerializer


def request_body(request, *, lists=(), files=()):
    """The body as a plain dict, from JSON or from a multipart form. In a form, a list field may come as repeated
    keys (`units=3&units=5`), with `[]` (`attachments[]`) or as one JSON string (`results=[{...}]`)."""
    data = request.data
    if not hasattr(data, "getlist"):
        if not isinstance(data, dict):
            raise ValidationError({"detail": "请求体应为 JSON 对象。"})
        return data
    body = {}
    for key in data:
        name = key.removesuffix("[]")
        if name in files:
            continue
        values = data.getlist(key)
        if name in lists:
            single = values[0] if len(values) == 1 and isinstance(values[0], str) else None
            if single is not None and single.lstrip().startswith("["):
                try:
                    body[name] = bounded_json.loads(single)
                except ValueError:
                    raise ValidationError({name: ['应为 JSON 数组，如 [{"identifier": "…"}]。']})
            else:
                # One plain value stays a string, so a list field may split it (`units=3,5`).
                body[name] = single if single is not None else values
        else:
            body[name] = values[-1] if values else ""
    for name in files:
        uploads = request.FILES.getlist(name) + request.FILES.getlist(f"{name}[]")
        if uploads:
            body[name] = uploads
    return body


def is_id(value):
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) <= 18


def file_response_headers(response, filename, *, as_attachment):
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    return file_response_headers(response, filename, as_attachment=False)


# The download renderer exists for content negotiation only; `?format=` is not part of the contract.
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="通知书 id")
NOTICE_OR_404 = {404: OpenApiResponse(description="不存在或无权查看")}
ACTION_ERRORS = {
    400: OpenApiResponse(description="输入不合格（中文信息，按字段）"),
    403: OpenApiResponse(description="角色无权办理"),
    404: OpenApiResponse(description="不存在或无权查看"),
    409: OpenApiResponse(description="当前状态不允许此操作：{detail, state}"),
}


def action_schema(summary, description="", request=None, response=NoticeDetailSerializer, code=200, **kwargs):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={code: response, **ACTION_ERRORS},
        **kwargs,
    )
