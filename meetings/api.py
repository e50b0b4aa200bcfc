"""`/api/v1/meetings/` and `/api/v1/decisions/`: joint meetings and their decisions for member units' systems.

Every read starts from the model's `visible_to(user)`: a unit sees the meetings it is part of and the decisions it
is responsible for (once the minutes are published); the committee sees its jurisdiction's. What a caller may not see is a 404.
The reply action calls the one service, which decides the rest (403 role, 409 state, 400 input).
"""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import IdFilter, NamedChoiceField, StrictBooleanFilter, WriteRolePermission, validated
from linkage.parsers import UPLOAD_PARSERS
from linkage.text import TEXT_MAX, ApiTextField

from . import services
from .models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionEvent,
    DecisionReply,
    DecisionState,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingState,
)

# ---------------------------------------------------------------------------------------------- serializers


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True, help_text="单位代码")
    name = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)


class AttendanceSerializer(serializers.ModelSerializer):
    organisation = UnitRefSerializer(read_only=True)
    status = NamedChoiceField(choices=AttendanceStatus.choices, enum_name="AttendanceStatusEnum", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Attendance
        fields = ["organisation", "person_name", "position", "status", "status_display"]
        read_only_fields = fields


class AgendaItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True, allow_null=True)
    kind = NamedChoiceField(choices=ItemKind.choices, enum_name="AgendaItemKindEnum", read_only=True)
    title = serializers.CharField(read_only=True)


class DecisionSerializer(serializers.ModelSerializer):
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    document_number = serializers.CharField(source="meeting.document_number", read_only=True,
                                            help_text="会议纪要文号")
    responsible_unit = UnitRefSerializer(read_only=True)
    state = NamedChoiceField(choices=DecisionState.choices, enum_name="DecisionStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="待落实且已过完成期限（由期限推算，不存储）")

    class Meta:
        model = Decision
        fields = ["id", "meeting", "meeting_title", "document_number", "position", "item", "responsible_unit", "task",
                  "due_on", "state", "state_display", "overdue", "replied_at", "done_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, decision):
        return decision.is_overdue(self.context.get("today"))


class DecisionReplySerializer(serializers.ModelSerializer):
    replied_by = serializers.CharField(source="replied_by.display_name", read_only=True)
    attachment_name = serializers.SerializerMethodField(help_text="附件原文件名；无附件为空")

    class Meta:
        model = DecisionReply
        fields = ["id", "text", "replied_by", "replied_at", "attachment_name"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_attachment_name(self, reply):
        attachment = getattr(reply, "attachment", None)
        return attachment.original_name if attachment else ""


class DecisionEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="操作人姓名")
    action_display = serializers.CharField(read_only=True)

    class Meta:
        model = DecisionEvent
        fields = ["at", "actor", "action", "action_display", "from_state", "to_state", "reason"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event):
        return event.actor.display_name if event.actor else ""


class DecisionDetailSerializer(DecisionSerializer):
    replies = DecisionReplySerializer(many=True, read_only=True)
    events = DecisionEventSerializer(many=True, read_only=True)

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "replies", "events"]
        read_only_fields = fields


class DecisionReplyInputSerializer(serializers.Serializer):
    text = ApiTextField(max_chars=TEXT_MAX, label="落实情况", required=False, allow_blank=True, default="")


class DecisionReplyUploadSerializer(DecisionReplyInputSerializer):
    """The multipart form: the text and one scan."""

    attachment = serializers.FileField(label="附件", required=False, help_text="PDF 或图片扫描件")


class MeetingSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=MeetingKind.choices, enum_name="MeetingKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state = NamedChoiceField(choices=MeetingState.choices, enum_name="MeetingStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "kind_display", "title", "starts_at", "place", "convenor", "chair", "state",
                  "state_display", "document_number", "published_at"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    attendances = AttendanceSerializer(source="current_attendances", many=True, read_only=True)
    items = AgendaItemRefSerializer(source="agenda", many=True, read_only=True)
    decisions = serializers.SerializerMethodField(help_text="纪要印发后的议定事项（政法委可见全部）")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendances", "items", "decisions"]
        read_only_fields = fields

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, meeting):
        user = self.context["request"].user
        rows = [d for d in meeting.decision_rows if user.is_committee or meeting.state == MeetingState.PUBLISHED]
        return DecisionSerializer(rows, many=True, context=self.context).data


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
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        queryset = Meeting.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.filter(withdrawn_at__isnull=True)
                         .select_related("organisation").order_by("organisation__sort_order", "id"),
                         to_attr="current_attendances"),
                Prefetch("items", queryset=AgendaItem.objects.order_by("position", "id"),
                         to_attr="agenda"),
                Prefetch("decisions", queryset=Decision.objects.select_related("meeting", "responsible_unit")
                         .order_by("position"), to_attr="decision_rows"),
            )
        return queryset.order_by("-starts_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


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
class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
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
        decision = get_object_or_404(self.get_queryset(), pk=decision.pk)
        return Response(DecisionDetailSerializer(decision, context=self.get_serializer_context()).data)
