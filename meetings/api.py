"""`/api/v1/meetings/` and `/api/v1/decisions/`: joint meetings and their decisions for member units' systems.

Every read starts from the model's `visible_to(user)`: a unit sees the meetings it is part of and the decisions it
is responsible for (once the minutes are published); the committee sees its jurisdiction's. What a caller may not see is a 404.
The committee creates and edits meetings and makes the meeting page's moves (`api_moves`); a unit's system replies to
its decisions. Each write calls the one service, which decides the rest (403 role, 409 state, 400 input).
"""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import IdFilter, StrictBooleanFilter, WriteRolePermission, validated
from linkage.parsers import UPLOAD_PARSERS

from . import services
from .api_moves import DecisionMovesMixin, MeetingInputSerializer, MeetingMovesMixin
from .models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionEvent,
    DecisionReply,
    DecisionState,
    Meeting,
)
from .serializers import (
    DecisionDetailSerializer,
    DecisionReplyInputSerializer,
    DecisionReplyUploadSerializer,
    DecisionSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
)

# -------------------------------------------------------------------------------------------------- views

NOT_FOUND = {404: OpenApiResponse(description="不存在或无权查看")}
ACTION_ERRORS = {
    400: OpenApiResponse(description="输入不合格（中文信息，按字段）"),
    403: OpenApiResponse(description="角色无权办理"),
    404: OpenApiResponse(description="不存在或无权查看"),
    409: OpenApiResponse(description="当前状态不允许此操作：{detail, state}"),
}
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="id")


@extend_schema_view(
    list=extend_schema(summary="联席会议列表",
                       description="成员单位看到本单位参会、提请议题或负责议定事项的会议（发出通知后）；政法委看到全部。"),
    retrieve=extend_schema(summary="联席会议详情", description="含参会单位及出席情况、议程和议定事项。不可见的返回 404。",
                           responses={200: MeetingDetailSerializer, **NOT_FOUND}, parameters=[ID_PARAMETER]),
    create=extend_schema(summary="创建联席会议（政法委）",
                         description="本辖区政法委筹备一次会议（筹备中）：发出会议通知前只有政法委可见。返回会议详情。",
                         request=MeetingInputSerializer, responses={201: MeetingDetailSerializer, **ACTION_ERRORS}),
    partial_update=extend_schema(summary="修改会议信息（政法委）",
                                 description="会议召开前修改会议类型、名称、时间、地点、召集人、主持人；已通知的会议改时间或"
                                             "地点的，参会单位收到变更通知。",
                                 request=MeetingInputSerializer,
                                 responses={200: MeetingDetailSerializer, **ACTION_ERRORS}, parameters=[ID_PARAMETER]),
)
class MeetingViewSet(MeetingMovesMixin, viewsets.ReadOnlyModelViewSet):
    """Reads for every logged-in user (the queryset filters rows); the writes are the committee's, decided by the
    services (`api_moves.MeetingMovesMixin`)."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        queryset = Meeting.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            queryset = with_detail_relations(queryset)
        return queryset.order_by("-starts_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def detail_data(self, pk):
        meeting = get_object_or_404(with_detail_relations(Meeting.objects.visible_to(self.request.user)), pk=pk)
        return MeetingDetailSerializer(meeting, context=self.get_serializer_context()).data


def with_detail_relations(queryset):
    return queryset.prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.filter(withdrawn_at__isnull=True)
                 .select_related("organisation").order_by("organisation__sort_order", "id"),
                 to_attr="current_attendances"),
        Prefetch("items", queryset=AgendaItem.objects.order_by("position", "id"), to_attr="agenda"),
        Prefetch("decisions", queryset=Decision.objects.select_related("meeting", "responsible_unit")
                 .order_by("position"), to_attr="decision_rows"),
    )


class DecisionFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=DecisionState.choices, help_text="状态代码")
    meeting = IdFilter(field_name="meeting_id", help_text="会议 id")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="true：只列逾期未落实的；false：只列未逾期的")

    class Meta:
        model = Decision
        fields = ["state", "meeting", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(state=DecisionState.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


@extend_schema_view(
    list=extend_schema(summary="会议议定事项列表",
                       description="联络员看到本单位负责、纪要已印发的议定事项（按完成期限先后）；政法委看到全部。"
                                   "可按 state、meeting、overdue=true 过滤。"),
    retrieve=extend_schema(summary="议定事项详情", description="含落实情况回复和历史记录。不可见的返回 404。",
                           responses={200: DecisionDetailSerializer, **NOT_FOUND}, parameters=[ID_PARAMETER]),
)
class DecisionViewSet(DecisionMovesMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, WriteRolePermission]
    filterset_class = DecisionFilter
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return DecisionSerializer if self.action == "list" else DecisionDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Decision.objects.none()
        queryset = Decision.objects.visible_to(self.request.user).with_list_relations()
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("replies", queryset=DecisionReply.objects.select_related("replied_by", "attachment")
                         .order_by("replied_at", "id")),
                Prefetch("events", queryset=DecisionEvent.objects.select_related("actor").order_by("at", "id")),
            )
        return queryset.order_by("due_on", "meeting_id", "position")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        summary="回复落实情况（责任单位联络员）",
        description="待落实 → 已回复，等政法委确认办结或退回。text 必填；附件用 multipart 上传（attachment）。",
        request={"application/json": DecisionReplyInputSerializer, "multipart/form-data": DecisionReplyUploadSerializer},
        responses={200: DecisionDetailSerializer, **ACTION_ERRORS},
        parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def reply(self, request, pk=None):
        decision = self.get_object()
        body = {key: request.data.get(key) for key in ("text",) if key in request.data}
        data = validated(DecisionReplyInputSerializer, body)
        services.reply_to_decision(actor=request.user, decision=decision, text=data.get("text", ""),
                                   attachment=request.FILES.get("attachment"))
        return self.decision_answer(decision)

    def decision_answer(self, decision):
        decision = get_object_or_404(self.get_queryset(), pk=decision.pk)
        return Response(DecisionDetailSerializer(decision, context=self.get_serializer_context()).data)
