"""The court's priority queue of the list's errors (信用纠错优先办理, 云府 item 5): wrong listings, inaccurate data and
credit objections waiting for review or correction, reconsiderations waiting for the higher court, listings whose
deletion falls due (延迟解除) and pending credit repairs, in one list ordered by what is due first.

Each source is one queryset here (`SOURCES`), read by the page and the home panel (`priority_queue`, one court) and by
the reminder scan (`blacklist.corrections.reminders`, every court), so what the clerk sees and what they are reminded
of are the same rows. The deadlines are those the services wrote (`clocks`); the queue only reads them.

`priority_queue` asks the database a fixed number of queries whatever the queue's length: per source its first
`limit` rows by deadline and its count, and one read of the working-day calendar."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from linkage.workdays import TIMEZONE, WorkingCalendar

from ..credit_models import CreditRepair, RepairState
from ..models import LIVE, CorrectionRequest, CorrectionState, DeletionGround, Listing
from .clocks import clock, close_of

QUEUE_LIMIT = 50


@dataclass(frozen=True)
class QueueItem:
    """One row of the queue. `source` names its source (correction, reconsideration, removal, repair), `subject` is
    the row it reads and `clerk` the clerk who received or proposed it (None when nobody did: an online
    application)."""

    source: str
    label: str
    what: str
    name: str
    case_number: str
    due_at: datetime.datetime
    overdue: bool
    link: str
    subject: object
    clerk: object
    court_id: int
    working_days_left: int = 0
    days_overdue: int = 0
    clock: str = ""


@dataclass(frozen=True)
class PriorityQueue:
    items: list
    total: int
    overdue_count: int

    @property
    def more(self):
        return self.total > len(self.items)


def _correction(request, now):
    due_at = close_of(request.due_on)
    if request.reconsideration_decided_on:  # a rejection reversed on reconsideration
        label, what = f"复议改正·{request.get_kind_display()}", "按复议决定撤销或更正（3个工作日）"
    elif request.found_by_court:
        label, what = f"本院发现·{request.get_kind_display()}", "撤销或更正（3个工作日）"
    else:
        label, what = request.get_kind_display(), f"审查{request.applicant}的纠错申请（15日）"
    listing = request.listing
    return dict(source="correction", label=label, what=what, name=listing.name, case_number=listing.case_number,
                due_at=due_at, overdue=due_at < now, link=reverse("blacklist:correction-detail", args=[request.pk]),
                subject=request, clerk=request.received_by, court_id=listing.court_id)


def _reconsideration(request, now):
    due_at = close_of(request.reconsideration_due_on)
    listing = request.listing
    return dict(source="reconsideration", label="复议待决定", what=f"{request.applicant}的复议申请，上级法院15日内决定",
                name=listing.name, case_number=listing.case_number, due_at=due_at, overdue=due_at < now,
                link=reverse("blacklist:correction-detail", args=[request.pk]), subject=request,
                clerk=request.received_by, court_id=listing.court_id)


def _removal(listing, now):
    due_at = listing.removal_due_at
    ground = DeletionGround(listing.deletion_ground).label if listing.deletion_ground else "出现删除事由"
    return dict(source="removal", label="延迟解除" if due_at < now else "应删除", what=f"{ground}，3个工作日内删除",
                name=listing.name, case_number=listing.case_number, due_at=due_at, overdue=due_at < now,
                link=reverse("blacklist:listing-detail", args=[listing.pk]), subject=listing,
                clerk=listing.proposed_by, court_id=listing.court_id)


def _repair(repair, now):
    listing = repair.listing
    return dict(source="repair", label="信用修复", what=f"审查{repair.applicant_name}的信用修复申请",
                name=listing.name, case_number=listing.case_number, due_at=repair.due_at, overdue=repair.due_at < now,
                link=reverse("blacklist:repair-detail", args=[repair.pk]), subject=repair,
                # An online application has nobody who received it: the clerk who proposed the listing.
                clerk=repair.received_by or listing.proposed_by, court_id=listing.court_id)


@dataclass(frozen=True)
class Source:
    """A source of the queue: its rows (`queryset()`), the field of their deadline, the path to their court and the
    item a row makes."""

    name: str
    model: type
    due_field: str
    court_field: str
    build: object
    filters: dict
    related: tuple

    def queryset(self):
        return self.model.objects.filter(**self.filters).select_related(*self.related).order_by(self.due_field, "id")

    def _bound(self, moment):
        # A deadline stored as a date ends at the close of that day.
        return moment.astimezone(TIMEZONE).date() if self.model is CorrectionRequest else moment

    def due_by(self, moment):
        """This source's rows due at or before `moment`."""
        return self.queryset().filter(**{f"{self.due_field}__lte": self._bound(moment)})

    def overdue_q(self, now):
        """Rows whose deadline has passed at `now`."""
        return Q(**{f"{self.due_field}__lt": self._bound(now)})


SOURCES = (
    Source("correction", CorrectionRequest, "due_on", "listing__court_id", _correction,
           {"state": CorrectionState.PENDING}, ("listing", "received_by")),
    Source("reconsideration", CorrectionRequest, "reconsideration_due_on", "listing__court_id", _reconsideration,
           {"state": CorrectionState.REJECTED, "reconsideration_requested_on__isnull": False,
            "reconsideration_decided_on__isnull": True}, ("listing", "received_by")),
    Source("removal", Listing, "removal_due_at", "court_id", _removal,
           {"state__in": LIVE, "removal_due_at__isnull": False}, ("proposed_by",)),
    Source("repair", CreditRepair, "due_at", "listing__court_id", _repair,
           {"state": RepairState.PENDING}, ("listing__proposed_by", "received_by")),
)


def build_items(rows, now, calendar=None):
    """[QueueItem] of (source, row) pairs, ordered by due first, with their clocks on the working-day calendar."""
    drafts = [source.build(row, now) for source, row in rows]
    drafts.sort(key=lambda draft: (draft["due_at"], draft["source"], draft["subject"].pk))
    today = timezone.localtime(now, TIMEZONE).date()
    if calendar is None and drafts:
        last = max(draft["due_at"].astimezone(TIMEZONE).date() for draft in drafts)
        calendar = WorkingCalendar.for_range(today, max(today, last))
    items = []
    for draft in drafts:
        overdue, days, text = clock(draft["due_at"], now, calendar)
        draft["days_overdue" if draft["overdue"] else "working_days_left"] = days
        items.append(QueueItem(**draft, clock=text))
    return items


def priority_queue(court_id, now=None, *, limit=QUEUE_LIMIT):
    """The court's queue: its first `limit` items by deadline and how many there are in all."""
    now = now or timezone.now()
    rows, total, overdue = [], 0, 0
    for source in SOURCES:
        queryset = source.queryset().filter(**{source.court_field: court_id})
        rows += [(source, row) for row in queryset[:limit]]
        counts = queryset.order_by().aggregate(total=Count("id"), overdue=Count("id", filter=source.overdue_q(now)))
        total, overdue = total + counts["total"], overdue + counts["overdue"]
    return PriorityQueue(items=build_items(rows, now)[:limit], total=total, overdue_count=overdue)
