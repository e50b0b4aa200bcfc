"""`/api/v1/webhooks/`: a unit's own system registers where it is told of events (docs/api.md). A unit's liaison
manages its own unit's endpoints, the administrator everybody's; nobody else sees any (404). The secret is
write-only; deliveries show the receiver's last answer and can be sent again with the same event id."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import NamedChoiceField, WriteRolePermission, validated
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed

from . import webhook_services, webhooks
from .chat import mask
from .models import Organisation
from .webhook_models import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint, WebhookEventType


class WebhookEndpointSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="organisation_id", read_only=True)
    unit_name = serializers.CharField(source="organisation.short_name", read_only=True)
    secret_hint = serializers.SerializerMethodField(help_text="签名密钥（遮蔽）；密钥本身只写不读")
    event_types = serializers.ListField(child=NamedChoiceField(choices=WebhookEventType.choices,
                                                               enum_name="WebhookEventTypeEnum"), read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "unit", "unit_name", "name", "url", "secret_hint", "event_types", "active", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_secret_hint(self, endpoint) -> str:
        return mask(endpoint.secret)


class WebhookEndpointInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField(label="单位", required=False, min_value=1, max_value=2**63 - 1,
                                    help_text="单位 id：管理员登记时必填；联络员登记的总是本单位")
    name = serializers.CharField(label="名称", max_length=50, required=False, allow_blank=True)
    url = serializers.CharField(label="接收地址", max_length=500, required=False,
                                help_text="https://…（本机地址或经配置允许时可用 http://）；不跟随重定向")
    secret = serializers.CharField(label="签名密钥", max_length=200, required=False, allow_blank=True,
                                   trim_whitespace=False,
                                   help_text="至少16位；留空：新建时自动生成（不回显），修改时保持不变")
    event_types = serializers.ListField(label="订阅事件", child=NamedChoiceField(
        choices=WebhookEventType.choices, enum_name="WebhookEventTypeEnum"), required=False, max_length=10)
    active = serializers.BooleanField(label="启用", required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.event_id", read_only=True)
    event_type = serializers.CharField(source="event.event_type", read_only=True)
    occurred_at = serializers.DateTimeField(source="event.occurred_at", read_only=True)
    state = NamedChoiceField(choices=WebhookDeliveryState.choices, enum_name="WebhookDeliveryStateEnum",
                             read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event_type", "occurred_at", "state", "attempts", "replays", "next_attempt_at",
                  "last_attempt_at", "last_status", "last_response", "delivered_at"]
        read_only_fields = fields


DID = OpenApiParameter("did", OpenApiTypes.INT, OpenApiParameter.PATH, description="推送记录 id")


@extend_schema_view(
    list=extend_schema(summary="本单位的事件推送地址（联络员；管理员看全部）"),
    retrieve=extend_schema(summary="事件推送地址详情"),
    create=extend_schema(summary="登记事件推送地址（联络员或管理员）", request=WebhookEndpointInputSerializer,
                         responses={201: WebhookEndpointSerializer}),
    partial_update=extend_schema(summary="修改或停用事件推送地址", request=WebhookEndpointInputSerializer,
                                 responses={200: WebhookEndpointSerializer}),
)
class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsAuthenticated, WriteRolePermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return webhooks.endpoints_for(self.request.user).select_related("organisation").order_by("id")

    def create(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_liaison or user.is_administrator):  # refused before the body is read
            raise PermissionDenied("只有系统管理员或成员单位联络员可以登记事件推送地址。")
        data = validated(WebhookEndpointInputSerializer, request.data)
        organisation = None
        if user.is_administrator:
            organisation = Organisation.objects.filter(pk=data.pop("unit", None)).first()
            if organisation is None:
                raise ApplicationError("请选择单位。", field="unit")
        data.pop("unit", None)
        endpoint = webhook_services.save_endpoint(actor=user, organisation=organisation, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=endpoint.pk)).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        data = validated(WebhookEndpointInputSerializer, request.data)
        data.pop("unit", None)  # an endpoint never moves to another unit
        webhook_services.save_endpoint(actor=request.user, endpoint=endpoint, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=endpoint.pk)).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise Http404
        return super().update(request, *args, **kwargs)

    @extend_schema(summary="推送记录（最近的在前，含接收方最近一次应答）",
                   responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        rows = endpoint.deliveries.select_related("event").order_by("-created_at", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(summary="重发一条推送（同一事件编号）", request=None, parameters=[DID],
                   responses={200: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<did>\d+)/replay")
    def replay(self, request, pk=None, did=None):
        endpoint = self.get_object()
        delivery = get_object_or_404(endpoint.deliveries.select_related("endpoint"), pk=did)
        if not webhooks.replay(actor=request.user, deliveries=[delivery]):
            raise TransitionNotAllowed("该推送地址已停用，不能重发。", state="inactive")
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data)
