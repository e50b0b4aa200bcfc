"""`/api/v1/crime-referrals/` and `/api/v1/discipline-referrals/`: referrals read and answered by the units' systems
(assistance/services/referrals.py). Reads start from `visible_to`: the court's staff, the committee of the
jurisdiction, the unit referred to (once sent) and, for a crime referral, the procuratorate holding the guardian grant
of a supervision request; anything else is a 404. `answer` is the one write: the police's filing or refusal, the
procuratorate's supervision answer, the discipline body's answer; the services decide the rest (403 for a role that
may not act, 409 for a wrong state, 400 for bad input)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import NamedChoiceField, WriteRolePermission, validated
from linkage.errors import ApplicationError
from linkage.text import REASON_MAX, ApiTextField

from ..referral_models import (
    CrimeReferral,
    CrimeReferralState,
    DisciplineAnswer,
    DisciplineReferral,
    SupervisionOutcome,
)
from ..services import referrals as services
from .support import ACTION_ERRORS, NOTICE_OR_404, request_body

REFERRAL_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="移送 id")
CRIME_RESULTS = [("filed", "公安已立案"), ("refused", "公安不予立案"), *SupervisionOutcome.choices]


class EvidenceLineSerializer(serializers.Serializer):
    name = serializers.CharField(label="证据名称")
    description = serializers.CharField(label="页码或说明", allow_blank=True)


class CrimeReferralSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    debtor_name = serializers.CharField(source="debtor.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    evidence = EvidenceLineSerializer(many=True, read_only=True)
    # Read-only model fields lose their blank choice in the schema: "" until answered, said so for generated clients.
    supervision_outcome = NamedChoiceField(choices=SupervisionOutcome.choices, enum_name="SupervisionOutcomeEnum",
                                           allow_blank=True, read_only=True, help_text="检察院答复前为空")

    class Meta:
        model = CrimeReferral
        fields = ["id", "case", "case_number", "court", "court_name", "debtor", "debtor_name", "police", "facts",
                  "evidence", "state", "state_display", "sent_at", "due_at", "answered_at", "police_case_number",
                  "police_filed_on", "refusal_number", "refusal_reasons", "procuratorate", "supervision_requested_at",
                  "supervision_due_at", "supervision_reasons", "supervision_outcome", "supervision_answer",
                  "supervised_at"]
        read_only_fields = fields


class DisciplineReferralSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    party_name = serializers.CharField(source="party.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    evidence = EvidenceLineSerializer(many=True, read_only=True)
    answer = NamedChoiceField(choices=DisciplineAnswer.choices, enum_name="DisciplineAnswerEnum", allow_blank=True,
                              read_only=True, help_text="答复前为空")

    class Meta:
        model = DisciplineReferral
        fields = ["id", "case", "case_number", "court", "court_name", "party", "party_name", "unit", "facts",
                  "evidence", "ruling_number", "state", "state_display", "sent_at", "due_at", "answer",
                  "answer_text", "answered_at"]
        read_only_fields = fields


class CrimeAnswerSerializer(serializers.Serializer):
    result = serializers.ChoiceField(label="答复结果", choices=CRIME_RESULTS,
                                     help_text="公安：filed（立案）或 refused（不予立案）；检察院：notify_filing 或 reasons_hold")
    case_number = serializers.CharField(label="立案编号", max_length=60, required=False, allow_blank=True, default="")
    filed_on = serializers.DateField(label="立案日期", required=False, allow_null=True, default=None)
    decision_number = serializers.CharField(label="不予立案决定书文号", max_length=60, required=False, allow_blank=True,
                                            default="")
    reasons = ApiTextField(max_chars=REASON_MAX, label="不予立案理由", required=False, allow_blank=True, default="")
    text = ApiTextField(max_chars=REASON_MAX, label="检察院答复", required=False, allow_blank=True, default="")


class DisciplineAnswerSerializer(serializers.Serializer):
    answer = NamedChoiceField(label="处理结果", choices=DisciplineAnswer.choices, enum_name="DisciplineAnswerEnum")
    text = ApiTextField(max_chars=REASON_MAX, label="答复内容")


def answer_crime(actor, referral, data):
    result = data["result"]
    if result == "filed":
        return services.record_police_filing(actor=actor, referral=referral, case_number=data["case_number"],
                                             filed_on=data["filed_on"])
    if result == "refused":
        return services.record_police_refusal(actor=actor, referral=referral,
                                              decision_number=data["decision_number"], reasons=data["reasons"])
    if referral.state == CrimeReferralState.SENT:  # the police answers with filed or refused only
        raise ApplicationError("公安机关的答复应为 filed 或 refused。", field="result")
    return services.answer_supervision(actor=actor, referral=referral, outcome=result, text=data["text"])


class _ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, WriteRolePermission]
    filter_backends = []
    lookup_value_regex = r"\d+"
    model = None
    related = ()
    answer_serializer = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related(*self.related)

    def _answer(self, request, pk, service):
        referral = get_object_or_404(self.get_queryset(), pk=pk)
        data = validated(self.answer_serializer, request_body(request))
        service(request.user, referral, data)
        return Response(self.serializer_class(self.get_queryset().get(pk=referral.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="拒执罪移送列表", description="法院人员看到本院的，政法委本辖区的，公安机关联络员移送本单位的"
                       "（已移送起），人民检察院联络员提请其立案监督的（对象授权）；新的在前。"),
    retrieve=extend_schema(summary="拒执罪移送详情", description="含证据清单。不可见的返回 404。",
                           parameters=[REFERRAL_ID], responses={200: CrimeReferralSerializer, **NOTICE_OR_404}),
)
class CrimeReferralViewSet(_ReferralViewSet):
    serializer_class = CrimeReferralSerializer
    model = CrimeReferral
    related = ("case", "court", "debtor")
    answer_serializer = CrimeAnswerSerializer

    @extend_schema(summary="答复拒执罪移送（公安机关、人民检察院）",
                   description="公安机关联络员：已移送 → 公安已立案（case_number、filed_on 必填）或公安不予立案"
                   "（decision_number、reasons 必填）；人民检察院联络员：已提请立案监督 → 检察院已答复（text 必填）。",
                   request=CrimeAnswerSerializer, parameters=[REFERRAL_ID],
                   responses={200: CrimeReferralSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._answer(request, pk, answer_crime)


@extend_schema_view(
    list=extend_schema(summary="纪检监察移送列表", description="法院人员看到本院的，政法委本辖区的，纪检监察机关联络员"
                       "移送本单位的（已移送起）；新的在前。"),
    retrieve=extend_schema(summary="纪检监察移送详情", description="含证据清单。不可见的返回 404。",
                           parameters=[REFERRAL_ID], responses={200: DisciplineReferralSerializer, **NOTICE_OR_404}),
)
class DisciplineReferralViewSet(_ReferralViewSet):
    serializer_class = DisciplineReferralSerializer
    model = DisciplineReferral
    related = ("case", "court", "party")
    answer_serializer = DisciplineAnswerSerializer

    @extend_schema(summary="答复纪检监察移送（纪检监察机关）",
                   description="已移送 → 已答复：answer（立案审查调查、给予处分、不予处理）和 text 必填。",
                   request=DisciplineAnswerSerializer, parameters=[REFERRAL_ID],
                   responses={200: DisciplineReferralSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._answer(request, pk, lambda actor, referral, data: services.answer_discipline_referral(
            actor=actor, referral=referral, **data))
