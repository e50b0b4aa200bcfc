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
from .snapshot import (
    FEED_ACTION_CHOICES,
    FEED_ACTION_OF_MOVE,
    PERIOD_ENDED,
    PUBLISHED_FIELDS,
    REVOKED_IN_ERROR,
    legal_ground_of,
    snapshot_of,
)


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
    """The listing as a joint-punishment unit received it at the event: every published field, the identifier in
    full, its ground and period, and its state after the event. Read from the event's snapshot
    (`ListingEvent.published_fields`), never from the listing as it is now."""

    identifier = serializers.CharField(read_only=True)
    ground_display = serializers.CharField(source="get_ground_display", read_only=True)
    state = NamedChoiceField(choices=ListingState.choices, enum_name="ListingStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Listing
        fields = ["id", *PUBLISHED_FIELDS, "ground", "ground_display", "period_years", "state", "state_display"]
        read_only_fields = fields

    def to_representation(self, event):
        snapshot = event.published_fields or snapshot_of(event.listing, event.to_state or None)
        return {name: snapshot.get(name) for name in self.Meta.fields}


class FeedActionField(NamedChoiceField):
    """The event's move under the contract's name (`approve` is published as `publish`)."""

    def __init__(self, **kwargs):
        super().__init__(choices=FEED_ACTION_CHOICES, enum_name="FeedActionEnum", source="*", read_only=True, **kwargs)

    def to_representation(self, event):
        return FEED_ACTION_OF_MOVE.get(event.action, event.action)


LEGAL_GROUND_CHOICES = [*DeletionGround.choices, REVOKED_IN_ERROR, PERIOD_ENDED]


class LegalGroundField(NamedChoiceField):
    """The legal ground of a delete (法释〔2017〕7号 art. 10), a revocation or an expiry; null for other moves."""

    def __init__(self, **kwargs):
        super().__init__(choices=LEGAL_GROUND_CHOICES, enum_name="FeedLegalGroundEnum", source="*", read_only=True,
                         allow_null=True, **kwargs)

    def to_representation(self, event):
        return legal_ground_of(event, dict(DeletionGround.choices))[0]


class FeedEventSerializer(serializers.ModelSerializer):
    action = FeedActionField(help_text="推送的操作：publish 发布、correct 更正、shield 屏蔽、unshield 解除屏蔽、"
                             "suspend 暂停（暂缓惩戒，从公开名单撤下）、resume 恢复（恢复惩戒；从未发布的名单此时发布，见 listing.published_on）、delete 删除、revoke 撤销、expire 到期移出")
    action_display = serializers.SerializerMethodField(help_text="操作的中文名称")
    move = serializers.CharField(source="action", read_only=True,
                                 help_text="系统内部的操作名（如 approve）；v1.1 之前 action 字段的取值")
    listing = FeedListingSerializer(source="*", read_only=True,
                                    help_text="该记录发生时公布的名单信息（快照），不是名单现在的信息")
    listing_backfilled = serializers.BooleanField(
        source="published_fields_backfilled", read_only=True,
        help_text="true：该记录早于快照功能，listing 为补录时（升级到 v1.1 时）的信息，可能已含之后的更正")
    legal_ground = LegalGroundField(help_text="法定事由代码：删除的法定事由（法释〔2017〕7号第十条）、"
                                    "listed_in_error 错误纳入而撤销、period_ended 纳入期限届满；其他操作为 null")
    legal_ground_display = serializers.SerializerMethodField(help_text="法定事由的中文表述；无则为空字符串")
    data = serializers.JSONField(read_only=True, help_text="与该操作有关的数据（如删除事由、期限、是否按期；时间为北京时间 +08:00）")

    class Meta:
        model = ListingEvent
        fields = ["id", "at", "action", "action_display", "move", "listing", "listing_backfilled", "reason",
                  "legal_ground", "legal_ground_display", "data"]
        read_only_fields = fields

    def get_action_display(self, event) -> str:
        action = FEED_ACTION_OF_MOVE.get(event.action, event.action)
        return dict(FEED_ACTION_CHOICES).get(action, event.action_display)

    def get_legal_ground_display(self, event) -> str:
        return legal_ground_of(event, dict(DeletionGround.choices))[1]


class FeedPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="符合条件（after_id、since 之后）的推送记录总数，含本页；超过一万条时为估计值")
    next = serializers.URLField(allow_null=True, help_text="下一页的完整地址；本页未满（已读到末尾）时为 null。"
                                "以后继续同步请用 next_after_id")
    previous = serializers.URLField(allow_null=True, help_text="始终为 null：推送只向后读取")
    results = FeedEventSerializer(many=True)
    next_after_id = serializers.IntegerField(
        allow_null=True, help_text="下次请求时作为 after_id 传回，既不遗漏也不重复；是推送记录的 id，服务重启后依然有效"
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
