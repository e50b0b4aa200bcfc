"""`/verify/` and `GET /api/v1/verify/{code}/`: anybody checks an issued document (issue 24) — no login, on a phone
as on a desktop, rate limited per client address (page and API together, `linkage.ratelimit`). A code shows what
the document prints and its status; an uploaded PDF is compared byte for byte (SHA-256) with the issued one. A wrong
code gets the one answer `verification.NOT_FOUND`, whatever was typed. An uploaded PDF's answer (its bytes and
its PAdES signature) is `verification_checks.check_upload`; `answer` is the whole check, which a unit liaison's
inbox (assistance) reuses as it is."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import verification, verification_checks
from .ratelimit import over_limit, retry_after
from .verification_models import IssuedDocumentStatus

TEMPLATE = "verify/check.html"
TOO_MANY_MESSAGE = "查验过于频繁，请稍后再试。"
PROMPT = "请输入文书上的核验码（12位，如 7KQ4-M9XD-2PWR），或用手机扫描文书上的二维码。"
SAME, DIFFERENT = verification_checks.SAME, verification_checks.DIFFERENT
NOT_A_PDF = "请上传PDF文件。"
NOT_RECOGNISED = (
    "上传的文件不是本平台签发的文件原样，无法据以识别文书：请输入文书上的核验码查验（扫描件须输入核验码）。"
)
CHUNK = 64 * 1024


def limited(request):
    """The one rate limit of every check (this page, the API, a liaison's inbox): per client address and minute."""
    return over_limit(request, scope="verify", per_minute=settings.VERIFY_RATE_PER_MINUTE)


def _page(request, *, status=200, **context):
    context = {"prompt": PROMPT, "max_mb": settings.VERIFY_UPLOAD_MAX_MB, **context}
    response = render(request, TEMPLATE, context, status=status)
    if status == 429:
        response["Retry-After"] = retry_after()
    return response


def check(request):
    """The form; `?code=` (the form's GET) goes to the code's own address, the one the QR code encodes."""
    code = request.GET.get("code", "")
    if verification.normalise_code(code):
        return redirect("verify:check-code", code=verification.normalise_code(code)[:40])
    return _page(request)


@require_http_methods(["GET", "POST"])
def check_code(request, code):
    """GET: the document a code names and its status. POST (a PDF): whether it is the issued file, and its
    electronic signature."""
    context, status = answer(request, code, upload=request.method == "POST")
    return _page(request, status=status, **context)


def answer(request, typed, *, upload, find_by_file=False):
    """(context, status) of one check — the public page's and a liaison's inbox's: rate limited, the document the
    code names (or, with `find_by_file` and no code typed, the one whose issued bytes the upload is), and with
    `upload` what the uploaded PDF is (`verification_checks.check_upload`). The context holds only what the public
    page shows: `code`, `document` (its public facts), `comparison` (an UploadCheck), `message`, `upload_error`."""
    typed = (typed or "")[:40]
    if limited(request):
        return {"code": typed, "message": TOO_MANY_MESSAGE}, 429
    data, error = read_pdf(request) if upload else (None, "")
    if find_by_file and not verification.normalise_code(typed):
        if error:
            return {"message": error}, 400
        document = verification.lookup_file(data)
        if document is None:
            return {"message": NOT_RECOGNISED}, 404
    else:
        document = verification.lookup(typed)
        if document is None:
            return {"code": typed, "message": verification.NOT_FOUND}, 404
    context = {"code": document.grouped_code, "document": verification.public_facts(document)}
    if error:
        return {**context, "upload_error": error}, 400
    if data is not None:
        context["comparison"] = verification_checks.check_upload(document, data)
    return context, 200


def read_pdf(request):
    """(bytes, "") of the uploaded `pdf`, or (None, why not): bounded in size, a PDF by its first bytes."""
    upload = request.FILES.get("pdf")
    if upload is None:
        return None, NOT_A_PDF
    if upload.size > settings.VERIFY_UPLOAD_MAX_MB * 1024 * 1024:
        return None, f"文件超过{settings.VERIFY_UPLOAD_MAX_MB}MB，不是签发的文书。"
    data = b"".join(upload.chunks(CHUNK))
    if not data.startswith(b"%PDF-"):
        return None, NOT_A_PDF
    return data, ""


# ---------------------------------------------------------------------------------------------------------------- API


class VerifiedDocumentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="核验码（分组书写，如 7KQ4-M9XD-2PWR）")
    kind = serializers.CharField(help_text="文书类型代码，如 assistance_notice、lifting_notice、renewal_notice")
    kind_display = serializers.CharField(help_text="文书类型，如 协助执行通知书")
    document_number = serializers.CharField(help_text="文书上印的编号（案号或发文字号）")
    issuer_name = serializers.CharField(help_text="签发机关")
    addressee = serializers.CharField(help_text="主送单位")
    issued_on = serializers.DateField(help_text="签发日期")
    status = serializers.ChoiceField(
        choices=IssuedDocumentStatus.choices,
        help_text="in_force 有效；lifted 已解除；withdrawn 已撤回；superseded 已被替代",
    )
    status_display = serializers.CharField()
    status_note = serializers.CharField(help_text="状态说明，如解除协助执行通知书的编号和日期")


DETAIL = inline_serializer("VerifyDetail", {"detail": serializers.CharField()})


@extend_schema(
    summary="查验文书核验码",
    operation_id="verify_retrieve",
    tags=["verify"],
    description="任何人（无需登录）按文书上的核验码查验其签发机关、类型、编号、主送单位、日期和当前状态；与 /verify/ 页面"
    "回答相同，按客户端地址限流（页面与接口合计）。核验码不区分大小写，可含空格或连字符。",
    responses={
        200: VerifiedDocumentSerializer,
        404: OpenApiResponse(
            DETAIL,
            description="未找到该核验码对应的文书",
            examples=[OpenApiExample("404", value={"detail": verification.NOT_FOUND})],
        ),
        429: OpenApiResponse(
            DETAIL, description="查验过于频繁", examples=[OpenApiExample("429", value={"detail": TOO_MANY_MESSAGE})]
        ),
    },
)
@api_view(["GET"])
@authentication_classes([])  # public: a stale or wrong token must not turn the check into a 401
@permission_classes([AllowAny])
def verify_api(request, code):
    if limited(request):
        return Response({"detail": TOO_MANY_MESSAGE}, status=429, headers={"Retry-After": retry_after()})
    document = verification.lookup(code[:40])
    if document is None:
        return Response({"detail": verification.NOT_FOUND}, status=404)
    return Response(VerifiedDocumentSerializer(verification.public_facts(document)).data)
