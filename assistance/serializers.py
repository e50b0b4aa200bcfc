"""Serializers of the notices API: the output shapes of a notice and its parts, and the input of each action.

Input serializers parse and document; the rules (who may, which state, which values) are the services'.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Party, PartyKind
from linkage.api import NamedChoiceField
from linkage.choices import label_of
from linkage.text import REASON_MAX, TEXT_MAX, ApiTextField

from .models import (
    Attachment,
    AttachmentKind,
    ExtensionRequest,
    LiftGround,
    Notice,
    NoticeEvent,
    NoticeItem,
    NoticeState,
    PropertyKind,
    Reply,
    ReplyOutcome,
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
        # The notice's attachments are prefetched once; the reply's are those pointing at it.
        attachments = [a for a in reply.notice.attachments.all() if a.reply_id == reply.pk]
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
    items = NoticeItemSerializer(many=True, read_only=True, source="item_list")
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
            "withdrawn_at",
            "supersedes",
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
    attachments = AttachmentSerializer(many=True, read_only=True)
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True)
    review_suggestions = ReviewSuggestionSerializer(many=True, read_only=True)
    events = NoticeEventSerializer(many=True, read_only=True)
    superseded_by = serializers.SerializerMethodField(help_text="审查建议成立后重新起草的通知书 id（可见时）")

    class Meta(NoticeSerializer.Meta):
        fields = [
            *NoticeSerializer.Meta.fields,
            "signed_by",
            "superseded_by",
            "reply",
            "attachments",
            "extension_requests",
            "review_suggestions",
            "events",
        ]
        read_only_fields = fields

    def get_signed_by(self, notice) -> str:
        return _name(notice.signed_by)

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, notice):
        reply = getattr(notice, "reply", None)
        return ReplySerializer(reply, context=self.context).data if reply is not None else None

    def get_superseded_by(self, notice) -> int | None:
        return getattr(notice, "superseded_by_id", None)


# -------------------------------------------------------------------------------------------------- input


class FlexibleListField(serializers.ListField):
    """A list that also accepts one comma-separated string (`units=3,5` in a form)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part.strip() for part in data.split(",") if part.strip()]
        return super().to_internal_value(data)


class NoticeItemInputSerializer(serializers.Serializer):
    property_kind = serializers.ChoiceField(label="财产类型", choices=PropertyKind.choices, required=False)
    identifier = serializers.CharField(label="账号/证号/车牌号", required=False, allow_blank=True, max_length=100)
    holder = serializers.CharField(label="登记机构或开户行", required=False, allow_blank=True, max_length=100)
    amount = serializers.DecimalField(
        label="金额（元）", max_digits=16, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    share = serializers.CharField(label="份额", required=False, allow_blank=True, max_length=50)
    period_months = serializers.IntegerField(
        label="期限（月）", required=False, allow_null=True, help_text="冻结、查封的期限，1至36个月"
    )
    description = ApiTextField(max_chars=REASON_MAX, label="协助事项", required=False, allow_blank=True)


class NoticeCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(label="案件", min_value=1, max_value=2**63 - 1, help_text="案件 id（本院案件）")
    units = FlexibleListField(
        label="协助执行单位",
        child=serializers.CharField(max_length=50),
        required=False,
        help_text="单位 id 或单位代码的列表，每个单位一份通知书",
    )
    unit = serializers.CharField(label="协助执行单位", max_length=50, required=False, help_text="只发一个单位时可用")
    measure = serializers.CharField(label="协助措施", max_length=40, help_text="措施代码，如 inquiry、freeze")
    debtor = serializers.IntegerField(
        label="被执行人", min_value=1, max_value=2**63 - 1, help_text="本案被执行人的当事人 id"
    )
    items = NoticeItemInputSerializer(label="协助事项", many=True)
    ruling_number = serializers.CharField(label="执行裁定书文号", max_length=60)
    legal_basis = serializers.CharField(label="法律依据", max_length=300, required=False, allow_blank=True)
    note = ApiTextField(max_chars=REASON_MAX, label="其他事项", required=False, allow_blank=True)
    attachments = serializers.ListField(
        label="附件",
        child=serializers.FileField(),
        required=False,
        help_text="执行裁定书扫描件（multipart 上传时）；PDF 或 PNG/JPEG/TIFF",
    )


class NoticeAmendSerializer(serializers.Serializer):
    ruling_number = serializers.CharField(label="执行裁定书文号", max_length=60)
    legal_basis = serializers.CharField(label="法律依据", max_length=300)
    note = ApiTextField(max_chars=REASON_MAX, label="其他事项", allow_blank=True)


class ReplyResultInputSerializer(serializers.Serializer):
    kind = NamedChoiceField(
        label="结果类型",
        choices=ResultKind.choices,
        enum_name="ResultKindEnum",
        required=False,
        help_text="省略时按措施确定",
    )
    property_kind = serializers.ChoiceField(
        label="财产类型", choices=PropertyKind.choices, required=False, allow_blank=True
    )
    identifier = serializers.CharField(label="账号/证号/车牌号", required=False, allow_blank=True, max_length=100)
    institution = serializers.CharField(label="登记机构或开户行", required=False, allow_blank=True, max_length=100)
    value = serializers.DecimalField(
        label="价值或余额（元）", max_digits=16, decimal_places=2, required=False, allow_null=True
    )
    encumbrances = serializers.CharField(label="已有权利负担", required=False, allow_blank=True, max_length=300)
    amount = serializers.DecimalField(
        label="冻结/扣划金额（元）", max_digits=16, decimal_places=2, required=False, allow_null=True
    )
    start_on = serializers.DateField(label="起始日期", required=False, allow_null=True)
    end_on = serializers.DateField(label="届满日期", required=False, allow_null=True)
    location = serializers.CharField(label="地点", required=False, allow_blank=True, max_length=200)
    found_at = serializers.DateTimeField(label="发现时间", required=False, allow_null=True)
    registration_number = serializers.CharField(label="登记编号", required=False, allow_blank=True, max_length=100)


class ReplyInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(label="办理结果", choices=ReplyOutcome.choices)
    results = ReplyResultInputSerializer(
        label="办理结果明细",
        many=True,
        required=False,
        help_text="按措施结构化：查询为 asset，冻结/查封为 freeze，查找为 location……；multipart 时传 JSON 字符串",
    )
    text = ApiTextField(max_chars=TEXT_MAX, label="说明", required=False, allow_blank=True)
    attachments = serializers.ListField(
        label="附件",
        child=serializers.FileField(),
        required=False,
        help_text="回执及盖章材料扫描件；字段名 attachments 或 attachments[]",
    )


class ExtensionRequestInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(label="延长工作日数", help_text="1至30个工作日")
    reason = ApiTextField(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True, default="")


class ExtensionDecisionSerializer(serializers.Serializer):
    granted = serializers.BooleanField(label="是否同意")
    reason = ApiTextField(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True, default="", help_text="不同意时必填")


class ReviewSuggestionInputSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="审查建议", required=False, allow_blank=True, default="")


REVIEW_DECISIONS = {
    # api.md's wording → (upheld, resolution). An upheld suggestion withdraws the notice unless told to amend it.
    "upheld": (True, ReviewResolution.WITHDRAWN),
    "withdrawn": (True, ReviewResolution.WITHDRAWN),
    "amended": (True, ReviewResolution.AMENDED),
    "not_upheld": (False, ""),
}


class ReviewDecisionSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(label="是否成立", required=False, allow_null=True, default=None)
    resolution = serializers.ChoiceField(
        label="处理方式",
        choices=ReviewResolution.choices,
        required=False,
        allow_blank=True,
        help_text="成立时必填：withdrawn 撤回通知书，amended 撤回并重新起草",
    )
    decision = serializers.ChoiceField(
        label="审查结论",
        choices=[(key, key) for key in REVIEW_DECISIONS],
        required=False,
        help_text="upheld 与 withdrawn：成立并撤回；amended：成立并重新起草；not_upheld：不成立（期限不变）。"
        "可代替 upheld 与 resolution 使用",
    )
    reason = ApiTextField(max_chars=REASON_MAX, label="审查意见", required=False, allow_blank=True, default="")

    def validate(self, attrs):
        upheld, resolution = attrs.get("upheld"), attrs.get("resolution", "")
        decision = attrs.get("decision")
        if decision:
            decided_upheld, default_resolution = REVIEW_DECISIONS[decision]
            if upheld is not None and upheld != decided_upheld:
                raise serializers.ValidationError({"decision": "审查结论与 upheld 相互矛盾。"})
            if resolution and decided_upheld and decision != "upheld" and resolution != default_resolution:
                raise serializers.ValidationError({"decision": "审查结论与 resolution 相互矛盾。"})
            upheld, resolution = decided_upheld, (resolution or default_resolution) if decided_upheld else ""
        if upheld is None:
            raise serializers.ValidationError({"upheld": "请说明审查建议是否成立（upheld 或 decision）。"})
        return {"upheld": upheld, "resolution": resolution if upheld else "", "reason": attrs.get("reason", "")}


class ReasonSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="撤回理由", required=False, allow_blank=True, default="", help_text="必填")


class LiftSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(label="解除原因", choices=LiftGround.choices)
    reason = ApiTextField(max_chars=REASON_MAX, label="说明", required=False, allow_blank=True, default="")


class DraftResultSerializer(serializers.Serializer):
    """What drafting returns: the batch and one notice per unit."""

    batch = serializers.IntegerField()
    notices = NoticeDetailSerializer(many=True)
