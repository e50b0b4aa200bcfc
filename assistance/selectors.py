"""Reads of notices for the pages: the liaison's inbox tabs, the court's workload, the committee's overdue
board. Visibility always starts from `Notice.objects.visible_to(user)`."""

import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from linkage.workdays import add_working_days
from members.models import Organisation

from .models import OPEN_STATES, Notice, NoticeState


def inbox_tabs(now=None):
    """The inbox's tabs as filters: new (served, not signed for), due within one working day, overdue,
    answered, lifted. The horizon of "due soon" is the close of the next working day."""
    now = now or timezone.now()
    horizon = add_working_days(now, 1).due_at
    return {
        "new": ("新收到", Q(state=NoticeState.SERVED)),
        "due_soon": ("即将到期", Q(state__in=OPEN_STATES, due_at__gte=now, due_at__lte=horizon)),
        "overdue": ("已逾期", Q(state__in=OPEN_STATES, due_at__lt=now)),
        "replied": ("已回复", Q(state__in=[NoticeState.REPLIED, NoticeState.CLOSED])),
        "lifted": ("已解除", Q(state=NoticeState.LIFTED)),
    }


def inbox_counts(user, now=None, tabs=None):
    """How many of the liaison's unit's notices fall in each inbox tab (one query)."""
    tabs = tabs or inbox_tabs(now)
    return Notice.objects.visible_to(user).aggregate(
        **{key: Count("pk", filter=condition) for key, (_, condition) in tabs.items()}
    )


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
