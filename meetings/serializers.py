"""The meetings API's read serializers: a meeting, its attendances, agenda and decisions, a decision's replies and
history."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from linkage.api import NamedChoiceField
from linkage.text import TEXT_MAX, ApiTextField

from .models import (
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
        fields = ["id", "organisation", "person_name", "position", "status", "status_display"]
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
