"""`/api/v1/cases/{case_id}/dispatches/` and `/api/v1/dispatches/`: urgent dispatch requests (紧急出警).

A clerk of the case's court sends one (POST under the case); the police unit's liaisons acknowledge it and record the
arrival; the clerk closes it. Reads start from `DispatchRequest.objects.visible_to(user)`: the court's staff, the
police unit's liaisons and the committee of the jurisdiction; anything else is a 404. The services decide the rest
(403 for a role that may not act, 409 for a wrong state or a concluded case, 400 for bad input)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases.models import Case
from linkage.api import NamedChoiceField, WriteRolePermission, validated
from linkage.text import ApiTextField

from ..dispatch_models import PLACE_MAX, SITUATION_MAX, DispatchEvent, DispatchRequest, DispatchState
from ..services import dispatch as services
from .support import ACTION_ERRORS, NOTICE_OR_404, request_body


def _name(user):
    return user.display_name if user is not None else ""


class DispatchEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="操作人姓名；系统操作（督办）为空")
    action_display = serializers.CharField(read_only=True)

    class Meta:
        model = DispatchEvent
        fields = ["at", "actor", "action", "action_display", "from_state", "to_state", "reason"]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return _name(event.actor)


class DispatchSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(choices=DispatchState.choices, enum_name="DispatchStateEnum", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    court = serializers.CharField(source="court.code", read_only=True, help_text="执行法院代码")
    police = serializers.CharField(source="police.code", read_only=True, help_text="公安机关（成员单位）代码")
    police_name = serializers.CharField(source="police.name", read_only=True)
    requested_by = serializers.SerializerMethodField()
    acknowledged_by = serializers.SerializerMethodField()
    arrived_by = serializers.SerializerMethodField()
    closed_by = serializers.SerializerMethodField()
    events = DispatchEventSerializer(many=True, read_only=True)

    class Meta:
        model = DispatchRequest
        fields = ["id", "case", "case_number", "court", "police", "police_name", "place", "situation", "state",
                  "requested_by", "requested_at", "ack_due_at", "acknowledged_by", "acknowledged_at", "escalated_at",
                  "arrived_by", "arrived_at", "closed_by", "closed_at", "close_note", "events"]
        read_only_fields = fields

    def get_requested_by(self, row) -> str:
        return _name(row.requested_by)

    def get_acknowledged_by(self, row) -> str:
        return _name(row.acknowledged_by)

    def get_arrived_by(self, row) -> str:
        return _name(row.arrived_by)

    def get_closed_by(self, row) -> str:
        return _name(row.closed_by)


class DispatchCreateSerializer(serializers.Serializer):
    place = serializers.CharField(max_length=PLACE_MAX, label="现场地点")
    situation = ApiTextField(max_chars=SITUATION_MAX, label="现场情况", required=False, allow_blank=True, default="")


class DispatchArriveSerializer(serializers.Serializer):
    arrived_at = serializers.DateTimeField(label="到场时间", required=False, allow_null=True, default=None,
                                           help_text="省略为现在；不得晚于现在、早于接警时间")


class DispatchCloseSerializer(serializers.Serializer):
    note = ApiTextField(max_chars=SITUATION_MAX, label="处置情况", required=False, allow_blank=True, default="",
                        help_text="必填")


def _visible(user):
    return DispatchRequest.objects.visible_to(user).select_related(
        "case", "court", "police", "requested_by", "acknowledged_by", "arrived_by", "closed_by")


def _detail(user, pk):
    row = _visible(user).prefetch_related("events__actor").get(pk=pk)
    return DispatchSerializer(row).data


CASE_ID = OpenApiParameter("case_id", int, OpenApiParameter.PATH, description="案件 id")
DISPATCH_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="出警请求 id")


class CaseDispatchCreateView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, WriteRolePermission]
    serializer_class = DispatchCreateSerializer

    @extend_schema(
        summary="紧急出警：请求公安机关立即出警（执行员）",
        description="执行中遭遇暴力抗拒执行时，本案法院的执行员向本辖区公安机关（成员单位中类别为公安机关者）发出出警请求："
        "其A角、B角和负责人立即收到站内、短信、邮件和工作群通知（不受免打扰和每日汇总设置影响）。"
        "公安机关须在 DISPATCH_ACK_MINUTES（默认10）分钟内接警，否则自动报本辖区政法委和本院执行局领导督办（仅一次）。"
        "place 必填；案件已结案或本案已有未结束的出警请求的返回 409。",
        request=DispatchCreateSerializer, parameters=[CASE_ID],
        responses={201: DispatchSerializer, **ACTION_ERRORS},
    )
    def post(self, request, case_id):
        case = get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)
        data = validated(DispatchCreateSerializer, request_body(request))
        dispatch = services.request_dispatch(actor=request.user, case=case, **data)
        return Response(_detail(request.user, dispatch.pk), status=status.HTTP_201_CREATED)


def _move_schema(summary, description, request=None):
    return extend_schema(summary=summary, description=description, request=request, parameters=[DISPATCH_ID],
                         responses={200: DispatchSerializer, **ACTION_ERRORS})


@extend_schema_view(
    list=extend_schema(summary="紧急出警请求列表",
                       description="法院人员看到本院的，公安机关联络员看到本单位的，政法委看到本辖区的；新的在前。"),
    retrieve=extend_schema(summary="紧急出警请求详情", description="含完整记录。不可见的返回 404。",
                           parameters=[DISPATCH_ID], responses={200: DispatchSerializer, **NOTICE_OR_404}),
)
class DispatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DispatchSerializer
    permission_classes = [IsAuthenticated, WriteRolePermission]
    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return _visible(self.request.user).prefetch_related("events__actor")

    def _act(self, request, service, serializer_class=None):
        dispatch = get_object_or_404(_visible(request.user), pk=self.kwargs["pk"])
        data = validated(serializer_class, request_body(request)) if serializer_class else {}
        service(actor=request.user, dispatch=dispatch, **data)
        return Response(_detail(request.user, dispatch.pk))

    @_move_schema("接警（公安机关联络员）", "待接警 → 已接警；请求的执行员收到通知。逾期后仍可接警。")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(request, services.acknowledge_dispatch)

    @_move_schema("登记到场（公安机关联络员）", "已接警 → 已到场，记录到场时间 arrived_at（省略为现在）。",
                  DispatchArriveSerializer)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        dispatch = get_object_or_404(_visible(request.user), pk=pk)
        data = validated(DispatchArriveSerializer, request_body(request))
        services.arrive_dispatch(actor=request.user, dispatch=dispatch, at=data["arrived_at"])
        return Response(_detail(request.user, dispatch.pk))

    @_move_schema("结束出警请求（执行员）", "待接警、已接警或已到场 → 已结束，须写明处置情况 note。",
                  DispatchCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, services.close_dispatch, DispatchCloseSerializer)
