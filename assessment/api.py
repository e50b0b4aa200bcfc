"""`/api/v1/assessments/{year}/`: the year's board for the caller's jurisdiction, and the court's and the
committee's moves on it (docs/api.md).

Reads: the court's staff, the committee and administrators get every unit's row; a unit's liaison gets only its
own row (with its rank); anybody else 404. Writes call the one service each; the service decides the role (403),
the state (409 with `{detail, state}`) and the input (400 by field, nothing written).
"""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from linkage.api import validated
from linkage.errors import ApplicationError, TransitionNotAllowed

from . import selectors, services
from .machines import is_court_of
from .models import Nomination
from .serializers import (
    AssessmentBoardSerializer,
    AssessmentDecisionInSerializer,
    AssessmentFinaliseInSerializer,
    AssessmentNominationInSerializer,
    AssessmentNominationOutSerializer,
    AssessmentReasonInSerializer,
    AssessmentScoresInSerializer,
)

YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="考评年度，如 2026")
JURISDICTION = OpenApiParameter("jurisdiction", str, OpenApiParameter.QUERY, required=False,
                                description="辖区代码（仅系统管理员需要；其他用户固定为本单位所在辖区）")
ERRORS = {
    400: OpenApiResponse(description="输入不合格（中文信息，按字段）"),
    403: OpenApiResponse(description="角色无权办理"),
    404: OpenApiResponse(description="年度不存在或无权查看"),
    409: OpenApiResponse(description="当前状态不允许此操作：{detail, state}"),
}


def api_board(board, *, unit_id=None):
    """The board in the API's shape: scores as a list per row, the liaison's cut when `unit_id` is given."""
    if unit_id is not None:
        board = selectors.board_for_liaison(board, unit_id)
    rows = []
    for row in board["rows"]:
        rows.append({
            "unit": row["unit"], "rank": row["rank"], "standing": row.get("standing", "ranked"),
            "standing_display": row.get("standing_display", ""), "total": row["total"], "final": bool(board.get("final")),
            "metrics": row["metrics"], "pulled_down": row["pulled_down"],
            "scores": [{"criterion": code, **score} for code, score in row["scores"].items()],
        })
    return {**{key: board[key] for key in ("year", "jurisdiction", "state", "state_display", "final", "version",
                                           "as_of", "criteria", "nominations")},
            "unit_count": board.get("unit_count", len(board["rows"])), "rows": rows}


class _YearView(APIView):
    permission_classes = [IsAuthenticated]

    def context(self, request, year):
        try:
            year = services.check_year(year)
        except ApplicationError:
            raise Http404
        code = request.query_params.get("jurisdiction") or None
        jurisdiction = selectors.jurisdiction_for(request.user, code)
        if jurisdiction is None:
            raise Http404
        return year, jurisdiction, selectors.assessment_of(jurisdiction, year)

    def board_response(self, request, year, jurisdiction, status=200):
        user = request.user
        board = selectors.board_for(jurisdiction, year, selectors.assessment_of(jurisdiction, year))
        if selectors.may_see_board(user, jurisdiction):
            data = api_board(board)
        elif user.is_liaison and selectors.row_of(board, user.organisation_id) is not None:
            data = api_board(board, unit_id=user.organisation_id)
        else:
            raise Http404
        return Response(AssessmentBoardSerializer(data).data, status=status)

    def existing(self, request, jurisdiction, assessment, what):
        """The assessment a move works on; before one exists (preparing) only scoring can start."""
        if not (selectors.may_see_board(request.user, jurisdiction) or request.user.is_liaison):
            raise Http404
        if assessment is None:
            raise TransitionNotAllowed(f"年度考评当前状态为“准备中”，不能{what}。", state="preparing")
        return assessment


class AssessmentView(_YearView):
    @extend_schema(
        summary="年度考评：各单位指标、各项得分、总分、名次",
        description="法院人员、政法委、系统管理员得到本辖区全部单位；联络员只得到本单位一行（含名次和失分项目）。"
        "已定稿的返回冻结的定稿数据（final=true），此后的数据变化不影响。",
        parameters=[YEAR, JURISDICTION],
        responses={200: AssessmentBoardSerializer, 404: ERRORS[404]},
    )
    def get(self, request, year):
        year, jurisdiction, assessment = self.context(request, year)
        return self.board_response(request, year, jurisdiction)


class ScoresView(_YearView):
    @extend_schema(
        summary="评分（法院）或调整分数（政法委）",
        description="法院评分中：法院人员为“法院评分”项目打分；政法委审核中：政法委可调整任何项目。每项须写明理由。"
        "全部通过校验才写入，任何一项不合格则不作任何修改。",
        parameters=[YEAR, JURISDICTION], request=AssessmentScoresInSerializer,
        responses={200: AssessmentBoardSerializer, **ERRORS},
    )
    def post(self, request, year):
        year, jurisdiction, assessment = self.context(request, year)
        data = validated(AssessmentScoresInSerializer, request.data)
        assessment = self.existing(request, jurisdiction, assessment, "评分")
        court = is_court_of(request.user, jurisdiction.pk)
        service = services.enter_court_score if court else services.adjust_score
        with transaction.atomic():
            for index, entry in enumerate(data["scores"], start=1):
                try:
                    service(actor=request.user, assessment=assessment, unit=entry["unit"],
                            criterion=entry["criterion"], points=entry["points"], reason=entry["reason"])
                except ApplicationError as error:
                    if error.status_code == 400:
                        raise ApplicationError(f"第{index}项：{error.message}", field="scores")
                    raise
        return self.board_response(request, year, jurisdiction)


def _move_view(name, summary, description, service_name, request_serializer=AssessmentReasonInSerializer):
    class MoveView(_YearView):
        @extend_schema(summary=summary, description=description, parameters=[YEAR, JURISDICTION],
                       request=request_serializer, responses={200: AssessmentBoardSerializer, **ERRORS},
                       operation_id=f"assessments_{name}")
        def post(self, request, year):
            year, jurisdiction, assessment = self.context(request, year)
            data = validated(request_serializer, request.data)
            extra = {"confirm_early": data["confirm_early"]} if "confirm_early" in data else {}
            service = getattr(services, service_name)
            with transaction.atomic():  # a refused start leaves no assessment behind
                if service_name == "start_scoring" and assessment is None:
                    if not selectors.may_see_board(request.user, jurisdiction):
                        raise Http404
                    assessment = services.open_assessment(actor=request.user, jurisdiction=jurisdiction, year=year)
                    service(actor=request.user, assessment=assessment)
                else:
                    assessment = self.existing(request, jurisdiction, assessment, summary.split("（")[0])
                    service(actor=request.user, assessment=assessment, reason=data.get("reason", ""), **extra)
            return self.board_response(request, year, jurisdiction)

    MoveView.__name__ = f"{name.title().replace('_', '')}View"
    return MoveView


StartScoringView = _move_view("start_scoring", "开始评分（法院）", "考评项目和分值自此固定。", "start_scoring")
SubmitView = _move_view("submit", "提交政法委审核（法院）", "", "submit_scores")
ReturnView = _move_view("return", "退回法院重新评分（政法委）", "须写明理由。", "return_to_court")
FinaliseView = _move_view("finalise", "定稿（政法委）",
                          "冻结全部指标、得分、名次和表彰批评，生成新的定稿版本；此后数据变化不影响定稿结果。"
                          "尚有未决定的表彰或批评建议时不能定稿。考评年度结束（12月31日）前定稿须传 confirm_early=true，"
                          "否则拒绝并说明仍有多少事项未办结。", "finalise", AssessmentFinaliseInSerializer)
ReopenView = _move_view("reopen", "重新打开（政法委）", "须写明理由；原定稿版本保留，再次定稿生成新版本。", "reopen")


class NominationsView(_YearView):
    @extend_schema(summary="提出表彰或批评建议（法院）", parameters=[YEAR, JURISDICTION],
                   request=AssessmentNominationInSerializer, responses={201: AssessmentNominationOutSerializer, **ERRORS})
    def post(self, request, year):
        year, jurisdiction, assessment = self.context(request, year)
        data = validated(AssessmentNominationInSerializer, request.data)
        assessment = self.existing(request, jurisdiction, assessment, "提出建议")
        nomination = services.propose_nomination(actor=request.user, assessment=assessment, **data)
        return Response(_nomination_out(nomination), status=201)


class NominationDecisionView(_YearView):
    @extend_schema(summary="决定表彰或批评建议（政法委）", parameters=[YEAR, JURISDICTION,
                   OpenApiParameter("id", int, OpenApiParameter.PATH, description="建议 id")],
                   request=AssessmentDecisionInSerializer, responses={200: AssessmentNominationOutSerializer, **ERRORS})
    def post(self, request, year, id):
        year, jurisdiction, assessment = self.context(request, year)
        if assessment is None or not selectors.may_see_board(request.user, jurisdiction):
            raise Http404
        nomination = Nomination.objects.filter(assessment=assessment, pk=id).first()
        if nomination is None:
            raise Http404
        data = validated(AssessmentDecisionInSerializer, request.data)
        nomination = services.decide_nomination(actor=request.user, nomination=nomination, approved=data["approved"],
                                                reason=data.get("reason", ""))
        return Response(_nomination_out(nomination))


def _nomination_out(nomination):
    return AssessmentNominationOutSerializer({
        "id": nomination.pk, "kind": nomination.kind, "kind_display": nomination.get_kind_display(),
        "unit_id": nomination.unit_id, "unit_name": nomination.unit.name, "person_name": nomination.person_name,
        "person_position": nomination.person_position, "evidence": nomination.evidence, "state": nomination.state,
        "state_display": nomination.get_state_display(), "decision_reason": nomination.decision_reason,
    }).data
