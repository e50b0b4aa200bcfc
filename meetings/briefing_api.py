"""The committee's briefings by API (GET /api/v1/briefings/): an addressee's briefings (issued or withdrawn since)
with its own receipt; the committee's, its jurisdiction's, drafts included (`Briefing.objects.visible_to`). Reading
the list does not mark a briefing read: opening its page does, and so does POST /api/v1/briefings/{id}/read/ for a
unit's system that shows it to its people (the receipt keeps the first read)."""

import datetime

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .briefing_models import Briefing, BriefingRecipient
from .services import briefings as services


class BriefingSectionSerializer(serializers.Serializer):
    heading = serializers.CharField(help_text="小标题")
    text = serializers.CharField(help_text="正文")


class BriefingSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    sections = serializers.SerializerMethodField()
    delivered_at = serializers.SerializerMethodField()
    read_at = serializers.SerializerMethodField()

    class Meta:
        model = Briefing
        fields = ["id", "title", "issuer", "document_number", "period_from", "period_to", "state", "state_display",
                  "issued_at", "withdrawn_at", "withdrawal_reason", "opening", "sections", "delivered_at", "read_at"]
        read_only_fields = fields

    @extend_schema_field(BriefingSectionSerializer(many=True))
    def get_sections(self, obj):
        return [{"heading": heading, "text": text} for heading, text in obj.sections]

    def _receipt(self, obj):
        receipts = getattr(obj, "own_receipts", [])
        return receipts[0] if receipts else None

    def get_delivered_at(self, obj) -> datetime.datetime | None:
        receipt = self._receipt(obj)
        return serializers.DateTimeField().to_representation(receipt.delivered_at) if receipt else None

    def get_read_at(self, obj) -> datetime.datetime | None:
        receipt = self._receipt(obj)
        return serializers.DateTimeField().to_representation(receipt.read_at) if receipt and receipt.read_at else None


@extend_schema_view(get=extend_schema(summary="工作通报列表", operation_id="briefings_list",
               description="接收人：发给本人的政法委工作通报（已印发的，及其后撤回的），附本人的送达和阅读时间；"
                           "政法委：本辖区的通报（含草稿）。其他用户为空列表。"))
class BriefingListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = BriefingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Briefing.objects.none()
        user = self.request.user
        return _with_own_receipt(Briefing.objects.visible_to(user), user).order_by("-period_to", "-id")


def _with_own_receipt(queryset, user):
    return queryset.select_related("issuer").prefetch_related(
        Prefetch("recipients", queryset=BriefingRecipient.objects.filter(user=user), to_attr="own_receipts"))


class BriefingReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="标记工作通报已读", operation_id="briefings_read", request=None,
                   responses={200: BriefingSerializer},
                   description="接收人确认已阅读发给本人的已印发通报：首次调用记录阅读时间（回执），此后不变。"
                               "不是本人的通报、草稿或撤回的通报：404。")
    def post(self, request, pk):
        user = request.user
        briefing = get_object_or_404(Briefing.objects.filter(recipients__user=user, state="issued"), pk=pk)
        services.mark_read(user=user, briefing=briefing)
        return Response(BriefingSerializer(_with_own_receipt(Briefing.objects.filter(pk=briefing.pk), user).get()).data)
