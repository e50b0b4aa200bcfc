"""The committee's moves on a meeting and its decisions through the API (issue 21 item 3), and the meeting's PDFs.

The moves are the page's moves (`views.MEETING_PAGE`, `views.DECISION_PAGE`), one service each: the view looks the
row up through the caller's visibility (404 otherwise), asks the row's machine whether the caller may make the move
in this state (403 for a role that may not, 409 with `state` for a state that does not allow it), parses the body
with its input serializer (400) and calls the one service, which checks everything again under its lock and
decides the rest. A create answers 201 with what it made; every other move answers with the meeting (or decision)
as it stands.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import DOWNLOAD_RENDERERS, NO_FORMAT, NamedChoiceField, validated
from linkage.errors import TransitionNotAllowed
from linkage.pdf import pdf_response
from linkage.text import DOCUMENT_MAX, REASON_MAX, ApiTextField
from members.models import Organisation
from members.selectors import jurisdiction_id_of

from . import documents, services
from .machines import DECISION, MEETING, committee
from .models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingKind
from .serializers import DecisionDetailSerializer, DecisionSerializer, MeetingDetailSerializer

# ------------------------------------------------------------------------------------------ input serializers


class StrictTypes:
    """A JSON value of the documented type only: DRF would read `0` as the text "0" and "5" as the number 5."""

    def to_internal_value(self, data):
        if not isinstance(data, self.json_types) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class Text(StrictTypes, serializers.CharField):
    json_types = str


class LongText(StrictTypes, ApiTextField):
    json_types = str


class Id(StrictTypes, serializers.IntegerField):
    json_types = int

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)



class MeetingInputSerializer(serializers.Serializer):
    kind = NamedChoiceField(choices=MeetingKind.choices, enum_name="MeetingKindEnum", label="会议类型")
    title = Text(max_length=200, label="会议名称")
    starts_at = serializers.DateTimeField(label="召开时间", help_text="ISO 8601，带时区；不带时区按北京时间")
    place = Text(max_length=200, label="会议地点")
    convenor = Text(max_length=100, label="召集人")
    chair = Text(max_length=100, label="主持人")


class AttendanceInputSerializer(serializers.Serializer):
    organisation = Id(label="参会单位", help_text="单位 id")
    person_name = Text(max_length=30, required=False, allow_blank=True, default="", label="参会人员")
    position = Text(max_length=50, required=False, allow_blank=True, default="", label="职务")
    status = NamedChoiceField(choices=AttendanceStatus.choices, enum_name="AttendanceStatusEnum", label="出席情况",
                              required=False, default=AttendanceStatus.ATTENDING)


class AttendanceRecordSerializer(serializers.Serializer):
    status = NamedChoiceField(choices=AttendanceStatus.choices, enum_name="AttendanceStatusEnum", label="出席情况")
    person_name = Text(max_length=30, required=False, allow_blank=True, label="参会人员",
                                        help_text="不填则不变")
    position = Text(max_length=50, required=False, allow_blank=True, label="职务",
                                     help_text="不填则不变")


class MeetingReasonSerializer(serializers.Serializer):
    reason = LongText(max_chars=REASON_MAX, label="理由", required=False, allow_blank=True, default="")


class SummaryInputSerializer(serializers.Serializer):
    summary = LongText(max_chars=DOCUMENT_MAX, label="纪要正文", required=False, allow_blank=True, default="")


class PublishInputSerializer(serializers.Serializer):
    document_number = Text(max_length=60, label="纪要文号", help_text="如：荔政法纪〔2026〕1号")
    summary = LongText(max_chars=DOCUMENT_MAX, label="纪要正文", required=False, allow_blank=True,
                           help_text="不填则用已保存的纪要正文")


class DecisionInputSerializer(serializers.Serializer):
    responsible_unit = Id(label="责任单位",
                                                help_text="单位 id（本辖区成员单位或法院）")
    task = LongText(max_chars=REASON_MAX, label="议定事项")
    due_on = serializers.DateField(label="完成期限", help_text="YYYY-MM-DD，不早于会议召开日期")
    item = Id(label="所属议题", required=False,
                                    allow_null=True, default=None, help_text="本次会议议程中的议题 id；可不填")


class SendBackInputSerializer(serializers.Serializer):
    reason = LongText(max_chars=REASON_MAX, label="退回理由")
    due_on = serializers.DateField(label="新的完成期限", required=False, allow_null=True, default=None,
                                   help_text="可不填；填则不早于今天")


# -------------------------------------------------------------------------------------------------- schema

ACTION_ERRORS = {
    400: OpenApiResponse(description="输入不合格（中文信息，按字段）"),
    403: OpenApiResponse(description="角色无权办理（只有本辖区政法委）"),
    404: OpenApiResponse(description="不存在或无权查看"),
    409: OpenApiResponse(description="当前状态不允许此操作：{detail, state}"),
}
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="会议 id")
DECISION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="议定事项 id")
ATTENDANCE_ID = OpenApiParameter("aid", int, OpenApiParameter.PATH, description="参会记录 id（会议详情 attendances[].id）")
PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    404: OpenApiResponse(description="不存在或无权查看"),
    409: OpenApiResponse(description="会议当前状态下没有此文书：{detail, state}"),
}


def _unit(pk):
    """The unit an id names, or None (the service refuses what is not a unit of the meeting's jurisdiction)."""
    return Organisation.objects.filter(pk=pk).first() if pk else None


def move_schema(summary, description, request=None, response="detail", code=200, parameters=(ID_PARAMETER,)):
    serializers_by_name = {"detail": MeetingDetailSerializer, "decision": DecisionDetailSerializer,
                           "decision_row": DecisionSerializer}
    response = serializers_by_name.get(response, response)
    return extend_schema(summary=summary, description=description, request=request,
                         responses={code: response, **ACTION_ERRORS}, parameters=list(parameters))


# ---------------------------------------------------------------------------------------------- meetings


class MeetingMovesMixin:
    """The writes of `MeetingViewSet`: create, PATCH, and the committee's moves on the meeting page."""

    def _check(self, meeting, move):
        MEETING.check(meeting, move, self.request.user)  # 403 for another role, 409 for the state

    def _answer(self, meeting, code=status.HTTP_200_OK):
        return Response(self.detail_data(meeting.pk), status=code)

    def _move(self, request, move, service, serializer_class=None, **kwargs):
        meeting = self.get_object()
        self._check(meeting, move)
        data = validated(serializer_class, request.data) if serializer_class else {}
        service(actor=request.user, meeting=meeting, **data, **kwargs)
        return self._answer(meeting)

    def create(self, request, *args, **kwargs):
        committee.require(request.user, _own_meeting(request.user))  # 403 before the body is read
        data = validated(MeetingInputSerializer, request.data)
        meeting = services.create_meeting(actor=request.user, **data)
        return self._answer(meeting, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        self._check(meeting, "update")
        data = validated(MeetingInputSerializer, request.data, partial=True)
        services.update_meeting(actor=request.user, meeting=meeting, **data)
        return self._answer(meeting)

    @move_schema("发出会议通知（政法委）", "筹备中 → 已通知：参会单位（政法委以外）的联络员收到会议通知；须先有参会单位。")
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        return self._move(request, "schedule", services.schedule_meeting)

    @move_schema("登记会议召开（政法委）", "已通知 → 已召开：会期当日或之后；此后登记出席情况、议定事项和纪要正文。")
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._move(request, "hold", services.hold_meeting)

    @move_schema("取消会议（政法委）", "筹备中或已通知 → 已取消：须写明理由 reason；已列入的议题退回待审核，已通知的单位收到取消通知。",
                 request=MeetingReasonSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._move(request, "cancel", services.cancel_meeting, MeetingReasonSerializer)

    @move_schema("增加参会单位（政法委）", "纪要印发前：本辖区在册单位，每个单位一次；已通知的会议，该单位收到会议通知。"
                 "返回会议详情，新参会记录在 attendances 中。",
                 request=AttendanceInputSerializer, code=201)
    @action(detail=True, methods=["post"])
    def attendances(self, request, pk=None):
        meeting = self.get_object()
        self._check(meeting, "attendance_added")
        data = validated(AttendanceInputSerializer, request.data)
        data["organisation"] = _unit(data["organisation"])
        services.add_attendance(actor=request.user, meeting=meeting, **data)
        return self._answer(meeting, status.HTTP_201_CREATED)

    def _attendance(self, meeting, aid):
        return get_object_or_404(Attendance.objects.select_related("organisation", "meeting"), pk=aid, meeting=meeting)

    @move_schema("登记出席情况（政法委）", "纪要印发前：出席、请假或列席，及参会人员姓名、职务。",
                 request=AttendanceRecordSerializer, parameters=(ID_PARAMETER, ATTENDANCE_ID))
    @action(detail=True, methods=["post"], url_path=r"attendances/(?P<aid>\d+)/record")
    def record_attendance(self, request, pk=None, aid=None):
        meeting = self.get_object()
        attendance = self._attendance(meeting, aid)
        self._check(meeting, "attendance_changed")
        data = validated(AttendanceRecordSerializer, request.data)
        services.record_attendance(actor=request.user, attendance=attendance, **data)
        return self._answer(meeting)

    @move_schema("取消邀请（政法委）", "会议召开前：邀请有误的单位取消邀请，须写明理由 reason；记录保留。",
                 request=MeetingReasonSerializer, parameters=(ID_PARAMETER, ATTENDANCE_ID))
    @action(detail=True, methods=["post"], url_path=r"attendances/(?P<aid>\d+)/withdraw")
    def withdraw_attendance(self, request, pk=None, aid=None):
        meeting = self.get_object()
        attendance = self._attendance(meeting, aid)
        self._check(meeting, "attendance_removed")
        data = validated(MeetingReasonSerializer, request.data)
        services.withdraw_attendance(actor=request.user, attendance=attendance, **data)
        return self._answer(meeting)

    @move_schema("记录议定事项（政法委）", "会议召开后、纪要印发前：责任单位、议定事项、完成期限（不早于会议召开日期），"
                 "可属于本次会议的某一议题；纪要印发后对责任单位生效。返回新的议定事项。",
                 request=DecisionInputSerializer, response="decision_row", code=201)
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        meeting = self.get_object()
        self._check(meeting, "decision_added")
        data = validated(DecisionInputSerializer, request.data)
        data["responsible_unit"] = _unit(data["responsible_unit"])
        item = data.pop("item")
        decision = services.add_decision(
            actor=request.user, meeting=meeting, item=AgendaItem(pk=item) if item else None, **data)
        return Response(DecisionSerializer(decision, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @move_schema("保存纪要正文（政法委）", "会议召开后、纪要印发前：会议概况和议定意见。", request=SummaryInputSerializer)
    @action(detail=True, methods=["post"])
    def summary(self, request, pk=None):
        return self._move(request, "summary_updated", services.update_summary, SummaryInputSerializer)

    @move_schema("印发会议纪要（政法委）", "已召开 → 纪要已印发：文号唯一，须有出席单位；议定事项对责任单位生效，"
                 "参会单位和责任单位收到通知。", request=PublishInputSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._move(request, "publish", services.publish_minutes, PublishInputSerializer)

    # ----------------------------------------------------------------------------------------------- PDFs

    @extend_schema(summary="会议纪要 PDF", operation_id="meetings_minutes_pdf_retrieve",
                   description="与会议页面的纪要 PDF 相同。纪要印发后参会单位均可取得；会议召开后、印发前只有政法委可取得"
                               "（草稿）；其他状态返回 409。",
                   parameters=[ID_PARAMETER, NO_FORMAT], responses=PDF_RESPONSES)
    def minutes_pdf(self, request, pk=None):
        meeting = self.get_object()
        if not documents.minutes_readable(meeting, request.user):
            raise TransitionNotAllowed(f"会议当前状态为“{meeting.get_state_display()}”，没有可取得的会议纪要。",
                                       state=meeting.state)
        return pdf_response(documents.minutes_pdf(meeting), documents.minutes_filename(meeting), as_attachment=False)

    @extend_schema(summary="会议通知 PDF", operation_id="meetings_notice_pdf_retrieve",
                   description="与会议页面的会议通知 PDF 相同：可查看该会议的用户均可取得；已取消的会议返回 409。",
                   parameters=[ID_PARAMETER, NO_FORMAT], responses=PDF_RESPONSES)
    def notice_pdf(self, request, pk=None):
        meeting = self.get_object()
        if not documents.meeting_notice_readable(meeting):
            raise TransitionNotAllowed(f"会议当前状态为“{meeting.get_state_display()}”，没有会议通知。",
                                       state=meeting.state)
        return pdf_response(documents.meeting_notice_pdf(meeting), documents.meeting_notice_filename(meeting),
                            as_attachment=False)


def _own_meeting(user):
    """A meeting of the caller's jurisdiction, unsaved: what the committee's role is checked against on create."""
    return Meeting(jurisdiction_id=jurisdiction_id_of(user))


# The PDFs keep their file names in the path (no trailing slash), so they are routed by hand in `api_urls`.
PDF_INITKWARGS = {"renderer_classes": DOWNLOAD_RENDERERS}


# --------------------------------------------------------------------------------------------- decisions


class DecisionMovesMixin:
    """The committee's moves on a decision (the decision page's buttons): confirm it done, send it back, cancel it.
    These are the committee's, so `WriteRolePermission` (which keeps the committee to reading) does not apply."""

    def _decision_move(self, request, move, service, serializer_class):
        decision = self.get_object()
        DECISION.check(decision, move, request.user)
        data = validated(serializer_class, request.data)
        service(actor=request.user, decision=decision, **data)
        return self.decision_answer(decision)

    @move_schema("确认办结（政法委）", "已回复 → 已办结：政法委阅读落实情况后确认；reason 可不填。",
                 request=MeetingReasonSerializer, response="decision", parameters=(DECISION_ID,))
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def complete(self, request, pk=None):
        return self._decision_move(request, "complete", services.complete_decision, MeetingReasonSerializer)

    @move_schema("退回继续落实（政法委）", "已回复 → 待落实：须写明退回理由 reason；可定新的完成期限 due_on（不早于今天）。",
                 request=SendBackInputSerializer, response="decision", parameters=(DECISION_ID,))
    @action(detail=True, methods=["post"], url_path="send-back", permission_classes=[IsAuthenticated])
    def send_back(self, request, pk=None):
        return self._decision_move(request, "send_back", services.send_back_decision, SendBackInputSerializer)

    @move_schema("撤销议定事项（政法委）", "待落实 → 已撤销：须写明理由 reason；记录保留。",
                 request=MeetingReasonSerializer, response="decision", parameters=(DECISION_ID,))
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def cancel(self, request, pk=None):
        return self._decision_move(request, "cancel", services.cancel_decision, MeetingReasonSerializer)
