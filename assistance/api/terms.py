"""The terms of a notice's freezes and seals through the API: a clerk's correction of one term and the renewal
(续行冻结/续行查封) drafted from an expiring notice. Like the other moves: the notice through the caller's visibility
(404 otherwise), the body parsed by its input serializer, the service deciding the rest (403/409/400)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from linkage.api import validated

from .. import services
from ..input_serializers import RenewalInputSerializer, TermEditSerializer
from ..models import MeasureTerm
from .support import ID_PARAMETER, action_schema, request_body


class NoticeTermsMixin:
    """The actions of `NoticeViewSet` about the terms of freezes and seals."""

    @action_schema(
        "起草续行冻结/续行查封通知书（执行员）",
        "通知书在执行中（已送达、已签收、已回复或已办结）且有期限在届满前 RENEWAL_DAYS_AHEAD 日（默认30日）内的，"
        "以原通知书的单位、措施、被执行人和有期限的事项起草续行通知书（草稿），renews 指向原通知书；"
        "period_months 留空按原期限，超过该类财产法定期限的拒绝（民诉法解释第四百八十五条）。"
        "续行通知书同样须执行局领导签发、执行员送达。返回续行通知书（201）。",
        request=RenewalInputSerializer, code=201, parameters=[ID_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        notice = self.get_object()
        data = validated(RenewalInputSerializer, request_body(request))
        renewal = services.draft_renewal(actor=request.user, notice=notice, **data)
        return Response(self._detail(renewal.pk), status=status.HTTP_201_CREATED)

    @action_schema(
        "更正查封冻结期限（执行员）",
        "本院执行员更正某一事项的起始、届满日期，须写明理由；不得超过该类财产的法定期限。更正记入通知书历史。返回通知书。",
        request=TermEditSerializer,
        parameters=[ID_PARAMETER, OpenApiParameter("term_id", int, OpenApiParameter.PATH, description="期限 id")],
    )
    @action(detail=True, methods=["post"], url_path=r"terms/(?P<term_id>\d+)")
    def edit_term(self, request, pk=None, term_id=None):
        notice = self.get_object()
        term = get_object_or_404(MeasureTerm, pk=term_id, notice=notice)
        data = validated(TermEditSerializer, request_body(request))
        services.edit_term(actor=request.user, term=term, **data)
        return Response(self._detail(notice.pk))
