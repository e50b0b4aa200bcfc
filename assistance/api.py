"""`/api/v1/notices/` and `/api/v1/attachments/{id}/`: assistance notices for courts and member units' systems.

Every read starts from `Notice.objects.visible_to(user)`, the one visibility rule: what a caller may not see is a
404, never a 403, so nobody learns it exists. An action looks the notice up that way first, then calls the service,
which decides the rest (403 for a role that may not act on a visible notice, 409 for a wrong state, 400 for bad
input). The API never writes a row itself.
"""

import json

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Case, Party
from linkage import parsers as bounded_json
from linkage.api import StrictBooleanFilter, WriteRolePermission, validated
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from members.models import Organisation

from . import services
from .models import (
    OPEN_STATES,
    Attachment,
    ExtensionRequest,
    Notice,
    NoticeEvent,
    NoticeState,
    Reply,
    ReviewSuggestion,
)
from .serializers import (
    DraftResultSerializer,
    ExtensionDecisionSerializer,
    ExtensionRequestInputSerializer,
    ExtensionRequestSerializer,
    LiftSerializer,
    NoticeAmendSerializer,
    NoticeCreateSerializer,
    NoticeDetailSerializer,
    NoticeSerializer,
    ReasonSerializer,
    ReplyInputSerializer,
    ReviewDecisionSerializer,
    ReviewSuggestionInputSerializer,
    ReviewSuggestionSerializer,
    WithdrawSerializer,
)

# ------------------------------------------------------------------------------------------------ helpers


class DownloadRenderer(BaseRenderer):
    """Lets a file be asked for with any Accept header (`application/pdf`, `image/*`); the file itself is sent as
    a Django response and never passes through a renderer, so this only ever renders an error body, as JSON."""

    media_type = "*/*"
    format = "download"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


DOWNLOAD_RENDERERS = [JSONRenderer, DownloadRenderer]


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


def _is_id(value):
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


class NoticeFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=NoticeState.choices, help_text="状态代码")
    unit = filters.CharFilter(field_name="unit__code", help_text="协助执行单位代码")
    case = filters.NumberFilter(field_name="case_id", help_text="案件 id")
    measure = filters.CharFilter(field_name="measure__code", help_text="协助措施代码")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="true：只列已超期的；false：只列未超期的")

    class Meta:
        model = Notice
        fields = ["state", "unit", "case", "measure", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        now = getattr(self.request, "linkage_now", None) or timezone.now()
        late = Q(state__in=OPEN_STATES, due_at__lt=now)
        return queryset.filter(late) if value else queryset.exclude(late)


# The download renderer exists for content negotiation only; `?format=` is not part of the contract.
NO_FORMAT = OpenApiParameter("format", exclude=True)
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


# ------------------------------------------------------------------------------------------------- notices


# What a list row shows (NoticeSerializer): the notice's own columns, and of its relations only the few the row names;
# not the dozens of columns of a case, two organisations and a party for every row of every page.
LIST_COLUMNS = (
    *(field.name for field in Notice._meta.concrete_fields),
    "case__number", "court__code", "court__name", "unit__code", "unit__name", "measure__code", "measure__name",
    "debtor__name", "debtor__kind", "debtor__id_number", "debtor__credit_code", "debtor__legal_representative",
)

# What a detail adds to a row: who signed it, its reply and who replied — of a user only the name the detail shows.
_USER_NAME = ("full_name", "username")
DETAIL_COLUMNS = (
    *LIST_COLUMNS,
    *(f"signed_by__{name}" for name in _USER_NAME),
    *(f"reply__{field.name}" for field in Reply._meta.concrete_fields),
    *(f"reply__replied_by__{name}" for name in _USER_NAME),
)
EVENT_COLUMNS = (
    *(field.name for field in NoticeEvent._meta.concrete_fields),
    *(f"actor__{name}" for name in _USER_NAME),
    "actor__organisation__short_name",
)


def _known_empty(notice, name):
    """`notice.<name>.all()` answers an empty list without a query, as prefetch_related would leave it (the detail's
    EXISTS already said there is nothing to fetch)."""
    manager = getattr(notice, name)
    notice.__dict__.setdefault("_prefetched_objects_cache", {})[name] = manager.none()


@extend_schema_view(
    list=extend_schema(
        summary="协助执行通知书列表",
        description="法院人员看到本院的通知书，联络员看到本单位已送达的通知书（按办理期限先后），政法委看到全部。"
        "可按 state、unit（单位代码）、case、measure、overdue=true 过滤。列表不含历史记录、回复和附件，见详情。",
    ),
    retrieve=extend_schema(
        summary="协助执行通知书详情",
        description="含协助事项、回复、附件（带下载地址）、延期申请、审查建议和完整的历史记录。不可见的返回 404。",
        responses={200: NoticeDetailSerializer, **NOTICE_OR_404},
    ),
    create=extend_schema(
        summary="起草协助执行通知书（执行员）",
        description="同一事项发往一个或多个单位，每个单位一份通知书，同属一个批次。units 可为单位 id 或单位代码；"
        "单位须能办理该措施；debtor 须为本案被执行人。JSON 或 multipart（附执行裁定书扫描件）。",
        request={"application/json": NoticeCreateSerializer, "multipart/form-data": NoticeCreateSerializer},
        responses={201: DraftResultSerializer, 400: ACTION_ERRORS[400], 403: ACTION_ERRORS[403]},
    ),
    partial_update=action_schema(
        "修改通知书草稿（执行员）",
        "只有草稿可以修改：执行裁定书文号、法律依据、其他事项。",
        request=NoticeAmendSerializer,
    ),
)
class NoticeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated, WriteRolePermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = NoticeFilter
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # One moment for the whole request, so the overdue filter and each row's `overdue` agree.
        request.linkage_now = timezone.now()

    def get_serializer_class(self):
        return NoticeSerializer if self.action == "list" else NoticeDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["now"] = getattr(self.request, "linkage_now", None)
        return context

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Notice.objects.none()
        user = self.request.user
        queryset = Notice.objects.visible_to(user)
        if self.action == "list":
            # The page's items come with one query once the page is cut (paginate_queryset).
            return self._with_list_relations(queryset).only(*LIST_COLUMNS).order_by(*self._list_ordering(user))
        if self.action in ("pdf", "lifting_pdf"):
            return self._with_list_relations(queryset).prefetch_related("items")
        return queryset

    @staticmethod
    def _with_list_relations(queryset):
        return queryset.select_related("case", "court", "unit", "measure", "debtor")

    @staticmethod
    def _sublist_prefetches():
        """The sub-lists a notice may have besides its items and history. Most notices have no extension request and
        no review suggestion, and a draft no attachment: a single notice's detail asks whether it has any (EXISTS in
        its main query) and fetches only those it has, instead of one query for each on every notice opened."""
        return {
            "attachments": Prefetch(
                "attachments", queryset=Attachment.objects.select_related("uploaded_by").order_by("uploaded_at", "id")
            ),
            "extension_requests": Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by").order_by(
                    "requested_at", "id"
                ),
            ),
            "review_suggestions": Prefetch(
                "review_suggestions",
                queryset=ReviewSuggestion.objects.select_related("raised_by", "decided_by").order_by("raised_at", "id"),
            ),
        }

    @staticmethod
    def _list_ordering(user):
        return (F("due_at").asc(nulls_last=True), "id") if user.is_liaison else ("-created_at", "-id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            Notice.attach_items(page)
        return page

    @staticmethod
    def _events():
        return NoticeEvent.objects.select_related("actor__organisation").only(*EVENT_COLUMNS).order_by("at", "id")

    def _detail_queryset(self, user):
        """A notice's detail row as `user` sees it: its relations, who signed, its reply, what supersedes it and
        which sub-lists it has (the history and the reply's results are fetched beside it)."""
        queryset = (
            self._with_list_relations(Notice.objects.visible_to(user))
            .select_related("signed_by", "reply__replied_by")
            .only(*DETAIL_COLUMNS)
            .annotate(
                superseded_by_id=Subquery(
                    Notice.objects.visible_to(user).filter(supersedes=OuterRef("pk")).order_by("id").values("pk")[:1]
                )
            )
        )
        return queryset.annotate(**{
            f"has_{name}": Exists(prefetch.queryset.model.objects.filter(notice=OuterRef("pk")))
            for name, prefetch in self._sublist_prefetches().items()
        })

    def _detail_notices(self, pks):
        """Notices with everything their detail shows, by id, leaving out those the caller cannot see."""
        notices = list(
            self._detail_queryset(self.request.user).filter(pk__in=pks).order_by("id")
            .prefetch_related("reply__results", Prefetch("events", queryset=self._events()))
        )
        Notice.attach_items(notices)
        for name, prefetch in self._sublist_prefetches().items():
            having = [notice for notice in notices if getattr(notice, f"has_{name}")]
            if having:
                prefetch_related_objects(having, prefetch)
            for notice in notices:
                if not getattr(notice, f"has_{name}"):
                    _known_empty(notice, name)
        return notices

    def _detail_notice(self, pk):
        """One notice with everything its detail shows, or None if the caller cannot see it."""
        return next(iter(self._detail_notices([pk])), None)

    def _detail(self, pk):
        """The notice as it stands after a change, seen through the caller's visibility."""
        notice = self._detail_notice(pk)
        if notice is None:  # e.g. a draft the caller cannot see any more — never the case for its own action
            raise Http404
        return NoticeDetailSerializer(notice, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        notice = self._detail_notice(kwargs["pk"])
        if notice is None:
            raise Http404
        return Response(self.get_serializer(notice).data)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_clerk:  # refused before the body is read; draft_notices holds the same rule
            raise PermissionDenied("只有法院执行员可以起草协助执行通知书。")
        data = validated(
            NoticeCreateSerializer, request_body(request, lists=("units", "items"), files=("attachments",))
        )
        case = Case.objects.visible_to(user).filter(pk=data["case"]).first()
        if case is None:
            raise ApplicationError("案件不存在。", field="case")
        debtor = Party.objects.filter(pk=data["debtor"], case=case).first()
        if debtor is None:
            raise ApplicationError("所选当事人不是本案被执行人。", field="debtor")
        batch, notices = services.draft_notices(
            actor=user,
            case=case,
            units=self._units(data),
            measure=data["measure"],
            debtor=debtor,
            items=[dict(item) for item in data["items"]],
            ruling_number=data["ruling_number"],
            legal_basis=data.get("legal_basis", ""),
            note=data.get("note", ""),
            ruling_files=data.get("attachments", []),
        )
        created = self._detail_notices([notice.pk for notice in notices])
        return Response(
            {
                "batch": batch.pk,
                "notices": NoticeDetailSerializer(created, many=True, context=self.get_serializer_context()).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def _units(data):
        """Units by id or by code, in the order given; an unknown one is named in the message."""
        wanted = list(data.get("units") or [])
        if data.get("unit"):
            wanted.append(data["unit"])
        if not wanted:
            raise ApplicationError("请选择至少一个协助执行单位。", field="units")
        ids = {int(value) for value in wanted if _is_id(value)}
        codes = {str(value) for value in wanted}
        found = Organisation.objects.filter(Q(pk__in=ids) | Q(code__in=codes))
        by_id = {unit.pk: unit for unit in found}
        by_code = {unit.code: unit for unit in found}
        units = []
        for value in wanted:
            value = str(value)
            unit = by_id.get(int(value)) if _is_id(value) and int(value) in by_id else by_code.get(value)
            if unit is None:
                raise ApplicationError(f"协助执行单位“{value}”不存在。", field="units")
            units.append(unit)
        return units

    def partial_update(self, request, *args, **kwargs):
        notice = self.get_object()
        body = request_body(request)
        known = validated(
            NoticeAmendSerializer, {k: v for k, v in body.items() if k in NoticeAmendSerializer().fields}, partial=True
        )
        # Fields that may not be amended go to the service too: it refuses them, after checking role and state.
        unknown = {key: value for key, value in body.items() if key not in known}
        reserved = sorted({"actor", "notice"} & set(unknown))
        if reserved:
            raise ApplicationError(f"不能修改字段：{'、'.join(reserved)}。")
        services.amend_draft(actor=request.user, notice=notice, **known, **unknown)
        return Response(self._detail(notice.pk))

    # ---------------------------------------------------------------------------------------- transitions

    def _act(self, request, service, serializer_class=None):
        notice = self.get_object()
        data = validated(serializer_class, request_body(request)) if serializer_class else {}
        service(actor=request.user, notice=notice, **data)
        return Response(self._detail(notice.pk))

    @action_schema("签发通知书（执行局领导）", "草稿 → 已签发。", parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self._act(request, services.sign_notice)

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
        request={"application/json": ReplyInputSerializer, "multipart/form-data": ReplyInputSerializer},
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        notice = self.get_object()
        data = validated(ReplyInputSerializer, request_body(request, lists=("results",), files=("attachments",)))
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
        "解除协助执行（执行员）",
        "已送达、已签收、已回复或已办结 → 已解除；单位收到解除协助执行通知书（见 /lifting-pdf/）。"
        "ground：performed 已履行完毕、security 提供担保、concluded 案件执行完毕或终结、applicant_withdrew 申请执行人同意解除。",
        request=LiftSerializer,
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        return self._act(request, services.lift_notice, LiftSerializer)

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
        from .documents import notice_pdf

        notice = self.get_object()
        return pdf_response(notice_pdf(notice), f"协助执行通知书{notice.case.number}-{notice.unit.short_name}.pdf")

    @extend_schema(
        summary="解除协助执行通知书 PDF",
        description="已解除的通知书的解除协助执行通知书；尚未解除的返回 409。",
        parameters=[ID_PARAMETER, NO_FORMAT],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **NOTICE_OR_404,
            409: OpenApiResponse(description="通知书尚未解除"),
        },
    )
    @action(detail=True, methods=["get"], url_path="lifting-pdf", renderer_classes=DOWNLOAD_RENDERERS)
    def lifting_pdf(self, request, pk=None):
        from .documents import lifting_notice_pdf

        notice = self.get_object()
        if notice.state != NoticeState.LIFTED:
            raise TransitionNotAllowed("该通知书尚未解除，没有解除协助执行通知书。", state=notice.state)
        return pdf_response(
            lifting_notice_pdf(notice), f"解除协助执行通知书{notice.case.number}-{notice.unit.short_name}.pdf"
        )


# --------------------------------------------------------------------------------------------- attachments


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
