"""`/api/v1/suggestion-letters/`: judicial suggestion letters (司法建议函). Reads start from
`SuggestionLetter.objects.visible_to(user)`: the court's staff their court's letters, the addressee's liaisons (and
its systems' accounts) their unit's served letters, the committee its jurisdiction's; anything else is a 404. The
unit's systems reply over `POST {id}/reply/` (the same service as the page: 403 for a role that may not, 409 for a
wrong state, 400 for bad input)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import NamedChoiceField, WriteRolePermission, validated
from linkage.text import TEXT_MAX, ApiTextField

from ..services import suggestions as services
from ..suggestion_models import SuggestionEvent, SuggestionGround, SuggestionLetter, SuggestionState
from .support import ACTION_ERRORS, NOTICE_OR_404, request_body


def _name(user):
    return user.display_name if user is not None else ""


class SuggestionEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    action_display = serializers.CharField(read_only=True)

    class Meta:
        model = SuggestionEvent
        fields = ["at", "actor", "action", "action_display", "from_state", "to_state", "reason"]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return _name(event.actor)


class SuggestionLetterSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(choices=SuggestionState.choices, enum_name="SuggestionStateEnum", read_only=True)
    ground = NamedChoiceField(choices=SuggestionGround.choices, enum_name="SuggestionGroundEnum", read_only=True)
    document_number = serializers.CharField(read_only=True, help_text="文号，签发时编定；草稿为空")
    court = serializers.CharField(source="court.code", read_only=True, help_text="发出法院代码")
    court_name = serializers.CharField(source="court.name", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True, help_text="主送单位（成员单位）代码")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    replied_in_time = serializers.BooleanField(read_only=True)
    events = SuggestionEventSerializer(many=True, read_only=True)

    class Meta:
        model = SuggestionLetter
        fields = ["id", "document_number", "court", "court_name", "unit", "unit_name", "case_number", "notice",
                  "ground", "facts", "suggestions", "reply_days", "state", "signed_at", "served_at", "due_at",
                  "replied_at", "reply_text", "replied_in_time", "withdrawn_at", "events"]
        read_only_fields = fields


class SuggestionReplySerializer(serializers.Serializer):
    text = ApiTextField(max_chars=TEXT_MAX, label="采纳及整改情况")


LETTER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="司法建议函 id")


def _visible(user):
    return SuggestionLetter.objects.visible_to(user).select_related("court", "unit", "case")


@extend_schema_view(
    list=extend_schema(summary="司法建议函列表",
                       description="法院人员看到本院发出的，协助单位联络员（及单位系统账号）看到本单位收到且已送达的，"
                       "政法委看到本辖区的（只读）；新的在前。"),
    retrieve=extend_schema(summary="司法建议函详情", description="含完整记录。不可见的返回 404。",
                           parameters=[LETTER_ID], responses={200: SuggestionLetterSerializer, **NOTICE_OR_404}),
)
class SuggestionLetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SuggestionLetterSerializer
    permission_classes = [IsAuthenticated, WriteRolePermission]
    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return _visible(self.request.user).prefetch_related("events__actor")

    @extend_schema(summary="回复司法建议函（主送单位联络员或单位系统）",
                   description="已送达待回复 → 已回复：写明采纳建议及整改落实情况 text；法院起草和送达的执行员收到通知。"
                   "逾期后仍可回复（记为逾期回复）。",
                   request=SuggestionReplySerializer, parameters=[LETTER_ID],
                   responses={200: SuggestionLetterSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        letter = get_object_or_404(_visible(request.user), pk=pk)
        data = validated(SuggestionReplySerializer, request_body(request))
        services.reply_to_letter(actor=request.user, letter=letter, text=data["text"])
        return Response(SuggestionLetterSerializer(self.get_queryset().get(pk=letter.pk)).data)
