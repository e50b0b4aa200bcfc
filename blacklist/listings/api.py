"""`/api/v1/listings/`: the dishonest-debtor list for courts, and its push feed for joint-punishment units.

Every read of a listing starts from `selectors.listings_visible_to(user)`: what a caller may not see is a 404.
An action looks the listing up that way, then calls the one service, which decides the rest (403 role, 409 state,
400 input). The feed is `selectors.feed_page`, paged by the `after_id` cursor; each event carries the listing as
it was at the event (its snapshot, `blacklist.listings.snapshot`).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from cases.models import Case, Party
from linkage.api import IdFilter, WriteRolePermission, validated
from linkage.errors import ApplicationError, PermissionDenied
from members.selectors import jurisdiction_id_of

from ..models import Listing, ListingEvent, ListingGround, ListingState
from . import selectors, services
from .serializers import (
    AcknowledgementSerializer,
    CorrectSerializer,
    DeleteSerializer,
    FeedEventSerializer,
    FeedPageSerializer,
    ListingCreateSerializer,
    ListingReasonSerializer,
    ListingSerializer,
    RevokeSerializer,
)

ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="名单 id")
ACTION_ERRORS = {
    400: OpenApiResponse(description="输入不合格（中文信息，按字段）"),
    403: OpenApiResponse(description="角色无权办理"),
    404: OpenApiResponse(description="不存在或无权查看"),
    409: OpenApiResponse(description="当前状态不允许此操作：{detail, state}"),
}


def _body(request):
    data = request.data
    if hasattr(data, "dict"):
        return data.dict()
    if not isinstance(data, dict):
        raise ApplicationError("请求体应为 JSON 对象。")
    return data


def action_schema(summary, description="", request=ListingReasonSerializer):
    return extend_schema(summary=summary, description=description, request=request, parameters=[ID_PARAMETER],
                         responses={200: ListingSerializer, **ACTION_ERRORS})


class ListingFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ListingState.choices, help_text="状态代码")
    ground = filters.ChoiceFilter(choices=ListingGround.choices, help_text="失信情形 1-6")
    case = IdFilter(field_name="case_id", help_text="案件 id")

    class Meta:
        model = Listing
        fields = ["state", "ground", "case"]


@extend_schema_view(
    list=extend_schema(summary="失信被执行人名单列表",
                       description="法院人员看到本院的名单记录，政法委看到全部（只读）；联络员没有此列表（请用推送和公开查询）。"
                       "可按 state、ground、case 过滤。"),
    retrieve=extend_schema(summary="名单记录详情", responses={200: ListingSerializer, 404: ACTION_ERRORS[404]}),
    create=extend_schema(summary="提请纳入失信名单（执行员）",
                         description="debtor 为本院案件的被执行人；decided_on 不能晚于今天，年龄按决定日期计算，未满十八周岁的不得纳入；"
                         "第一项情形下已提供足额担保等情形的不得纳入。依申请执行人申请的填 applicant 和 applied_on："
                         "该申请执行人书面申请删除后六个月内不得再次申请（法释〔2017〕7号第十条第二款），拒绝信息写明可申请之日。",
                         request=ListingCreateSerializer,
                         responses={201: ListingSerializer, 400: ACTION_ERRORS[400], 403: ACTION_ERRORS[403]}),
)
class ListingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, WriteRolePermission]
    serializer_class = ListingSerializer
    filterset_class = ListingFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Listing.objects.none()
        return (selectors.listings_visible_to(self.request.user)
                .prefetch_related(Prefetch("events", queryset=ListingEvent.objects.select_related("actor")
                                           .order_by("id"))))

    def _detail(self, pk):
        return ListingSerializer(get_object_or_404(self.get_queryset(), pk=pk),
                                 context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_clerk:
            raise PermissionDenied("只有法院执行员可以提请纳入失信被执行人名单。")
        data = validated(ListingCreateSerializer, _body(request))
        debtor = Party.objects.filter(pk=data.pop("debtor"), case__in=Case.objects.visible_to(user)).first()
        if debtor is None:
            raise ApplicationError("被执行人不存在。", field="debtor")
        listing = services.propose_listing(actor=user, debtor=debtor, **data)
        return Response(self._detail(listing.pk), status=status.HTTP_201_CREATED)

    def _act(self, request, service, serializer_class=ListingReasonSerializer):
        listing = self.get_object()
        data = validated(serializer_class, _body(request))
        service(actor=request.user, listing=listing, **data)
        return Response(self._detail(listing.pk))


# The moves as POST /listings/{id}/<action>/: action → (input, summary, description); the service is
# `services.MOVE_SERVICES[action]`. Who may make each in which state is the table's (`LISTING_MACHINE`, and each
# listing's `actions`); the service decides.
API_ACTIONS = {
    "approve": (ListingReasonSerializer, "批准发布（执行局领导）", "待审批 → 已发布，并推送联合惩戒单位。批准前重新核对："
                "决定日期晚于今天、被执行人在决定日期未满十八周岁的，不予批准（400）。"),
    "withdraw": (ListingReasonSerializer, "撤回提请（法院人员）", "待审批 → 已撤回，须写明理由。"),
    "shield": (ListingReasonSerializer, "屏蔽（法院人员）", "已发布 → 已屏蔽，须写明理由。"),
    "unshield": (ListingReasonSerializer, "解除屏蔽（法院人员）", "已屏蔽 → 已发布。"),
    "delete": (DeleteSerializer, "删除（法院人员）", "已发布或已屏蔽 → 已删除；ground 为法定删除事由，arose_on 为事由发生日期，"
               "应在其后3个工作日内删除（removal_due_at）。ground=applicant_request 时须填 applicant（书面申请删除的申请执行人）"
               "和 requested_on（申请日期）。"),
    "revoke": (RevokeSerializer, "撤销（法院人员）", "错误纳入的，已发布或已屏蔽 → 已撤销，须写明情形。"),
    "correct": (CorrectSerializer, "更正（法院人员）", "更正公布的信息项（changes），须写明理由；更正同样推送。"),
}


def _api_action(name, serializer_class, summary, description):
    def handler(self, request, pk=None):
        return self._act(request, services.MOVE_SERVICES[name], serializer_class)

    # Not named `delete`: that name is the HTTP DELETE handler of a view.
    handler.__name__ = handler.__qualname__ = f"{name}_action"
    handler = action(detail=True, methods=["post"], url_path=name, url_name=name)(handler)
    return action_schema(summary, description, request=serializer_class)(handler)


for _name, _entry in API_ACTIONS.items():
    setattr(ListingViewSet, f"{_name}_action", _api_action(_name, *_entry))


# -------------------------------------------------------------------------------------------------- feed


FEED_PARAMETERS = ("after_id", "since", "limit")


def _single_parameters(params):
    """Each feed parameter once at most: a repeated one is refused, not silently read as its last value."""
    values = {}
    for name in FEED_PARAMETERS:
        given = params.getlist(name)
        if len(given) > 1:
            raise ApplicationError(f"{name} 只能给出一次。", field=name)
        values[name] = given[0] if given else None
    return values


class FeedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="失信名单推送（联合惩戒单位）",
        description="每一次发布、更正、屏蔽、解除屏蔽、暂缓惩戒、恢复惩戒、删除、撤销和到期移出，按发生顺序（id 递增）。每条记录带 "
        "action（枚举：publish、correct、shield、unshield、suspend、resume、delete、revoke、expire；suspend 为暂缓惩戒，"
        "resume 为恢复惩戒，从未发布的名单恢复惩戒时即发布）、"
        "理由 reason、法定事由 legal_ground 及其中文 legal_ground_display，以及 listing：该记录发生时公布的名单信息（快照），"
        "不是名单现在的信息。\n\n"
        "翻页：与其他列表相同的 count、next、previous、results，另有 next_after_id。用 after_id（不含）作游标：每页返回 "
        "next_after_id（推送记录的 id，服务重启后依然有效），下次原样传回即可既不遗漏也不重复；next 为下一页的完整地址，"
        "本页未满（已读到末尾）时为 null，以后继续同步仍用 next_after_id。since（ISO 8601 时间）返回该时间之后的记录，"
        "适合首次同步。limit 每页条数1-200，默认200，超出范围返回400（不截断）。时间均为北京时间（+08:00）。"
        "只有措施含“限制消费/资格”或“公示/曝光”的单位的联络员和政法委可读。",
        parameters=[
            OpenApiParameter("after_id", {"type": "integer", "minimum": 0, "maximum": selectors.MAX_ID},
                             description="上一页的 next_after_id（不含）；推送记录的 id，服务重启后依然有效"),
            OpenApiParameter("since", {"type": "string", "maxLength": 40},
                             description="ISO 8601 时间，如 2026-11-24T08:00:00+08:00；不带时区按北京时间"),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": selectors.FEED_MAX_LIMIT,
                                       "default": selectors.FEED_MAX_LIMIT},
                             description="每页条数，1-200，默认200；超出范围返回400"),
        ],
        responses={200: FeedPageSerializer, 400: ACTION_ERRORS[400], 403: ACTION_ERRORS[403]},
    )
    def get(self, request):
        params = _single_parameters(request.query_params)
        events, next_after_id, count = selectors.feed_page(
            request.user, since=params["since"], after_id=params["after_id"], limit=params["limit"])
        limit = selectors.FEED_MAX_LIMIT if params["limit"] in (None, "") else int(params["limit"])  # checked
        full = len(events) >= limit  # a full page: there may be more now
        next_url = replace_query_param(request.build_absolute_uri(), "after_id", next_after_id) if full else None
        return Response({"count": count, "next": next_url, "previous": None,
                         "results": FeedEventSerializer(events, many=True).data, "next_after_id": next_after_id})


class FeedAcknowledgeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="签收推送（联合惩戒单位联络员）",
        description="确认本单位已收到该推送记录。重复签收返回200，不重复记录。",
        request=None,
        parameters=[OpenApiParameter("event_id", int, OpenApiParameter.PATH, description="推送记录 id")],
        responses={201: AcknowledgementSerializer, 200: AcknowledgementSerializer, 403: ACTION_ERRORS[403],
                   404: ACTION_ERRORS[404]},
    )
    def post(self, request, event_id):
        if not selectors.may_acknowledge(request.user):
            raise PermissionDenied("只有联合惩戒单位的联络员可以签收推送。")
        event = get_object_or_404(selectors.pushed_events(jurisdiction_id_of(request.user)), pk=event_id)
        ack, created = services.acknowledge_event(actor=request.user, event=event)
        body = {"event": ack.event_id, "unit": ack.unit_id, "acknowledged_at": ack.acknowledged_at,
                "created": created}
        return Response(AcknowledgementSerializer(body).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
