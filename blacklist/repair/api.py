"""`/api/v1/listings/{id}/credit-repairs/`: a listing's credit-repair applications for its court's staff (GET), and
a paper application registered by them (POST, the same service as the page). Anybody else gets a 404 (the committee
reads no application; its writes are refused by its role first, 403)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from linkage.api import NamedChoiceField, WriteRolePermission, validated
from linkage.text import TEXT_MAX, ApiTextField

from ..listings.selectors import listings_visible_to
from ..models import CreditRepair, RepairGround, RepairOutcome
from . import services


class CreditRepairSerializer(serializers.ModelSerializer):
    ground_display = serializers.CharField(source="get_ground_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    # A read-only model field loses its blank choice in the schema: "" until granted, said so for generated clients.
    outcome = NamedChoiceField(choices=RepairOutcome.choices, enum_name="RepairOutcomeEnum", allow_blank=True,
                               read_only=True, help_text="准予修复后：deleted（删除失信信息）或 suspended（暂缓惩戒）；此前为空")
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = CreditRepair
        fields = ["id", "listing", "ground", "ground_display", "channel", "applicant_name", "phone", "statement",
                  "received_on", "due_at", "state", "state_display", "outcome", "outcome_display", "decided_at",
                  "decision_reason", "certificate_number"]
        read_only_fields = fields


class CreditRepairCreateSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(label="申请事由", choices=RepairGround.choices)
    applicant_name = serializers.CharField(label="申请人", max_length=100)
    phone = serializers.CharField(label="联系电话", max_length=30)
    statement = ApiTextField(label="申请理由及履行情况", max_chars=TEXT_MAX)
    received_on = serializers.DateField(label="收到日期", required=False, allow_null=True)


ERRORS = {
    400: OpenApiResponse(description="输入不合格（中文信息，按字段）"),
    403: OpenApiResponse(description="角色无权办理"),
    404: OpenApiResponse(description="不存在或无权查看"),
}


class ListingCreditRepairsView(APIView):
    permission_classes = [IsAuthenticated, WriteRolePermission]

    def _listing(self, request, pk):
        if not request.user.is_court_staff:
            raise Http404
        return get_object_or_404(listings_visible_to(request.user), pk=pk)

    @extend_schema(summary="名单的信用修复申请", operation_id="listings_credit_repairs_list",
                   description="本院执行人员查看该名单的信用修复申请（新的在前）；其他人返回 404。",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="名单 id")],
                   responses={200: CreditRepairSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk):
        listing = self._listing(request, pk)
        return Response(CreditRepairSerializer(listing.credit_repairs.order_by("-created_at", "-id"),
                                               many=True).data)

    @extend_schema(summary="登记信用修复申请（书面申请）", operation_id="listings_credit_repairs_create",
                   description="本院执行人员登记被执行人的书面信用修复申请：名单须在名单上（已发布、已屏蔽或暂缓惩戒），"
                   "每个名单只能有一件待审查的申请；审查期限为收到之日起规定的工作日。",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="名单 id")],
                   request=CreditRepairCreateSerializer, responses={201: CreditRepairSerializer, **ERRORS})
    def post(self, request, pk):
        listing = self._listing(request, pk)
        data = validated(CreditRepairCreateSerializer, request.data)
        repair = services.receive_repair(actor=request.user, listing=listing, **data)
        return Response(CreditRepairSerializer(repair).data, status=status.HTTP_201_CREATED)
