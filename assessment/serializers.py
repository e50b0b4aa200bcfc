"""Shapes of `/api/v1/assessments/{year}/`: the board (output) and the input of each action. The board is plain data
built by `assessment.board`; these serializers document it and pass it through."""

from rest_framework import serializers

from linkage.api import NamedChoiceField
from linkage.text import REASON_MAX, ApiTextField

from .models import AssessmentState, CriterionGroup, CriterionSource, NominationKind, NominationState


class AssessmentUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class AssessmentJurisdictionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class AssessmentCriterionOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    group = NamedChoiceField(choices=CriterionGroup.choices, enum_name="AssessmentCriterionGroupEnum")
    group_display = serializers.CharField()
    points = serializers.CharField(help_text="满分，两位小数")
    source = NamedChoiceField(choices=CriterionSource.choices, enum_name="AssessmentCriterionSourceEnum")
    source_display = serializers.CharField()
    method = serializers.CharField(help_text="自动计分项目的指标规则代码；手工评分项目为空")
    description = serializers.CharField()


class AssessmentMetricsSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="本年度送达的通知书（撤回的除外）")
    by_measure = serializers.DictField(child=serializers.IntegerField(), help_text="按措施代码统计的收到件数")
    acknowledged_in_time = serializers.IntegerField(help_text="送达后一个工作日内签收的件数")
    ack_due = serializers.IntegerField(required=False, help_text="应签收件数：已签收，或送达后第一个工作日已过（未到期的不计）")
    assessed = serializers.IntegerField(help_text="应回复件数：已回复，或已过办理期限（未到期的、撤回的不计）")
    replied = serializers.IntegerField()
    replied_on_time = serializers.IntegerField(help_text="在办理期限（含延长）内回复的件数")
    overdue = serializers.IntegerField()
    open_overdue = serializers.IntegerField(help_text="逾期且至今未回复的件数")
    overdue_days = serializers.IntegerField(help_text="逾期工作日合计")
    reply_days_avg = serializers.FloatField(allow_null=True, help_text="平均回复用时（工作日）")
    reply_days_p90 = serializers.FloatField(allow_null=True, help_text="回复用时第90百分位（工作日，连续插值）")
    reply_histogram = serializers.DictField(child=serializers.IntegerField(), help_text="回复用时（工作日）→ 件数")
    reminders = serializers.IntegerField(help_text="催办次数（每个期限每一级提醒计一次）")
    reminded_notices = serializers.IntegerField()
    escalations = serializers.IntegerField(help_text="逾期督办次数")
    escalated_notices = serializers.IntegerField()
    extensions_requested = serializers.IntegerField()
    extensions_granted = serializers.IntegerField()
    reviews_raised = serializers.IntegerField()
    reviews_upheld = serializers.IntegerField()
    pushes = serializers.IntegerField(allow_null=True, help_text="本年度收到的失信名单推送条数；非联合惩戒单位为 null")
    pushes_due = serializers.IntegerField(allow_null=True, required=False,
                                          help_text="应签收的推送条数：已签收，或推送后第一个工作日已过")
    pushes_acknowledged = serializers.IntegerField(allow_null=True)
    pushes_acknowledged_in_time = serializers.IntegerField(allow_null=True, help_text="一个工作日内签收的推送条数")
    screened = serializers.IntegerField(help_text="筛查人数")
    screening_hits = serializers.IntegerField(help_text="筛查命中并已反馈法院的人数")
    decisions = serializers.IntegerField(allow_null=True, help_text="应落实的联席会议议定事项")
    decisions_done_on_time = serializers.IntegerField(allow_null=True)
    suggestions = serializers.IntegerField(required=False, help_text="本年度被送达的司法建议函件数")
    suggestions_replied = serializers.IntegerField(required=False, help_text="其中已回复的件数")
    suggestions_replied_on_time = serializers.IntegerField(required=False, help_text="其中在回复期限内回复的件数")
    suggestions_overdue = serializers.IntegerField(
        required=False, help_text="其中未在回复期限内回复的件数：逾期回复，或期限届满仍未回复（未到期的不计）")
    grid_tasks = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="街道（镇）：本年度发给其所辖村（居）委会的网格协助事项（已撤回的不计）；其他单位为 null")
    grid_on_time = serializers.IntegerField(required=False, allow_null=True, help_text="其中在办理期限内回复的件数")
    grid_late = serializers.IntegerField(required=False, allow_null=True, help_text="其中期限届满后才回复的件数")
    grid_overdue = serializers.IntegerField(required=False, allow_null=True, help_text="其中期限届满仍未回复的件数")


class AssessmentAdjustmentSerializer(serializers.Serializer):
    points = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.CharField()
    at = serializers.CharField()
    from_points = serializers.CharField(source="from", help_text="调整前的得分")


class AssessmentScoreOutSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="考评项目代码")
    points = serializers.CharField(help_text="得分，两位小数")
    max = serializers.CharField(help_text="满分")
    source = serializers.CharField(help_text="auto 指标计分、court 法院评分、committee 政法委评分或调整、default 未扣分")
    explanation = serializers.CharField(help_text="计分依据或评分理由")
    adjustment = AssessmentAdjustmentSerializer(allow_null=True, help_text="政法委的调整（如有）")


class AssessmentLostPointsSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    lost = serializers.CharField(help_text="失分")
    reason = serializers.CharField()
    adjusted = serializers.BooleanField()


class AssessmentRowSerializer(serializers.Serializer):
    unit = AssessmentUnitRefSerializer()
    rank = serializers.IntegerField(allow_null=True, help_text="名次（同分同名次）；不参加排名的单位为 null")
    standing = serializers.ChoiceField(
        choices=["ranked", "no_notices", "none_due"],
        help_text="ranked 参加排名；no_notices 本年度未收到通知书（无协助任务）；none_due 尚无到期事项（暂无到期任务）。"
        "不参加排名的单位列于排名单位之后")
    standing_display = serializers.CharField(help_text="不参加排名的原因（无协助任务、暂无到期任务）")
    total = serializers.CharField(help_text="总分，两位小数")
    final = serializers.BooleanField(help_text="是否为定稿分数")
    metrics = AssessmentMetricsSerializer()
    scores = AssessmentScoreOutSerializer(many=True)
    pulled_down = AssessmentLostPointsSerializer(many=True, help_text="失分的项目，失分多的在前")


class AssessmentNominationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = NamedChoiceField(choices=NominationKind.choices, enum_name="AssessmentNominationKindEnum")
    kind_display = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    person_name = serializers.CharField()
    person_position = serializers.CharField()
    evidence = serializers.CharField()
    state = NamedChoiceField(choices=NominationState.choices, enum_name="AssessmentNominationStateEnum")
    state_display = serializers.CharField()
    decision_reason = serializers.CharField()


class AssessmentBoardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    jurisdiction = AssessmentJurisdictionRefSerializer()
    state = NamedChoiceField(choices=AssessmentState.choices, enum_name="AssessmentStateEnum")
    state_display = serializers.CharField()
    final = serializers.BooleanField(help_text="已定稿（数据冻结）")
    version = serializers.IntegerField(allow_null=True, help_text="定稿版本号；未定稿为 null")
    as_of = serializers.CharField(help_text="数据截至时间（ISO 8601）")
    unit_count = serializers.IntegerField(help_text="参加考评的单位数")
    criteria = AssessmentCriterionOutSerializer(many=True)
    rows = AssessmentRowSerializer(many=True, help_text="联络员只得到本单位一行")
    nominations = AssessmentNominationOutSerializer(many=True, help_text="表彰与批评建议；联络员只得到本单位已确定的")


class AssessmentScoreInSerializer(serializers.Serializer):
    unit = serializers.IntegerField(label="单位", help_text="单位 id")
    criterion = serializers.CharField(label="考评项目", help_text="考评项目代码")
    points = serializers.DecimalField(label="得分", max_digits=5, decimal_places=2)
    reason = ApiTextField(max_chars=REASON_MAX, label="理由")


class AssessmentScoresInSerializer(serializers.Serializer):
    scores = AssessmentScoreInSerializer(many=True, label="评分", allow_empty=False)


class AssessmentReasonInSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True)


class AssessmentFinaliseInSerializer(AssessmentReasonInSerializer):
    confirm_early = serializers.BooleanField(
        required=False, default=False,
        help_text="考评年度结束（12月31日）前定稿须为 true：确认在仍有未办结事项时提前定稿；否则拒绝并说明未办结事项数")


class AssessmentNominationInSerializer(serializers.Serializer):
    kind = NamedChoiceField(choices=NominationKind.choices, enum_name="AssessmentNominationKindEnum", label="类别")
    unit = serializers.IntegerField(label="单位", help_text="单位 id")
    person_name = serializers.CharField(label="个人姓名", required=False, allow_blank=True, max_length=30)
    person_position = serializers.CharField(label="职务", required=False, allow_blank=True, max_length=50)
    evidence = ApiTextField(max_chars=REASON_MAX, label="事实和依据")


class AssessmentDecisionInSerializer(serializers.Serializer):
    approved = serializers.BooleanField(label="决定", help_text="true 确定，false 不予确定")
    reason = ApiTextField(max_chars=REASON_MAX, label="意见", required=False, allow_blank=True)
