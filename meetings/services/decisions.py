"""The decisions of a meeting (议定事项), followed up like notices: recorded by the committee while the meeting is
held, answered by the responsible unit once the minutes are published, confirmed done or sent back by the committee.
`machines.DECISION` says who may move a decision and when."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assistance.attachments import inspect_upload
from linkage import parsing
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.text import REASON_MAX
from linkage.workdays import TIMEZONE
from members.models import Organisation

from ..machines import DECISION, MEETING
from ..models import AgendaItem, Decision, DecisionReply, DecisionReplyAttachment, DecisionState, MeetingState
from .common import text as clean_text


@transaction.atomic
def add_decision(*, actor, meeting, responsible_unit, task, due_on, item=None):
    """The committee records a decision of a held meeting (议定事项): a responsible unit of the jurisdiction, the
    task, and a due date not before the meeting. Numbered in order; binding once the minutes are published."""
    meeting = MEETING.lock(meeting)
    MEETING.check(meeting, "decision_added", actor)
    if not isinstance(responsible_unit, Organisation) or responsible_unit.jurisdiction_id != meeting.jurisdiction_id \
            or not responsible_unit.active or responsible_unit.kind == "committee":
        raise ApplicationError("责任单位应为本辖区在册的成员单位或法院。", field="responsible_unit")
    task = clean_text(task, "议定事项内容", "task", max_length=2000)
    due_on = parsing.date(due_on, "完成期限", "due_on", required=True)
    meeting_day = timezone.localtime(meeting.starts_at, TIMEZONE).date()
    if due_on < meeting_day:
        raise ApplicationError(f"完成期限不能早于会议召开日期（{meeting_day:%Y年%m月%d日}）。", field="due_on")
    if item is not None:
        item = AgendaItem.objects.filter(pk=getattr(item, "pk", None), meeting=meeting).first()
        if item is None:
            raise ApplicationError("所选议题不在本次会议议程中。", field="item")
    position = (meeting.decisions.aggregate(last=Max("position"))["last"] or 0) + 1
    decision = Decision.objects.create(meeting=meeting, item=item, position=position,
                                       responsible_unit=responsible_unit, task=task, due_on=due_on, created_by=actor)
    DECISION.record(decision, "create", actor, to_state=DecisionState.OPEN,
                    data={"due_on": due_on.isoformat(), "responsible_unit": responsible_unit.pk})
    MEETING.note(meeting, "decision_added", actor, data={"decision": decision.pk, "position": position})
    return decision


@transaction.atomic
def cancel_decision(*, actor, decision, reason):
    """The committee cancels a decision recorded by mistake (before the minutes are published) or no longer
    needed (while it is still open); it stays in the history."""
    decision = DECISION.lock(decision)
    DECISION.check(decision, "cancel", actor)
    reason = clean_text(reason, "撤销理由", "reason", max_length=REASON_MAX)
    DECISION.move(decision, "cancel", actor, reason=reason, cancelled_at=timezone.now())
    MEETING.note(decision.meeting, "decision_cancelled", actor, reason=reason, data={"decision": decision.pk})
    return decision


@transaction.atomic
def reply_to_decision(*, actor, decision, text, attachment=None):
    """A liaison of the responsible unit (a clerk, when the court is responsible) reports what the unit did, with
    an optional scan; the decision waits for the committee to confirm it done or send it back."""
    decision = DECISION.lock(decision)
    DECISION.moves["reply"].role.require(actor, decision)
    if decision.meeting.state != MeetingState.PUBLISHED:
        raise TransitionNotAllowed("会议纪要印发后才能回复落实情况。", state=decision.state)
    DECISION.check(decision, "reply", actor)
    text = clean_text(text, "落实情况", "text", max_length=5000)
    now = timezone.now()
    checked = inspect_upload(attachment) if attachment else None  # checked before anything is written
    reply = DecisionReply.objects.create(decision=decision, text=text, replied_by=actor, replied_at=now)
    if checked:
        content_type, size, digest = checked
        stored = DecisionReplyAttachment(reply=reply, original_name=(attachment.name or "附件")[:200],
                                         content_type=content_type, size=size, sha256=digest)
        stored.file.save(attachment.name or "upload", attachment, save=False)
        stored.save()
    on_time = now <= decision.due_at
    DECISION.move(decision, "reply", actor, data={"reply": reply.pk, "on_time": on_time, "attachment": bool(attachment)},
                  replied_at=now)
    return reply


@transaction.atomic
def complete_decision(*, actor, decision, reason=""):
    """The committee confirms, after reading the reply, that the decision has been carried out (办结)."""
    decision = DECISION.lock(decision)
    return DECISION.move(decision, "complete", actor, reason=(reason or "").strip(), done_at=timezone.now())


@transaction.atomic
def send_back_decision(*, actor, decision, reason, due_on=None):
    """The committee finds the reply insufficient and sends the decision back, saying why; it may set a new due
    date (not in the past), which starts the reminder ladder again."""
    decision = DECISION.lock(decision)
    DECISION.check(decision, "send_back", actor)
    reason = clean_text(reason, "退回理由", "reason", max_length=REASON_MAX)
    fields, data = {}, {}
    due_on = parsing.date(due_on, "新的完成期限", "due_on")
    if due_on is not None:
        if due_on < timezone.localdate():
            raise ApplicationError("新的完成期限不能早于今天。", field="due_on")
        data = {"previous_due_on": decision.due_on.isoformat(), "due_on": due_on.isoformat()}
        fields["due_on"] = due_on
    return DECISION.move(decision, "send_back", actor, reason=reason, data=data, **fields)
