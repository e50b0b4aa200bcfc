"""Grid tasks, one service per move: the court sends a task to a community, its grid liaison opens and answers
it, the court cancels it. Each locks its row and moves through `GRID_TASK` (grid/machine.py), which checks the
state and the actor and writes the event; the messages are grid/notifications.py's. The escalation of overdue
tasks and the due-day reminder are grid/escalation.py's, the bridge to the police's locate rule grid/finding.py's
(re-exported here: the pages and the API import everything from this module)."""

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from linkage import parsing
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.text import REASON_MAX
from linkage.workdays import TIMEZONE
from members.models import Community

from . import notifications
from .answers import clean_answer
from .clock import due_for
from .escalation import escalate_overdue, remind_due_today  # noqa: F401 (the app's services in one place)
from .finding import forward_finding, may_forward, searching_tracking, tell_of_finding  # noqa: F401
from .machine import GRID_TASK
from .models import PLACE_MAX, GridTask, GridTaskKind, GridTaskPhoto

DOCUMENT_TITLE_MAX = 100
# A witness visit is booked ahead, not months ahead: the clock and the liaison's memory both run short.
WITNESS_AHEAD_DAYS = 90


def _require_court_staff(actor, court_id, message):
    if not (actor is not None and actor.is_court_staff and actor.organisation_id == court_id):
        raise PermissionDenied(message)


def _pk(value):
    """The id of a row given as the row or its id (a form's or the API's text); None when it is neither."""
    value = getattr(value, "pk", value)
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _community_for(case, community):
    """The community, if active and under a subdistrict of the court's jurisdiction; refused otherwise."""
    pk = _pk(community)
    found = (Community.objects.active().of_jurisdiction(case.court.jurisdiction_id).select_related("subdistrict")
             .filter(pk=pk).first() if pk is not None else None)
    if found is None:
        raise ApplicationError("请选择本院辖区内在册的村（居）委会。", field="community")
    return found


def _debtor_for(case, kind, party):
    if party in (None, ""):
        if kind != GridTaskKind.POST:
            raise ApplicationError("请选择被执行人。", field="party")
        return None
    pk = _pk(party)
    found = case.parties.debtors().filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ApplicationError("所选当事人不是本案的被执行人。", field="party")
    return found


def _scheduled(kind, scheduled_at, now):
    if kind != GridTaskKind.WITNESS:
        return None
    scheduled_at = parsing.moment(scheduled_at, "见证时间", "scheduled_at", required=True)
    if scheduled_at <= now:
        raise ApplicationError("见证时间应晚于现在。", field="scheduled_at")
    if (scheduled_at - now).days > WITNESS_AHEAD_DAYS:
        raise ApplicationError(f"见证时间不能晚于{WITNESS_AHEAD_DAYS}日之后。", field="scheduled_at")
    return scheduled_at


@transaction.atomic
def send_task(*, actor, case, community, kind, party=None, instructions="", place="", scheduled_at=None,
              document_title=""):
    """A clerk or leader of the case's court sends a task to an active community of the court's jurisdiction,
    which has a grid liaison. Every kind but posting the list names a debtor of the case; serving names the
    document and the address; witnessing the place and a future time. The due day comes from the working-day
    calendar (grid/clock.py). Records the `send` event and tells the community's grid liaison (SMS and the bell,
    with the task's address)."""
    _require_court_staff(actor, case.court_id, "只有本院工作人员可以发出网格协助事项。")
    case = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)
    if not case.is_open:
        raise TransitionNotAllowed(f"案件已{case.get_status_display()}，不能再发出网格协助事项。", state=case.status)
    if kind not in GridTaskKind.values:
        raise ApplicationError("请选择协助事项。", field="kind")
    community = _community_for(case, community)
    liaison = community.grid_liaison
    if liaison is None:
        raise ApplicationError(f"{community}尚未登记网格员，无法在线发出，请联系{community.subdistrict.name}。",
                               field="community")
    party = _debtor_for(case, kind, party)
    now = timezone.now()
    needs_place = kind in (GridTaskKind.SERVE, GridTaskKind.WITNESS)
    label = {GridTaskKind.SERVE: "送达地址", GridTaskKind.WITNESS: "见证地点"}.get(kind, "地点")
    place = parsing.text(place, label, "place", limit=PLACE_MAX, required=needs_place)
    document_title = (parsing.text(document_title, "送达文书名称", "document_title", limit=DOCUMENT_TITLE_MAX)
                      if kind == GridTaskKind.SERVE else "")
    instructions = parsing.text(instructions, "具体要求", "instructions", limit=REASON_MAX, required=False)
    scheduled_at = _scheduled(kind, scheduled_at, now)
    already = GridTask.objects.open().filter(case=case, community=community, kind=kind, party=party).first()
    if already is not None:
        raise TransitionNotAllowed(f"已向{community}发出同一事项（第{already.pk}号），尚未办结。", state=already.state)
    due_on, rule = due_for(kind, now, scheduled_at)
    task = GridTask.objects.create(
        case=case, court_id=case.court_id, community=community, subdistrict_id=community.subdistrict_id, kind=kind,
        party=party, instructions=instructions, place=place, scheduled_at=scheduled_at, document_title=document_title,
        sent_by=actor, sent_at=now, due_on=due_on, due_rule=rule,
    )
    GRID_TASK.record(task, "send", actor, to_state=task.state, at=now,
                     data={"due_on": due_on.isoformat(), "rule": rule, "liaison": liaison.pk})
    notifications.task_sent(task, liaison)
    return task


@transaction.atomic
def mark_viewed(*, actor, task):
    """The community's grid liaison opens the task for the first time: `viewed_at` and a `view` note, once. Anybody
    else's opening, and every later one, changes nothing. Returns the task."""
    if not (actor is not None and actor.is_grid and actor.community_id == task.community_id):
        return task
    if task.viewed_at is not None:
        return task
    task = GRID_TASK.lock(task)
    if task.viewed_at is None:
        task.viewed_at = timezone.now()
        task.save(update_fields=["viewed_at", "updated_at"])
        GRID_TASK.note(task, "view", actor, at=task.viewed_at)
    return task


def _store_photos(task, checked, actor):
    photos = []
    for purpose, upload, (content_type, size, digest) in checked:
        photo = GridTaskPhoto(task=task, purpose=purpose, original_name=(upload.name or "照片")[:200],
                              content_type=content_type, size=size, sha256=digest, uploaded_by=actor)
        photo.file.save(upload.name or "photo", upload, save=False)
        photo.save()
        photos.append(photo)
    return photos


@transaction.atomic
def answer_task(*, actor, task, answer, photos=()):
    """The community's grid liaison answers the task with its kind's structured reply (grid/answers.py) and photos
    (`[(purpose, upload)]`, JPEG or PNG, checked by content and size, at most six). The task is answered, on time
    when the answer's local date is not after the due day (an escalated task may still be answered, late). The clerk
    who sent it and the case's clerk are told; a debtor found whom the police are looking for is told to the police
    unit and the clerk at once (grid/finding.py)."""
    task = GRID_TASK.lock(task)
    GRID_TASK.check(task, "answer", actor)
    cleaned, checked = clean_answer(task, answer, photos)
    now = timezone.now()
    on_time = timezone.localtime(now, TIMEZONE).date() <= task.due_on
    # Answered without the page's opening recorded (the API): it was read all the same.
    GRID_TASK.move(task, "answer", actor, role=False, at=now, answered_by=actor, answered_at=now,
                   answered_on_time=on_time, answer=cleaned, viewed_at=task.viewed_at or now,
                   data={"on_time": on_time, "due_on": task.due_on.isoformat(), "photos": len(checked)})
    _store_photos(task, checked, actor)
    notifications.task_answered(task)
    tell_of_finding(task)
    return task


@transaction.atomic
def cancel_task(*, actor, task, reason):
    """A clerk or leader of the court that sent it withdraws a task not yet answered, saying why; the grid liaison
    is told."""
    task = GRID_TASK.lock(task)
    GRID_TASK.check(task, "cancel", actor)
    reason = parsing.text(reason, "撤回理由", "reason", limit=REASON_MAX)
    now = timezone.now()
    GRID_TASK.move(task, "cancel", actor, role=False, reason=reason, at=now, cancelled_by=actor, cancelled_at=now,
                   cancel_reason=reason)
    notifications.task_cancelled(task, task.community.grid_liaison)
    return task
