"""`/api/v1/notices/{id}/…`: a locate or vehicle request's police side (查人扣车) — its state, the police's control
entry, status replies, finding and hand-over, the court's taking over and cancellation, and the detention
suggestion. Like the notice's moves: the notice is looked up through the caller's visibility (404 otherwise), the
body is parsed by its input serializer and the one service decides the rest (403 wrong role, 409 wrong state, 400 bad
input); each answers with the tracking as it stands."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from linkage.api import validated
from linkage.errors import TransitionNotAllowed
from linkage.text import REASON_MAX, ApiTextField

from ..services import tracking as services
from ..tracking import DETENTION_MACHINE, TRACKING_MACHINE
from ..tracking_models import DetentionState, DetentionSuggestion, Tracking
from .support import ACTION_ERRORS, ID_PARAMETER, action_schema, request_body

# ------------------------------------------------------------------------------------------------ output


class DetentionSuggestionSerializer(serializers.ModelSerializer):
    raised_by = serializers.CharField(source="raised_by.display_name", read_only=True)
    decided_by = serializers.CharField(source="decided_by.display_name", read_only=True, default=None)
    overdue = serializers.SerializerMethodField(help_text="待决定且已超过24小时")

    class Meta:
        model = DetentionSuggestion
        fields = ["id", "state", "reason", "raised_by", "raised_at", "due_at", "overdue", "decided_by", "decided_at",
                  "decision_reason"]

    def get_overdue(self, suggestion) -> bool:
        return suggestion.is_overdue()


class TrackingSerializer(serializers.ModelSerializer):
    notice = serializers.IntegerField(source="notice_id", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    notice_state = serializers.CharField(source="notice.state", read_only=True)
    notice_due_at = serializers.DateTimeField(source="notice.due_at", read_only=True,
                                              help_text="下一项应办事项的期限：查找期间为下次情况反馈，发现后为发现时间起24小时")
    notice_deadline_rule = serializers.CharField(source="notice.deadline_rule", read_only=True)
    overdue = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="当前用户现在可以办理的操作")
    detention_suggestions = serializers.SerializerMethodField()

    class Meta:
        model = Tracking
        fields = ["notice", "state", "state_display", "reason", "reason_display", "reason_detail", "contact_person",
                  "contact_phone", "status_every_days", "last_status_at", "status_reports", "plate",
                  "control_registered_on", "found_at", "found_place", "found_recorded_at", "reported_at",
                  "handover_place", "handover_at", "taken_over_at", "cancelled_at", "cancel_reason", "notice_state",
                  "notice_due_at", "notice_deadline_rule", "overdue", "actions", "detention_suggestions"]

    def get_overdue(self, tracking) -> bool:
        return tracking.notice.is_overdue()

    def get_actions(self, tracking) -> list[str]:
        user = self.context["request"].user
        # The report is the notice's reply; a relayed finding is made from a grid task (grid/finding.py).
        actions = [name for name in TRACKING_MACHINE.actions_for(user, tracking)
                   if name not in ("report", "relay_finding")]
        pending = next((s for s in self._suggestions(tracking) if s.state == DetentionState.PENDING), None)
        if pending is not None and DETENTION_MACHINE.may(user, pending, "stop"):
            actions.append("decide_detention")
        return actions

    def _suggestions(self, tracking):
        if not hasattr(tracking, "_suggestions"):
            tracking._suggestions = list(DetentionSuggestion.objects.filter(notice_id=tracking.notice_id)
                                         .select_related("raised_by", "decided_by", "notice").order_by("raised_at"))
        return tracking._suggestions

    def get_detention_suggestions(self, tracking) -> DetentionSuggestionSerializer(many=True):
        return DetentionSuggestionSerializer(self._suggestions(tracking), many=True).data


# ------------------------------------------------------------------------------------------------ input


class StatusReportSerializer(serializers.Serializer):
    text = ApiTextField(max_chars=REASON_MAX, label="查找情况", required=False, allow_blank=True)


class ControlSerializer(serializers.Serializer):
    registered_on = serializers.DateField(label="布控录入日期", required=False, allow_null=True,
                                          help_text="不能晚于今天、早于送达日；留空为今天")
    plate = serializers.CharField(label="号牌号码", max_length=20, required=False, allow_blank=True)


class FindingSerializer(serializers.Serializer):
    found_at = serializers.DateTimeField(label="发现（查扣）时间", required=False, allow_null=True,
                                         help_text="不能晚于现在、早于送达时间；留空为现在")
    place = serializers.CharField(label="发现（查扣）地点", max_length=200, required=False, allow_blank=True)


class HandOverSerializer(serializers.Serializer):
    place = serializers.CharField(label="交接地点", max_length=200, required=False, allow_blank=True)
    at = serializers.DateTimeField(label="交接时间", required=False, allow_null=True, help_text="留空为现在")


class TakeOverSerializer(serializers.Serializer):
    at = serializers.DateTimeField(label="接收时间", required=False, allow_null=True, help_text="留空为现在")
    note = ApiTextField(max_chars=REASON_MAX, label="说明", required=False, allow_blank=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = ApiTextField(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True)


class DetentionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(label="决定", choices=[("stop", "停止执行拘留"), ("continue", "继续执行拘留")])
    reason = ApiTextField(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True,
                          help_text="决定继续执行拘留的须写明理由")


def _schema(summary, description, request=None):
    return action_schema(summary, description, request=request, response=TrackingSerializer,
                         parameters=[ID_PARAMETER])


class TrackingMovesMixin:
    """The tracking actions of `NoticeViewSet`."""

    def _tracking(self, notice):
        tracking = Tracking.objects.select_related("notice__unit", "notice__measure", "notice__court",
                                                   "notice__case").filter(notice=notice).first()
        if tracking is None:
            raise TransitionNotAllowed("该通知书不是查人扣车请求。", state=notice.state)
        return tracking

    def _tracked(self, request, service, serializer_class=None):
        notice = self.get_object()
        data = validated(serializer_class, request_body(request)) if serializer_class else {}
        service(actor=request.user, notice=notice, **data)
        notice.refresh_from_db()
        return Response(TrackingSerializer(self._tracking(notice), context={"request": request}).data)

    @extend_schema(summary="查人扣车状态", description="查找被执行人下落、查扣车辆请求的查控状态、24小时联系人、"
                   "发现与移交情况、停止执行拘留建议，以及当前用户可办理的操作。不是查人扣车请求的返回 409。",
                   responses={200: TrackingSerializer, **ACTION_ERRORS}, parameters=[ID_PARAMETER])
    @action(detail=True, methods=["get"], url_path="tracking")
    def tracking(self, request, pk=None):
        notice = self.get_object()
        return Response(TrackingSerializer(self._tracking(notice), context={"request": request}).data)

    @_schema("情况反馈（该单位联络员）", "查找期间定期反馈查找情况（text 必填）；下次反馈期限自本次起算（默认30日）。",
             StatusReportSerializer)
    @action(detail=True, methods=["post"], url_path="status-report")
    def status_report(self, request, pk=None):
        return self._tracked(request, services.report_status, StatusReportSerializer)

    @_schema("布控录入（该单位联络员，查扣车辆）", "公安机关将被查封车辆录入稽查布控系统，记录录入日期，只能录入一次。",
             ControlSerializer)
    @action(detail=True, methods=["post"], url_path="register-control")
    def register_control(self, request, pk=None):
        notice = self.get_object()
        data = validated(ControlSerializer, request_body(request))
        services.register_control(actor=request.user, notice=notice,
                                  registered_on=data.get("registered_on") or timezone.localdate(),
                                  plate=data.get("plate", ""))
        return Response(TrackingSerializer(self._tracking(notice), context={"request": request}).data)

    @_schema("记录发现或查扣（该单位联络员）", "查找中 → 已发现：记录发现被执行人（查扣车辆）的时间和地点；"
             "自发现时间起24小时内须回复办理结果（/reply/），超过即逾期并计入考核。执行员即时收到通知。",
             FindingSerializer)
    @action(detail=True, methods=["post"], url_path="record-finding")
    def record_finding(self, request, pk=None):
        return self._tracked(request, services.record_finding, FindingSerializer)

    @_schema("移交车辆（该单位联络员）", "已通知法院 → 已移交：记录交接地点和时间；执行员收到通知后确认接收。",
             HandOverSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        return self._tracked(request, services.hand_over_vehicle, HandOverSerializer)

    @_schema("接收（执行员）", "法院接收被执行人，或确认收到公安机关移交的车辆（车辆须先移交）。", TakeOverSerializer)
    @action(detail=True, methods=["post"], url_path="take-over")
    def take_over(self, request, pk=None):
        return self._tracked(request, services.take_over, TakeOverSerializer)

    @_schema("撤销协查（执行员）", "法院自行发现被执行人等情形：查找中或已发现 → 已撤销协查，通知书撤回（停止计时），"
             "该单位联络员即时收到撤销通知。reason 必填。", ReasonInputSerializer)
    @action(detail=True, methods=["post"], url_path="cancel-tracking")
    def cancel_tracking(self, request, pk=None):
        return self._tracked(request, services.cancel_tracking, ReasonInputSerializer)

    @_schema("建议停止执行拘留（该单位联络员）", "被执行人已发现或已接收后，公安机关可建议停止执行拘留（reason 必填）；"
             "法院应在24小时内决定。", ReasonInputSerializer)
    @action(detail=True, methods=["post"], url_path="suggest-stop-detention")
    def suggest_stop_detention(self, request, pk=None):
        return self._tracked(request, services.suggest_stop_detention, ReasonInputSerializer)

    @_schema("决定是否停止执行拘留（执行员）", "对待决定的建议作出决定：decision=stop 停止执行拘留，continue 继续执行"
             "（须写明理由）；决定发回该单位。", DetentionDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="decide-detention")
    def decide_detention(self, request, pk=None):
        notice = self.get_object()
        data = validated(DetentionDecisionSerializer, request_body(request))
        services.decide_detention(actor=request.user, notice=notice, stop=data["decision"] == "stop",
                                  reason=data.get("reason", ""))
        return Response(TrackingSerializer(self._tracking(notice), context={"request": request}).data)
