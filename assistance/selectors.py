"""Reads of notices for the pages, the API and the home page: the list of notices a user may see, the liaison's
inbox by tab, the court's workload, the committee's overdue board. Visibility always starts from
`Notice.objects.visible_to(user)`; overdue always from `assistance/querysets.py`."""

import datetime

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from linkage.workdays import add_working_days
from members.models import Organisation

from .models import ExtensionRequest, Notice, NoticeState, RequestState, ReviewState, ReviewSuggestion
from .querysets import OPEN_STATES, overdue_condition

# How far the inbox counts a tab of finished notices (a unit's history grows without end): "1000+" beyond.
HISTORY_COUNT_CAP = 1000
NEWEST_FIRST = ("-created_at", "-id")
DEADLINE_FIRST = (F("due_at").asc(nulls_last=True), "id")


def notice_list_for(user, filters=None, *, now=None, order=NEWEST_FIRST):
    """The notices `user` may see, with the list's relations, filtered and ordered: the court's list page, the
    API's list and any export read this. `filters` (each optional): `state`, `unit` (an organisation or its code),
    `case` (an id), `measure` (a code), `overdue` (True: only overdue at `now`; False: all but those), `queue` (a
    key of `court_queues(user)`: the rows of that home card)."""
    filters = filters or {}
    notices = Notice.objects.visible_to(user).with_list_relations()
    queues = court_queues(user)
    if filters.get("queue") in queues:
        notices = notices.filter(queues[filters["queue"]][1])
    if filters.get("state"):
        notices = notices.filter(state=filters["state"])
    unit = filters.get("unit")
    if unit:
        notices = notices.filter(unit__code=unit) if isinstance(unit, str) else notices.filter(unit=unit)
    if filters.get("case") is not None:
        notices = notices.filter(case_id=filters["case"])
    if filters.get("measure"):
        notices = notices.filter(measure__code=filters["measure"])
    if filters.get("overdue") is not None:
        now = now or timezone.now()
        notices = notices.overdue(now) if filters["overdue"] else notices.not_overdue(now)
    return notices.order_by(*order)


def pending_extension():
    """A notice with an extension request the court has not decided yet (at most one: a unique constraint)."""
    return Exists(ExtensionRequest.objects.filter(notice=OuterRef("pk"), state=RequestState.PENDING))


def pending_review():
    """A notice with a review suggestion the court has not decided yet (at most one: a unique constraint)."""
    return Exists(ReviewSuggestion.objects.filter(notice=OuterRef("pk"), state=ReviewState.PENDING))


# The states in which nothing is left for the unit to do.
FINISHED_STATES = (NoticeState.CLOSED, NoticeState.LIFT_ACKNOWLEDGED, NoticeState.WITHDRAWN)


def inbox_tabs(now=None):
    """The inbox's tabs as filters, covering every state in which a notice needs the unit: new (served, not signed
    for), signed for and in hand, due within one working day, overdue, with an extension request pending, replied
    (awaiting the court), lifted (the lifting notice to acknowledge); and the finished ones. The horizon of "due
    soon" is the close of the next working day."""
    now = now or timezone.now()
    horizon = add_working_days(now, 1).due_at
    return {
        "new": ("新收到", Q(state=NoticeState.SERVED)),
        "in_hand": ("已签收办理中", Q(state=NoticeState.ACKNOWLEDGED)),
        "due_soon": ("即将到期", Q(state__in=OPEN_STATES, due_at__gte=now, due_at__lte=horizon)),
        "overdue": ("已逾期", overdue_condition(now)),
        "extension": ("延期待批", Q(pending_extension(), state__in=OPEN_STATES)),
        "replied": ("已回复待办结", Q(state=NoticeState.REPLIED)),
        "lifted": ("解除待确认", Q(state=NoticeState.LIFTED)),  # the lifting notice to acknowledge
        "finished": ("已办结", Q(state__in=FINISHED_STATES)),
    }


# The tabs whose notices the clock still runs for, counted in one aggregate over the unit's open notices. The others
# (awaiting the court, the lifting to acknowledge, the history) may grow without end if nobody closes them: each is
# counted up to `HISTORY_COUNT_CAP`.
OPEN_TABS = ("new", "in_hand", "due_soon", "overdue", "extension")
# The tabs shown on the liaison's home page: everything that needs the unit (not the history).
HOME_TABS = ("new", "in_hand", "due_soon", "overdue", "extension", "replied", "lifted")


def inbox_counts(user, now=None, tabs=None):
    """How many of the liaison's unit's notices fall in each inbox tab. The open tabs are counted in one aggregate
    over the unit's open notices only (an index range, however long the history); each other tab is counted up
    to `HISTORY_COUNT_CAP` rows, so a unit with years of answered notices costs no more than one with a few."""
    tabs = tabs or inbox_tabs(now)
    visible = Notice.objects.visible_to(user)
    counts = visible.open().aggregate(
        **{key: Count("pk", filter=condition) for key, (_, condition) in tabs.items() if key in OPEN_TABS}
    )
    for key, (_, condition) in tabs.items():
        if key not in OPEN_TABS:
            counts[key] = visible.filter(condition).order_by().values("pk")[:HISTORY_COUNT_CAP].count()  # no sort
    return {key: counts[key] for key in tabs}


def home_inbox(user, now=None):
    """The liaison's home card: each tab that needs the unit, with its count (the tab it links to lists exactly
    those notices)."""
    tabs = {key: value for key, value in inbox_tabs(now).items() if key in HOME_TABS}
    counts = inbox_counts(user, tabs=tabs)
    return [(key, label, counts[key]) for key, (label, _) in tabs.items()]


def inbox_for(user, tab, now=None):
    """The liaison's inbox: the tabs with their counts, the current tab (`new` unless a known one is asked for)
    and its notices, by deadline."""
    tabs = inbox_tabs(now)
    counts = inbox_counts(user, tabs=tabs)
    current = tab if tab in tabs else "new"
    notices = Notice.objects.visible_to(user).filter(tabs[current][1]).with_list_relations().order_by(*DEADLINE_FIRST)
    return {
        "tabs": [(key, label, counts[key]) for key, (label, _) in tabs.items()],
        "current": current,
        "current_label": tabs[current][0],
        "notices": notices,
    }


def court_queues(user):
    """The court's work queues for the home page's cards and the notice list's `queue` filter, by key: (label,
    filter). A clerk's are the notices it drafted that wait for it: replies to read and close, extension requests and
    review suggestions to decide, drafts the leader returned (state `returned`). A leader's are the court's drafts
    and liftings (state `lifting`) to sign. Anybody else has none."""
    if user.is_clerk:
        mine = Q(created_by_id=user.pk)
        return {
            "replies": ("待阅办的回复", mine & Q(state=NoticeState.REPLIED)),
            "extensions": ("待决定的延期申请", mine & Q(pending_extension())),
            "reviews": ("待审查的审查建议", mine & Q(pending_review())),
            "returned": ("退回修改的草稿", mine & Q(state=NoticeState.RETURNED)),
        }
    if user.is_leader:
        return {
            "drafts": ("待签发的通知书", Q(state=NoticeState.DRAFT)),
            "liftings": ("待签发的解除通知", Q(state=NoticeState.LIFTING)),
        }
    return {}


def court_queue_counts(user):
    """Each of the user's queues with its count: the length of the notice list its card links to."""
    queues = court_queues(user)
    if not queues:
        return []
    counts = Notice.objects.visible_to(user).aggregate(
        **{key: Count("pk", filter=condition) for key, (_, condition) in queues.items()})
    return [(key, label, counts[key]) for key, (label, _) in queues.items()]


def court_workload(user, now=None, limit=10):
    """For the court's home page: open notices due before the end of this week, overdue ones, and drafts
    waiting for a leader's signature."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_end = datetime.datetime.combine(
        today + datetime.timedelta(days=7 - today.weekday()), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    notices = Notice.objects.visible_to(user).with_list_relations()
    due_this_week = notices.due_between(now, week_end).order_by("due_at", "id")
    overdue = notices.overdue(now).order_by("due_at", "id")
    drafts = notices.filter(state=NoticeState.DRAFT).order_by("created_at", "id")
    return {
        "due_this_week": list(due_this_week[:limit]),
        "due_this_week_count": due_this_week.count(),
        "overdue": list(overdue[:limit]),
        "overdue_count": overdue.count(),
        "drafts": list(drafts[:limit]),
        "drafts_count": drafts.count(),
    }


def overdue_by_unit(user, now=None):
    """For the committee: per unit, how many notices are overdue now and since when (one query)."""
    now = now or timezone.now()
    rows = (
        Notice.objects.visible_to(user).overdue(now).values("unit_id")
        .annotate(count=Count("pk"), oldest_due_at=Min("due_at")).order_by("-count", "oldest_due_at")
    )
    rows = list(rows)
    units = Organisation.objects.in_bulk([row["unit_id"] for row in rows])
    return [{**row, "unit": units[row["unit_id"]]} for row in rows]
