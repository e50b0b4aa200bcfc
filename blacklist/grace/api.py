"""`/api/v1/listings/{id}/grace/`: a listing's graces (暂缓采取失信惩戒措施) and their schedules, read-only.

Who reads: the listing's court's staff and the committee of its jurisdiction (the listing's own visibility), and the
liaisons of the joint-punishment units of that jurisdiction for a listing they were pushed (a published listing's
suspension tells them why it left the list; the written promise itself stays with the court). Anything else: 404."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from linkage.api import NamedChoiceField
from members.selectors import jurisdiction_id_of

from ..listings import selectors
from ..listings.api import ACTION_ERRORS
from ..models import GraceInstalment, GracePeriod, GraceState, Listing, Promisor


class InstalmentSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField(help_text="暂缓期内、已过应履行日期而未登记履行")

    class Meta:
        model = GraceInstalment
        fields = ["number", "due_on", "amount", "paid_on", "paid_amount", "overdue"]
        read_only_fields = fields

    def get_overdue(self, item) -> bool:
        return (item.grace.state == GraceState.GRANTED and item.paid_on is None
                and item.due_on < self.context["today"])


class GraceSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(choices=GraceState.choices, enum_name="GraceStateEnum", read_only=True,
                             help_text="granted 暂缓期内、fulfilled 已按承诺履行、broken 未按承诺履行（已恢复惩戒）")
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    promisor = NamedChoiceField(choices=Promisor.choices, enum_name="GracePromisorEnum", read_only=True)
    instalments = InstalmentSerializer(many=True, read_only=True)

    class Meta:
        model = GracePeriod
        fields = ["id", "state", "state_display", "promisor", "promised_on", "starts_on", "ends_on", "was_published",
                  "granted_at", "ended_at", "instalments"]
        read_only_fields = fields


class GraceListSerializer(serializers.Serializer):
    listing = serializers.IntegerField(help_text="名单 id")
    results = GraceSerializer(many=True, help_text="该名单的暂缓惩戒，最新的在前")


def _listing_for(user, pk):
    listing = selectors.listings_visible_to(user).filter(pk=pk).first()
    if listing is not None:
        return listing
    if user.is_liaison and selectors.may_acknowledge(user):
        pushed = selectors.pushed_events(jurisdiction_id_of(user)).filter(listing_id=pk)
        if pushed.exists():
            return Listing.objects.get(pk=pk)
    raise Http404


class GraceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="名单的暂缓惩戒及履行计划",
        description="该名单的暂缓采取失信惩戒措施（最新的在前）：状态、承诺人、承诺日期、暂缓起止日、准予时是否已发布，"
        "以及每期的应履行日期、金额、实际履行情况和是否逾期。本院执行人员、本辖区政法委可读；联合惩戒单位联络员可读"
        "曾推送给本单位的名单。",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="名单 id")],
        responses={200: GraceListSerializer, 404: ACTION_ERRORS[404]},
    )
    def get(self, request, pk):
        listing = _listing_for(request.user, pk)
        graces = (GracePeriod.objects.filter(listing=listing).order_by("-granted_at", "-id")
                  .prefetch_related(Prefetch("instalments", GraceInstalment.objects.select_related("grace")
                                             .order_by("number"))))
        context = {"today": timezone.localdate(), "request": request}
        return Response({"listing": listing.pk, "results": GraceSerializer(graces, many=True, context=context).data})
