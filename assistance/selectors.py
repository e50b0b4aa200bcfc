"""Reads of notices for the pages, the API and the home page: the list of notices a user may see, the liaison's
inbox by tab, the court's workload, the committee's overdue board. Visibility always starts from
`Notice.objects.visible_to(user)`; overdue always from `assistance/querysets.py`."""

import datetime

from django.db.models import Count, F, Min, Q
from django.utils import timezone

from linkage.workdays import add_working_days
from members.models import Organisation

from .models import Notice, NoticeState
from .querysets import OPEN_STATES, overdue_condition

# How far the inbox counts a tab of finished notices (a unit's history grows without end): "1000+" beyond.
HISTORY_COUNT_CAP = 1000
NEWEST_FIRST = ("-created_at", "-id")
DEADLINE_FIRST = (F("due_at").asc(nulls_last=True), "id")


def notice_list_for(user, filters=None, *, now=None, order=NEWEST_FIRST):
    """The notices `user` may see, with the list's relations, filtered and ordered: the court's list page, the
    API's list and any export read this. `filters` (each optional): `state`, `unit` (an organisation or its code),
    `case` (an id), `measure` (a code), `overdue` (True: only overdue at `now`; False: all but those)."""
    filters = filters or {}
    notices = Notice.objects.visible_to(user).with_list_relations()
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


def inbox_tabs(now=None):
    """The inbox's tabs as filters: new (served, not signed for), due within one working day, overdue,
    answered, lifted. The horizon of "due soon" is the close of the next working day."""
    now = now or timezone.now()
    horizon = add_working_days(now, 1).due_at
    return {
        "new": ("新收到", Q(state=NoticeState.SERVED)),
        "due_soon": ("即将到期", Q(state__in=OPEN_STATES, due_at__gte=now, due_at__lte=horizon)),
        "overdue": ("已逾期", overdue_condition(now)),
        "replied": ("已回复", Q(state__in=[NoticeState.REPLIED, NoticeState.CLOSED])),
        "lifted": ("已解除", Q(state=NoticeState.LIFTED)),
    }


# The tabs whose notices the clock still runs for; the others hold the unit's history.
OPEN_TABS = ("new", "due_soon", "overdue")


def inbox_counts(user, now=None, tabs=None):
    """How many of the liaison's unit's notices fall in each inbox tab. The open tabs are counted in one aggregate
    over the unit's open notices only (an index range, however long the history); each history tab is counted up
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
