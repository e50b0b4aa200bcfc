"""Serializers of the notices API: the output shapes of a notice and its parts. The input of each action is in
`assistance/input_serializers.py`."""

import datetime

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Party, PartyKind
from linkage.api import NamedChoiceField
from linkage.choices import label_of

from .models import (
    Attachment,
    AttachmentKind,
    ExtensionRequest,
    LiftGround,
    MaritalStatus,
    MeasureTerm,
    Notice,
    NoticeEvent,
    NoticeItem,
    NoticeState,
    PropertyKind,
    ReliefKind,
    Reply,
    ReplyResult,
    RequestState,
    ResultKind,
    ReviewResolution,
    ReviewState,
    ReviewSuggestion,
)

# ------------------------------------------------------------------------------------------------- output


def _name(user):
    return user.display_name if user is not None else ""


class DebtorSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=PartyKind.choices, enum_name="PartyKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    identifier = serializers.CharField(read_only=True, help_text="公民身份号码或统一社会信用代码")

    class Meta:
        model = Party
        fields = ["id", "name", "kind", "kind_display", "identifier", "legal_representative"]
        read_only_fields = fields


class NoticeItemSerializer(serializers.ModelSerializer):
    property_kind_display = serializers.CharField(source="get_property_kind_display", read_only=True)

    class Meta:
        model = NoticeItem
        fields = [
            "position",
            "property_kind",
            "property_kind_display",
            "identifier",
            "holder",
            "amount",
            "share",
            "period_months",
            "description",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=AttachmentKind.choices, enum_name="AttachmentKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="下载地址（需登录且可查看该通知书）")

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "kind_display",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "reply",
            "uploaded_by",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_uploaded_by(self, attachment) -> str:
        return _name(attachment.uploaded_by)

    def get_url(self, attachment) -> str:
        path = reverse("api-attachment-download", kwargs={"id": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReplyResultSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=ResultKind.choices, enum_name="ResultKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    property_kind = serializers.ChoiceField(choices=PropertyKind.choices, allow_blank=True, read_only=True,
                                            help_text="财产类型；不涉及财产时为空字符串")
    marital_status = serializers.ChoiceField(choices=MaritalStatus.choices, allow_blank=True, read_only=True,
                                             help_text="婚姻状况（婚姻登记结果）；其他结果为空字符串")
    marital_status_display = serializers.CharField(source="get_marital_status_display", read_only=True)
    relief_kind = serializers.ChoiceField(choices=ReliefKind.choices, allow_blank=True, read_only=True,
                                          help_text="救助类别（社会救助转介结果）；其他结果为空字符串")
    relief_kind_display = serializers.CharField(source="get_relief_kind_display", read_only=True)

    class Meta:
        model = ReplyResult
        fields = [
            "position",
            "kind",
            "kind_display",
            "property_kind",
            "identifier",
            "institution",
            "value",
            "encumbrances",
            "amount",
            "start_on",
            "end_on",
            "location",
            "found_at",
            "registration_number",
            "marital_status",
            "marital_status_display",
            "spouse_name",
            "spouse_id_number",
            "married_on",
            "divorced_on",
            "registry",
            "relief_accepted",
            "relief_kind",
            "relief_kind_display",
            "relief_amount",
            "declined_reason",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.ModelSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    results = ReplyResultSerializer(many=True, read_only=True)
    replied_by = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["outcome", "outcome_display", "text", "results", "replied_by", "replied_at", "attachments"]
        read_only_fields = fields

    def get_replied_by(self, reply) -> str:
        return _name(reply.replied_by)

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, reply):
        # The notice's attachments are read once (`attachment_list`); the reply's are those pointing at it.
        attachments = [a for a in reply.notice.attachment_list if a.reply_id == reply.pk]
        return AttachmentSerializer(attachments, many=True, context=self.context).data


class ExtensionRequestSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(choices=RequestState.choices, enum_name="ExtensionRequestStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "notice",
            "days",
            "reason",
            "state",
            "state_display",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "previous_due_at",
            "new_due_at",
        ]
        read_only_fields = fields

    def get_requested_by(self, request) -> str:
        return _name(request.requested_by)

    def get_decided_by(self, request) -> str:
        return _name(request.decided_by)


class ReviewSuggestionSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(choices=ReviewState.choices, enum_name="ReviewStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    resolution = serializers.ChoiceField(choices=ReviewResolution.choices, allow_blank=True, read_only=True,
                                         help_text="处理方式；未认定成立时为空字符串")
    resolution_display = serializers.CharField(source="get_resolution_display", read_only=True)
    raised_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = ReviewSuggestion
        fields = [
            "id",
            "notice",
            "reason",
            "state",
            "state_display",
            "resolution",
            "resolution_display",
            "raised_by",
            "raised_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields

    def get_raised_by(self, suggestion) -> str:
        return _name(suggestion.raised_by)

    def get_decided_by(self, suggestion) -> str:
        return _name(suggestion.decided_by)


class NoticeEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="操作人姓名；系统操作为空")
    actor_organisation = serializers.SerializerMethodField(help_text="操作人所属单位简称")
    action_display = serializers.CharField(read_only=True)
    from_state_display = serializers.CharField(read_only=True)
    to_state_display = serializers.CharField(read_only=True)
    data = serializers.JSONField(read_only=True, help_text="与该操作有关的数据（如新期限、延期天数）")

    class Meta:
        model = NoticeEvent
        fields = [
            "at",
            "actor",
            "actor_organisation",
            "action",
            "action_display",
            "from_state",
            "from_state_display",
            "to_state",
            "to_state_display",
            "reason",
            "data",
        ]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return _name(event.actor)

    def get_actor_organisation(self, event) -> str:
        organisation = event.actor.organisation if event.actor is not None else None
        return organisation.short_name if organisation is not None else ""


class MeasureTermSerializer(serializers.ModelSerializer):
    """One item's freeze or seal term as the court records it (assistance/terms.py)."""

    position = serializers.IntegerField(source="item.position", read_only=True, help_text="协助事项序号")
    property_kind = serializers.CharField(source="item.property_kind", read_only=True)
    identifier = serializers.CharField(source="item.identifier", read_only=True)
    period_months = serializers.IntegerField(source="item.period_months", read_only=True, allow_null=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    renewal_opens_on = serializers.SerializerMethodField(help_text="续行提醒及可起草续行通知书的首日")

    class Meta:
        model = MeasureTerm
        fields = ["id", "position", "property_kind", "identifier", "period_months", "start_on", "end_on", "source",
                  "source_display", "reason", "renewal_opens_on"]
        read_only_fields = fields

    def get_renewal_opens_on(self, term) -> datetime.date:
        return term.renewal_opens_on()


class NoticeSerializer(serializers.ModelSerializer):
    """A notice as the list shows it: everything but its history and its sub-objects (see the detail)."""

    case_number = serializers.CharField(source="case.number", read_only=True)
    court = serializers.CharField(source="court.code", read_only=True, help_text="执行法院的单位代码")
    court_name = serializers.CharField(source="court.name", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    measure = serializers.CharField(source="measure.code", read_only=True, help_text="协助措施代码")
    measure_name = serializers.CharField(source="measure.name", read_only=True)
    debtor = DebtorSerializer(read_only=True)
    items = NoticeItemSerializer(many=True, read_only=True)
    state = NamedChoiceField(choices=NoticeState.choices, enum_name="NoticeStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    deadline_explanation = serializers.SerializerMethodField(
        help_text="期限计算说明：due_at、provisional、skipped（跳过的节假日和周末）、makeup_days、rule"
    )
    overdue = serializers.SerializerMethodField(help_text="是否已超期（按 due_at 与当前时间计算，不存储）")
    lift_ground = serializers.ChoiceField(choices=LiftGround.choices, allow_blank=True, read_only=True,
                                          help_text="解除原因；未解除时为空字符串")
    lift_ground_display = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "batch",
            "case",
            "case_number",
            "court",
            "court_name",
            "unit",
            "unit_code",
            "unit_name",
            "measure",
            "measure_name",
            "debtor",
            "items",
            "ruling_number",
            "legal_basis",
            "note",
            "state",
            "state_display",
            "created_at",
            "signed_at",
            "served_at",
            "due_at",
            "deadline_provisional",
            "deadline_rule",
            "deadline_explanation",
            "overdue",
            "acknowledged_at",
            "replied_at",
            "closed_at",
            "lifted_at",
            "lift_ground",
            "lift_ground_display",
            "lift_reason",
            "lifting_ruling_number",
            "lift_due_at",
            "lift_acknowledged_at",
            "withdrawn_at",
            "supersedes",
            "renews",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_deadline_explanation(self, notice):
        return notice.deadline_explanation

    def get_overdue(self, notice) -> bool:
        return notice.is_overdue(self.context.get("now"))

    def get_lift_ground_display(self, notice) -> str:
        return label_of(LiftGround, notice.lift_ground)


class NoticeDetailSerializer(NoticeSerializer):
    """A notice with its reply, attachments, extension requests, review suggestions and history."""

    signed_by = serializers.SerializerMethodField()
    reply = serializers.SerializerMethodField()
    # The sub-lists as the API's detail read reads them (`Prefetch(..., to_attr=...)`, an empty list when none).
    attachments = AttachmentSerializer(many=True, read_only=True, source="attachment_list")
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True, source="extension_request_list")
    review_suggestions = ReviewSuggestionSerializer(many=True, read_only=True, source="review_suggestion_list")
    events = NoticeEventSerializer(many=True, read_only=True)
    terms = MeasureTermSerializer(many=True, read_only=True, source="term_list",
                                  help_text="各协助事项的查封、冻结期限（送达时推算，回复后按单位回复，执行员可更正）")
    superseded_by = serializers.SerializerMethodField(help_text="审查建议成立后重新起草的通知书 id（可见时）")
    actions = serializers.SerializerMethodField(
        help_text="调用者现在可以办理的操作（状态机中的 move 名，如 sign、return、serve、lift、sign_lifting、"
        "return_lifting、acknowledge_lifting）"
    )

    class Meta(NoticeSerializer.Meta):
        fields = [
            *NoticeSerializer.Meta.fields,
            "signed_by",
            "superseded_by",
            "actions",
            "reply",
            "attachments",
            "extension_requests",
            "review_suggestions",
            "terms",
            "events",
        ]
        read_only_fields = fields

    def get_signed_by(self, notice) -> str:
        return _name(notice.signed_by)

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, notice):
        reply = getattr(notice, "reply", None)
        return ReplySerializer(reply, context=self.context).data if reply is not None else None

    def get_actions(self, notice) -> list[str]:
        from .machines import NOTICE_MACHINE

        request = self.context.get("request")
        return NOTICE_MACHINE.actions_for(request.user, notice) if request is not None else []

    def get_superseded_by(self, notice) -> int | None:
        return getattr(notice, "superseded_by_id", None)
