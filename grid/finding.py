"""A grid liaison's finding and the police's 24-hour locate rule (issue 25 item 3; Liwan seed 四(七)2-3).

When a locate task is answered "found" and the case has a locate request (查找被执行人下落) to the police about the
same debtor that is still searching, the police unit's liaisons and the clerk hear of it at once. The clerk then
forwards the finding (`forward_finding`): it is recorded on the police's tracking through the tracking service
(`assistance.services.tracking.record_finding` with `relayed_from`, the `relay_finding` move), found_at = the time
the debtor was seen, found_place = the place, so the police's 24-hour rule runs from it. The tracking machine keeps
its own rules (assistance/tracking.py); this module only finds the tracking and records a `forward` note."""

from django.db import transaction
from django.utils.dateparse import parse_datetime

from assistance.querysets import OPEN_STATES
from assistance.services.tracking import record_finding
from assistance.tracking import LOCATE
from assistance.tracking_models import Tracking, TrackingState
from linkage.errors import PermissionDenied, TransitionNotAllowed

from . import notifications
from .machine import GRID_TASK
from .models import GridTaskKind, GridTaskState


def searching_tracking(task):
    """The case's locate request to the police about the task's debtor that is in force and still searching (the
    latest served, if several), or None."""
    if task.party_id is None:
        return None
    return (Tracking.objects.filter(state=TrackingState.SEARCHING, notice__case_id=task.case_id,
                                    notice__debtor_id=task.party_id, notice__measure__code=LOCATE,
                                    notice__state__in=OPEN_STATES)
            .select_related("notice", "notice__unit").order_by("-notice__served_at", "-pk").first())


def is_finding(task):
    return (task.kind == GridTaskKind.LOCATE and task.state == GridTaskState.ANSWERED
            and bool((task.answer or {}).get("found")))


def tell_of_finding(task):
    """Called by `answer_task`: a finding of a debtor the police are searching for goes to the police unit's
    liaisons and the clerk at once. Returns the tracking, or None when there is nothing to tell."""
    if not is_finding(task):
        return None
    tracking = searching_tracking(task)
    if tracking is not None:
        notifications.debtor_found(task, tracking.notice)
    return tracking


def _forwarded(task):
    return task.events.filter(action="forward").exists()


def may_forward(user, task):
    """Whether `user` may forward the task's finding now (for the page's button): a clerk of the court that sent
    it, an answered finding not yet forwarded, and a searching locate request to forward it to."""
    return (getattr(user, "is_clerk", False) and user.organisation_id == task.court_id and is_finding(task)
            and not _forwarded(task) and searching_tracking(task) is not None)


@transaction.atomic
def forward_finding(*, actor, task):
    """The clerk records the grid liaison's finding on the police's searching locate request: found_at = when the
    debtor was seen, found_place = where, so the police's 24-hour rule starts from it; a `forward` note on the task
    says so. Refused for a task that is not an answered finding, when no locate request is searching (the clerk
    drafts one instead), and when it was forwarded already."""
    task = GRID_TASK.lock(task)
    if not (actor.is_clerk and actor.organisation_id == task.court_id):
        raise PermissionDenied("只有发出该事项的法院的执行员可以转公安机关。")
    if not is_finding(task):
        raise TransitionNotAllowed("只有网格员回复“已发现”的查找下落事项，才能转公安机关。", state=task.state)
    if _forwarded(task):
        raise TransitionNotAllowed("该发现情况已转公安机关。", state=task.state)
    tracking = searching_tracking(task)
    if tracking is None:
        raise TransitionNotAllowed("本案没有正在查找该被执行人的公安机关查找下落请求，无法转交；如需公安机关查找，"
                                   "请起草查找被执行人下落的协助执行通知书。", state=task.state)
    answer = task.answer
    source = f"{task.community}网格员{task.answered_by.display_name}"
    record_finding(actor=actor, notice=tracking.notice, found_at=parse_datetime(answer["seen_at"]),
                   place=answer["place"], relayed_from=source)
    GRID_TASK.note(task, "forward", actor, data={"notice": tracking.notice_id, "tracking": tracking.pk,
                                                 "found_at": answer["seen_at"], "place": answer["place"]})
    return tracking
