"""Input serializers of the notices API: the body of each action, parsed and documented. The rules (who may, which
state, which values) are the services'."""

from rest_framework import serializers

from linkage.api import NamedChoiceField
from linkage.errors import ApplicationError
from linkage.text import REASON_MAX, TEXT_MAX, ApiTextField

from .models import (
    LiftGround,
    LocateReason,
    MaritalStatus,
    PropertyKind,
    ReliefKind,
    ReplyOutcome,
    ResultKind,
    ReviewResolution,
)
from .periods import period_refusal
from .serializers import NoticeDetailSerializer


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
        label="期限（月）", required=False, allow_null=True,
        help_text="冻结、查封的期限（月），按财产类型不得超过：银行存款等资金12个月，动产24个月，不动产及其他财产权36个月"
                  "（民诉法解释第四百八十五条）",
    )
    description = ApiTextField(max_chars=REASON_MAX, label="协助事项", required=False, allow_blank=True)

    def validate(self, attrs):
        if refusal := period_refusal(attrs.get("property_kind"), attrs.get("period_months")):
            raise serializers.ValidationError({"period_months": [refusal]})
        return attrs


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
    locate_reason = serializers.ChoiceField(
        label="查找事由", choices=LocateReason.choices, required=False, allow_blank=True,
        help_text="查找被执行人下落（locate_person）必填：五种情形之一（荔湾机制四(七)2）",
    )
    reason_detail = ApiTextField(max_chars=REASON_MAX, label="事由说明", required=False, allow_blank=True,
                                 help_text="查找事由为 other 时必填")
    contact_person = serializers.CharField(label="法院24小时联系人", max_length=50, required=False, allow_blank=True,
                                           help_text="locate_person、seize_vehicle 必填")
    contact_phone = serializers.CharField(label="24小时联系电话", max_length=30, required=False, allow_blank=True,
                                          help_text="locate_person、seize_vehicle 必填：手机或带区号的固定电话")
    plate = serializers.CharField(label="号牌号码", max_length=20, required=False, allow_blank=True,
                                  help_text="seize_vehicle：被查扣车辆号牌")

    def validate(self, attrs):
        from .services.tracking import clean_request

        try:
            attrs["tracking"] = clean_request(attrs.get("measure"), {
                "reason": attrs.get("locate_reason"), "reason_detail": attrs.get("reason_detail"),
                "contact_person": attrs.get("contact_person"), "contact_phone": attrs.get("contact_phone"),
                "plate": attrs.get("plate")})
        except ApplicationError as error:
            raise serializers.ValidationError({error.field or "non_field_errors": [error.message]})
        return attrs


def _attachments(help_text):
    return serializers.ListField(label="附件", child=serializers.FileField(), required=False, help_text=help_text)


class NoticeCreateWithFilesSerializer(NoticeCreateSerializer):
    """What the server reads from either encoding: the JSON body, or the multipart form with the ruling's scans."""

    attachments = _attachments("执行裁定书扫描件；PDF 或 PNG/JPEG/TIFF；字段名 attachments 或 attachments[]")


class NoticeCreateUploadSerializer(NoticeCreateWithFilesSerializer):
    """The multipart form as a client sends it: the structured fields as JSON strings, the files as parts."""

    units = serializers.CharField(label="协助执行单位", required=False,
                                  help_text='JSON 数组字符串（如 ["lw-police", 12]），或以逗号分隔的单位 id/代码')
    items = serializers.CharField(label="协助事项", help_text="JSON 数组字符串，每项字段同 JSON 请求的 items")


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
    marital_status = serializers.ChoiceField(label="婚姻状况", choices=MaritalStatus.choices, required=False,
                                             allow_blank=True, help_text="婚姻登记：必填")
    spouse_name = serializers.CharField(label="配偶姓名", required=False, allow_blank=True, max_length=100,
                                        help_text="婚姻登记：必填")
    spouse_id_number = serializers.CharField(label="配偶公民身份号码", required=False, allow_blank=True, max_length=18)
    married_on = serializers.DateField(label="结婚登记日期", required=False, allow_null=True, help_text="婚姻登记：必填")
    divorced_on = serializers.DateField(label="离婚日期", required=False, allow_null=True,
                                        help_text="婚姻状况为 divorced 时必填，其他状况不填")
    registry = serializers.CharField(label="婚姻登记机关", required=False, allow_blank=True, max_length=100)
    relief_accepted = serializers.BooleanField(label="是否予以救助", required=False, allow_null=True,
                                               help_text="社会救助转介：必填")
    relief_kind = serializers.ChoiceField(label="救助类别", choices=ReliefKind.choices, required=False, allow_blank=True)
    relief_amount = serializers.DecimalField(label="救助金额（元）", max_digits=16, decimal_places=2, required=False,
                                             allow_null=True, help_text="予以救助时必填，大于零")
    declined_reason = ApiTextField(max_chars=REASON_MAX, label="不予救助理由", required=False, allow_blank=True,
                                   help_text="不予救助时必填")


class ReplyInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(label="办理结果", choices=ReplyOutcome.choices)
    results = ReplyResultInputSerializer(
        label="办理结果明细",
        many=True,
        required=False,
        help_text="按措施结构化：查询为 asset，冻结/查封为 freeze，查找为 location，婚姻登记为 marriage，"
                  "社会救助转介为 relief（只填一项）……",
    )
    text = ApiTextField(max_chars=TEXT_MAX, label="说明", required=False, allow_blank=True)


class ReplyWithFilesSerializer(ReplyInputSerializer):
    """What the server reads from either encoding: the JSON body, or the multipart form with the scans."""

    attachments = _attachments("回执及盖章材料扫描件；字段名 attachments 或 attachments[]")


class ReplyUploadSerializer(ReplyWithFilesSerializer):
    """The multipart form as a client sends it: `results` as one JSON string, the files as parts."""

    results = serializers.CharField(label="办理结果明细", required=False,
                                    help_text="JSON 数组字符串，每项字段同 JSON 请求的 results")


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
    ruling_number = serializers.CharField(label="解除裁定书文号", max_length=60, required=False, allow_blank=True,
                                          default="", help_text="必填，如（2026）粤0103执123号之一")


class ReturnSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="退回理由", required=False, allow_blank=True, default="",
                          help_text="必填")


class DraftResultSerializer(serializers.Serializer):
    """What drafting returns: the batch and one notice per unit."""

    batch = serializers.IntegerField()
    notices = NoticeDetailSerializer(many=True)


class RenewalInputSerializer(serializers.Serializer):
    period_months = serializers.IntegerField(
        label="续行期限（月）", required=False, allow_null=True, min_value=1, max_value=36,
        help_text="留空按各事项原期限；不得超过该类财产的法定期限（银行存款等资金12个月，动产24个月，不动产及其他财产权36个月）",
    )
    ruling_number = serializers.CharField(label="执行裁定书文号", max_length=60, required=False, allow_blank=True,
                                          help_text="留空沿用原通知书的裁定书文号")
    note = ApiTextField(max_chars=REASON_MAX, label="其他事项", required=False, allow_blank=True)


class TermEditSerializer(serializers.Serializer):
    start_on = serializers.DateField(label="起始日期")
    end_on = serializers.DateField(label="届满日期")
    reason = ApiTextField(max_chars=REASON_MAX, label="更正理由", required=False, allow_blank=True, default="",
                          help_text="必填")
