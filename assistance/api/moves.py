"""The moves of a notice through the API, and its PDFs: each looks the notice up through the caller's visibility
(404 otherwise), parses the body with its input serializer and calls the one service, which decides the rest (403
for a role that may not act, 409 for a wrong state, 400 for bad input); it answers with the notice as it stands."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from linkage.api import validated
from linkage.errors import TransitionNotAllowed
from linkage.parsers import UPLOAD_PARSERS

from .. import services
from ..input_serializers import (
    ExtensionDecisionSerializer,
    ExtensionRequestInputSerializer,
    LiftSerializer,
    NoticeAmendSerializer,
    ReasonSerializer,
    ReplyInputSerializer,
    ReplyUploadSerializer,
    ReplyWithFilesSerializer,
    ReturnSerializer,
    ReviewDecisionSerializer,
    ReviewSuggestionInputSerializer,
    WithdrawSerializer,
)
from ..machines import NOTICE_MACHINE
from ..models import ExtensionRequest, ReviewSuggestion
from ..serializers import ExtensionRequestSerializer, ReviewSuggestionSerializer
from .support import (
    DOWNLOAD_RENDERERS,
    ID_PARAMETER,
    NO_FORMAT,
    NOTICE_OR_404,
    action_schema,
    pdf_response,
    request_body,
)


class NoticeMovesMixin:
    """The actions of `NoticeViewSet` that change a notice, and its PDFs."""

    def _act(self, request, service, serializer_class=None):
        notice = self.get_object()
        data = validated(serializer_class, request_body(request)) if serializer_class else {}
        service(actor=request.user, notice=notice, **data)
        return Response(self._detail(notice.pk))

    @action_schema("签发通知书（执行局领导）", "草稿 → 已签发。", parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self._act(request, services.sign_notice)

    @action_schema("退回草稿（执行局领导）", "草稿 → 退回修改，须写明理由 reason；起草的执行员收到通知。",
                   request=ReturnSerializer, parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"], url_path="return")
    def return_draft(self, request, pk=None):
        return self._act(request, services.return_draft, ReturnSerializer)

    @action_schema(
        "修改后重新报签（执行员）",
        "退回修改 → 草稿：可同时修改 ruling_number、legal_basis、note（与 PATCH 相同）；执行局领导收到待签发通知。",
        request=NoticeAmendSerializer, parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        notice = self.get_object()
        NOTICE_MACHINE.check(notice, "resubmit", request.user)  # 403 for another role, 409 unless returned
        data = validated(NoticeAmendSerializer, request_body(request), partial=True)
        services.amend_draft(actor=request.user, notice=notice, **data)
        return Response(self._detail(notice.pk))

    @action_schema(
        "送达通知书（执行员）",
        "已签发 → 已送达，开始计算办理期限：按单位和措施的期限规则与工作日历计算 due_at，"
        "并给出 deadline_rule 与 deadline_explanation；日历未载入的年份按周一至周五计算并标记 deadline_provisional。",
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def serve(self, request, pk=None):
        return self._act(request, services.serve_notice)

    @action_schema("签收通知书（该单位联络员）", "已送达 → 已签收。", parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(request, services.acknowledge_notice)

    @action_schema(
        "回复办理结果（该单位联络员）",
        "已签收 → 已回复。outcome：done 已办理、partly_done 部分办理、not_found 未查到、cannot_do 无法办理"
        "（后两者及部分办理须写明说明）。results 按措施结构化；附件用 multipart 上传（attachments 或 attachments[]），"
        "此时 results 传 JSON 字符串。单位不得拒绝协助，有异议请提出审查建议。",
        request={"application/json": ReplyInputSerializer, "multipart/form-data": ReplyUploadSerializer},
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def reply(self, request, pk=None):
        notice = self.get_object()
        data = validated(ReplyWithFilesSerializer, request_body(request, lists=("results",), files=("attachments",)))
        services.reply_to_notice(
            actor=request.user,
            notice=notice,
            outcome=data["outcome"],
            results=[dict(result) for result in data.get("results", [])],
            text=data.get("text", ""),
            attachments=data.get("attachments", []),
        )
        return Response(self._detail(notice.pk))

    @action_schema("办结通知书（执行员）", "已回复 → 已办结。", request=ReasonSerializer, parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, services.close_notice, ReasonSerializer)

    @action_schema(
        "拟解除协助执行（执行员）",
        "已送达、已签收、已回复或已办结 → 解除待签发，待执行局领导签发（/sign-lifting/）或退回（/return-lifting/）。"
        "ground：performed 已履行完毕、security 提供担保、concluded 案件执行完毕或终结、applicant_withdrew 申请执行人同意解除；"
        "ruling_number：解除裁定书文号（必填，如（2026）粤0103执123号之一），印在解除协助执行通知书上。",
        request=LiftSerializer,
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        return self._act(request, services.lift_notice, LiftSerializer)

    @action_schema(
        "签发解除（执行局领导）",
        "解除待签发 → 已解除：解除协助执行通知书（见 /lifting-pdf/）送达协助单位，单位收到通知，须在一个工作日内在线确认。",
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"], url_path="sign-lifting")
    def sign_lifting(self, request, pk=None):
        return self._act(request, services.sign_lifting)

    @action_schema(
        "退回解除（执行局领导）",
        "解除待签发 → 解除前的状态，须写明理由 reason；已执行完毕或终结的案件不能退回。",
        request=ReturnSerializer, parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"], url_path="return-lifting")
    def return_lifting(self, request, pk=None):
        return self._act(request, services.return_lifting, ReturnSerializer)

    @action_schema("确认解除（该单位联络员）", "已解除 → 已确认解除：单位确认收到解除协助执行通知书并停止协助执行。",
                   parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"], url_path="acknowledge-lifting")
    def acknowledge_lifting(self, request, pk=None):
        return self._act(request, services.acknowledge_lifting)

    @action_schema(
        "撤回通知书（执行员）",
        "草稿至已签收的通知书可以撤回，须写明理由。",
        request=WithdrawSerializer,
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(request, services.withdraw_notice, WithdrawSerializer)

    # ------------------------------------------------------------------------------------------ side paths

    @action_schema(
        "申请延期（该单位联络员）",
        "不能按期办理的，应在期限届满前申请，写明理由；days 为1至30个工作日。同一通知书只能有一个待决定的申请。",
        request=ExtensionRequestInputSerializer,
        response=ExtensionRequestSerializer,
        code=201,
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"], url_path="extension-requests")
    def extension_requests(self, request, pk=None):
        notice = self.get_object()
        data = validated(ExtensionRequestInputSerializer, request_body(request))
        extension = services.request_extension(actor=request.user, notice=notice, **data)
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)

    @action_schema(
        "决定延期申请（执行员）",
        "granted=true 时办理期限自原期限起顺延所申请的工作日数；不同意的须写明理由。返回通知书。",
        request=ExtensionDecisionSerializer,
        parameters=[ID_PARAMETER, OpenApiParameter("rid", int, OpenApiParameter.PATH, description="延期申请 id")],
    )
    @action(detail=True, methods=["post"], url_path=r"extension-requests/(?P<rid>\d+)/decide")
    def decide_extension(self, request, pk=None, rid=None):
        notice = self.get_object()
        extension = get_object_or_404(ExtensionRequest, pk=rid, notice=notice)
        data = validated(ExtensionDecisionSerializer, request_body(request))
        services.decide_extension(actor=request.user, request=extension, **data)
        return Response(self._detail(notice.pk))

    @action_schema(
        "提出审查建议（该单位联络员）",
        "单位认为通知书有误的，可以提出审查建议，但不得拒绝协助：办理期限照常计算。",
        request=ReviewSuggestionInputSerializer,
        response=ReviewSuggestionSerializer,
        code=201,
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"], url_path="review-suggestions")
    def review_suggestions(self, request, pk=None):
        notice = self.get_object()
        data = validated(ReviewSuggestionInputSerializer, request_body(request))
        suggestion = services.raise_review_suggestion(actor=request.user, notice=notice, **data)
        return Response(ReviewSuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)

    @action_schema(
        "审查审查建议（执行员）",
        "不成立：单位仍须办理，期限不变。成立：通知书撤回（resolution=withdrawn），或撤回并复制为新草稿"
        "（resolution=amended，新草稿 id 见 superseded_by）。也可用 decision：upheld / withdrawn / amended / not_upheld。"
        "须填写审查意见 reason。返回通知书。",
        request=ReviewDecisionSerializer,
        parameters=[ID_PARAMETER, OpenApiParameter("sid", int, OpenApiParameter.PATH, description="审查建议 id")],
    )
    @action(detail=True, methods=["post"], url_path=r"review-suggestions/(?P<sid>\d+)/decide")
    def decide_review_suggestion(self, request, pk=None, sid=None):
        notice = self.get_object()
        suggestion = get_object_or_404(ReviewSuggestion, pk=sid, notice=notice)
        data = validated(ReviewDecisionSerializer, request_body(request))
        services.decide_review_suggestion(actor=request.user, suggestion=suggestion, **data)
        return Response(self._detail(notice.pk))

    # ----------------------------------------------------------------------------------------------- PDFs

    @extend_schema(
        summary="协助执行通知书 PDF",
        description="按最高人民法院文书样式生成的协助执行通知书（含回执）。可查看该通知书的用户均可下载。",
        parameters=[ID_PARAMETER, NO_FORMAT],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **NOTICE_OR_404},
    )
    @action(detail=True, methods=["get"], renderer_classes=DOWNLOAD_RENDERERS)
    def pdf(self, request, pk=None):
        from ..documents import notice_pdf

        notice = self.get_object()
        return pdf_response(notice_pdf(notice), f"协助执行通知书{notice.case.number}-{notice.unit.short_name}.pdf")

    @extend_schema(
        summary="解除协助执行通知书 PDF",
        description="已解除（含单位已确认解除）的通知书的解除协助执行通知书，引用解除裁定书文号；解除待签发时"
        "本院人员可取得草稿（带“草稿”水印），单位不能；尚未解除的返回 409。",
        parameters=[ID_PARAMETER, NO_FORMAT],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **NOTICE_OR_404,
            409: OpenApiResponse(description="通知书尚未解除"),
        },
    )
    @action(detail=True, methods=["get"], url_path="lifting-pdf", renderer_classes=DOWNLOAD_RENDERERS)
    def lifting_pdf(self, request, pk=None):
        from .. import documents
        from ..documents import lifting_notice_pdf

        notice = self.get_object()
        if not documents.has_lifting_notice(notice, request.user):
            raise TransitionNotAllowed("该通知书尚未解除，没有解除协助执行通知书。", state=notice.state)
        return pdf_response(
            lifting_notice_pdf(notice), f"解除协助执行通知书{notice.case.number}-{notice.unit.short_name}.pdf"
        )
