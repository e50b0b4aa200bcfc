"""Serializers of the listings API and the push feed: output shapes, and the input of each action.

Input serializers parse and document; the rules (who may, which state, which values) are the services'.
"""

from rest_framework import serializers

from cases.models import Party, PartyRole
from linkage.api import NamedChoiceField
from linkage.dates import PastDateValidator
from linkage.text import REASON_MAX, TEXT_MAX, ApiTextField

from ..models import LISTING_MACHINE, DeletionGround, Listing, ListingEvent, ListingGround, ListingState
from .services import CORRECTABLE

# The fields published on the list (法释〔2017〕7号 art. 6), the identifier in full.
PUBLISHED_FIELDS = [
    "name",
    "id_number",
    "credit_code",
    "identifier",
    "legal_representative",
    "sex",
    "age",
    "obligation",
    "performed_amount",
    "unperformed_amount",
    "basis_issuer",
    "basis_number",
    "case_number",
    "filed_on",
    "court_name",
    "decided_on",
    "facts",
    "published_on",
    "ends_on",
]


class ListingEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="操作人姓名；系统操作为空")
    action_display = serializers.SerializerMethodField()
    data = serializers.JSONField(read_only=True, help_text="与该操作有关的数据（如删除事由、期限、是否按期）")

    class Meta:
        model = ListingEvent
        fields = ["id", "at", "actor", "action", "action_display", "from_state", "to_state", "reason", "pushed",
                  "data"]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return event.actor.display_name if event.actor_id else ""

    def get_action_display(self, event) -> str:
        return event.action_display


class ListingSerializer(serializers.ModelSerializer):
    identifier = serializers.CharField(read_only=True, help_text="公民身份号码或统一社会信用代码（全文）")
    ground = serializers.IntegerField(read_only=True, help_text="失信情形（1-6）")
    ground_display = serializers.CharField(source="get_ground_display", read_only=True)
    state = NamedChoiceField(choices=ListingState.choices, enum_name="ListingStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    deletion_ground = serializers.ChoiceField(choices=DeletionGround.choices, allow_blank=True, read_only=True,
                                              help_text="删除事由；未删除时为空字符串")
    deletion_ground_display = serializers.CharField(source="get_deletion_ground_display", read_only=True)
    events = ListingEventSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text="当前用户现在可以办理的操作（如 approve、shield），按状态和角色")

    class Meta:
        model = Listing
        fields = [
            "id",
            "case",
            "debtor",
            "court",
            *PUBLISHED_FIELDS,
            "ground",
            "ground_display",
            "period_years",
            "state",
            "state_display",
            "proposed_at",
            "deletion_ground",
            "deletion_ground_display",
            "applicant",
            "applied_on",
            "deletion_applicant",
            "deletion_requested_on",
            "ground_arose_on",
            "removal_due_at",
            "ended_at",
            "events",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, listing) -> list[str]:
        request = self.context.get("request")
        return LISTING_MACHINE.actions_for(request.user, listing) if request is not None else []


class FeedListingSerializer(serializers.ModelSerializer):
    """The listing as a joint-punishment unit receives it: every published field, the identifier in full."""

    identifier = serializers.CharField(read_only=True)
    ground_display = serializers.CharField(source="get_ground_display", read_only=True)
    state = NamedChoiceField(choices=ListingState.choices, enum_name="ListingStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Listing
        fields = ["id", *PUBLISHED_FIELDS, "ground", "ground_display", "period_years", "state", "state_display"]
        read_only_fields = fields


class FeedEventSerializer(serializers.ModelSerializer):
    listing = FeedListingSerializer(read_only=True)
    data = serializers.JSONField(read_only=True)

    class Meta:
        model = ListingEvent
        fields = ["id", "at", "action", "listing", "reason", "data"]
        read_only_fields = fields


class FeedPageSerializer(serializers.Serializer):
    results = FeedEventSerializer(many=True)
    next_after_id = serializers.IntegerField(
        allow_null=True, help_text="下次请求时作为 after_id 传回，既不遗漏也不重复"
    )


class AcknowledgementSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    unit = serializers.IntegerField()
    acknowledged_at = serializers.DateTimeField()
    created = serializers.BooleanField(help_text="false：此前已签收")


# -------------------------------------------------------------------------------------------------- input


class ApplicantField(serializers.PrimaryKeyRelatedField):
    """An applicant party by id; whether it is one of the listing's case is the service's (same message)."""

    default_error_messages = {"does_not_exist": "应为本案的申请执行人。", "incorrect_type": "应为当事人 id（整数）。"}

    def __init__(self, **kwargs):
        super().__init__(queryset=Party.objects.filter(role=PartyRole.APPLICANT), **kwargs)


class ListingCreateSerializer(serializers.Serializer):
    debtor = serializers.IntegerField(label="被执行人", help_text="案件当事人（被执行人）id")
    ground = serializers.ChoiceField(label="失信情形", choices=ListingGround.choices)
    facts = ApiTextField(max_chars=TEXT_MAX, label="失信行为具体情形")
    period_years = serializers.IntegerField(label="纳入期限（年）", required=False, allow_null=True,
                                            help_text="第二至六项为2至5年，缺省2年；第一项不填")
    decided_on = serializers.DateField(label="决定日期", required=False, allow_null=True,
                                       validators=[PastDateValidator("决定日期")], help_text="缺省为今天；不能晚于今天")
    applicant = ApplicantField(label="申请纳入的申请执行人", required=False, allow_null=True,
                               help_text="依申请执行人申请纳入的（法释〔2017〕7号第五条），为本案申请执行人的当事人 id；"
                               "该申请执行人书面申请删除后六个月内不得再次申请")
    applied_on = serializers.DateField(label="申请纳入日期", required=False, allow_null=True,
                                       validators=[PastDateValidator("申请纳入日期")], help_text="缺省为决定日期")
    security_covers_debt = serializers.BooleanField(label="已提供足额担保", required=False, default=False)
    frozen_property_covers_debt = serializers.BooleanField(label="已控财产足以清偿", required=False, default=False)
    later_in_performance_order = serializers.BooleanField(label="履行顺序在后", required=False, default=False)


class ListingReasonSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True, default="")


class DeleteSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(label="删除事由", choices=DeletionGround.choices)
    arose_on = serializers.DateField(label="事由发生日期")
    applicant = ApplicantField(label="申请删除的申请执行人", required=False, allow_null=True,
                               help_text="仅 ground=applicant_request 时填写，必填：本案申请执行人的当事人 id")
    requested_on = serializers.DateField(label="书面申请删除日期", required=False, allow_null=True,
                                         validators=[PastDateValidator("书面申请删除日期")],
                                         help_text="仅 ground=applicant_request 时填写，必填，不晚于 arose_on")
    reason = ApiTextField(max_chars=REASON_MAX, label="说明", required=False, allow_blank=True, default="")


class RevokeSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="错误纳入的情形", required=False, allow_blank=True, default="")
    error_found_on = serializers.DateField(label="发现错误日期", required=False, allow_null=True)


class CorrectSerializer(serializers.Serializer):
    changes = serializers.DictField(label="更正内容", help_text=f"可更正：{'、'.join(CORRECTABLE)}")
    reason = ApiTextField(max_chars=REASON_MAX, label="更正理由", required=False, allow_blank=True, default="")
