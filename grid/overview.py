"""The grid overview (网格协助情况统计; issue 25 item 4): per subdistrict and per village or community under it, the
grid tasks sent in a period, answered on time, answered late, still open within their time, and overdue, with the
on-time rate — for the court's clerks and leaders, the committee and a subdistrict's own liaisons, without a map.
The same figures feed the subdistrict's annual assessment (`assessment.criteria`, the 网格协助 item).

Which tasks: those sent in the period (by `sent_at`, Asia/Shanghai days), counted under the subdistrict stamped on
the task when it was sent (`GridTask.subdistrict`: whose score it counts for), whatever happened to them later.
Cancelled tasks are in no figure. Every category is `GridTaskQuerySet`'s own (open / overdue / answered_in_time /
answered_late), judged on `today`: "overdue" is open after the due day ended, "open within its time" is open and not
overdue; sent = open + answered on time + answered late. The on-time rate is answered on time ÷ (answered + overdue):
a task still within its time is not judged yet.

Who sees what: the tasks are `GridTask.objects.visible_to(viewer)` (a court's staff its own court's, the committee its
jurisdiction's, a subdistrict's liaison its own subdistrict's); the rows are every active subdistrict of the viewer's
jurisdiction (a subdistrict's liaison: its own) with every active community under it, tasks or none, plus any
subdistrict or community a visible task names (one that moved or was deactivated since). Anybody else (a grid
liaison, another unit's liaison, the administrator) gets no overview: `scope_of` is None and the pages answer 404.

Cost: one statement for the figures (the four categories grouped by subdistrict and community, UNION ALL), one for
the subdistricts, one for the communities — the same three whatever the number of communities.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Value
from django.utils import timezone

from linkage.workdays import TIMEZONE
from members.models import Organisation, OrganisationKind
from members.selectors import jurisdiction_id_of

from .models import GridTask

FIRST_YEAR = 2004
CATEGORIES = ("open", "overdue", "on_time", "late")
RATE_RULE = ("按期回复率 = 按期回复件数 ÷（已回复件数 + 逾期未回复件数）；按发出时间统计，已撤回的不计；"
             "办理期限当日结束前回复的为按期，期限届满仍未回复的为逾期，尚在期限内的不计入比率。")


@dataclass(frozen=True)
class Period:
    """Days from `first` to `last`, both included (Asia/Shanghai)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def of_year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def start(self):
        return datetime.datetime.combine(self.first, datetime.time.min, tzinfo=TIMEZONE)

    @property
    def stop(self):
        return datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=TIMEZONE)


def year_or_none(value, today=None):
    """The year asked for (a string or int) when it is one the overview can show, else None."""
    today = today or timezone.localdate()
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= today.year + 1 else None


@dataclass
class Figures:
    open: int = 0
    overdue: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def sent(self):
        return self.open + self.on_time + self.late

    @property
    def pending(self):
        """Open and still within its time (not yet due, or due today)."""
        return self.open - self.overdue

    @property
    def answered(self):
        return self.on_time + self.late

    @property
    def judged(self):
        """Answered, or overdue unanswered: the tasks the on-time rate is over."""
        return self.on_time + self.late + self.overdue

    @property
    def rate(self):
        return self.on_time / self.judged if self.judged else None

    @property
    def rate_text(self):
        """The rate as printed: 62.5%; — when nothing is judged yet."""
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    def add(self, other):
        for name in CATEGORIES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self):
        return {"sent": self.sent, "on_time": self.on_time, "late": self.late, "pending": self.pending,
                "overdue": self.overdue, "on_time_rate": None if self.rate is None else round(self.rate, 4)}


def sent_in(tasks, period):
    return tasks.filter(sent_at__gte=period.start, sent_at__lt=period.stop)


def grouped_figures(tasks, today):
    """{(subdistrict_id, community_id): Figures} of a queryset of tasks, in one statement: each category of
    `GridTaskQuerySet` grouped by subdistrict and community, the four joined by UNION ALL."""
    branches = {"open": tasks.open(), "overdue": tasks.overdue(today), "on_time": tasks.answered_in_time(),
                "late": tasks.answered_late()}
    parts = [queryset.order_by().values("subdistrict_id", "community_id")
             .annotate(category=Value(name), number=Count("pk")).values_list(
                 "subdistrict_id", "community_id", "category", "number")
             for name, queryset in branches.items()]
    result = {}
    for subdistrict_id, community_id, category, number in parts[0].union(*parts[1:], all=True):
        figures = result.setdefault((subdistrict_id, community_id), Figures())
        setattr(figures, category, getattr(figures, category) + number)
    return result


def subdistrict_figures(subdistrict_ids, period, today):
    """{subdistrict_id: Figures} of every task sent to the subdistricts in the period, whoever sent it (the
    assessment's source: not scoped by a viewer)."""
    tasks = sent_in(GridTask.objects.filter(subdistrict_id__in=list(subdistrict_ids)), period)
    result = {}
    for (subdistrict_id, _), figures in grouped_figures(tasks, today).items():
        result.setdefault(subdistrict_id, Figures()).add(figures)
    return result


@dataclass(frozen=True)
class Scope:
    jurisdiction_id: int
    subdistrict_id: int | None = None  # a subdistrict's liaison: only its own


def scope_of(user):
    """Whose rows the viewer sees, or None when the overview is none of its business."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_court_staff or user.is_committee:
        jurisdiction_id = jurisdiction_id_of(user)
        return None if jurisdiction_id is None else Scope(jurisdiction_id)
    if user.is_liaison and user.organisation_id and user.organisation.kind == OrganisationKind.SUBDISTRICT:
        return Scope(user.organisation.jurisdiction_id, user.organisation_id)
    return None


def visible_tasks(user, period):
    return sent_in(GridTask.objects.visible_to(user), period)


@dataclass
class CommunityRow:
    community: object
    figures: Figures


@dataclass
class SubdistrictRow:
    subdistrict: object
    figures: Figures = field(default_factory=Figures)
    communities: list = field(default_factory=list)


@dataclass
class Overview:
    period: Period
    today: datetime.date
    subdistricts: list
    totals: Figures


def overview_for(user, period, *, today=None):
    """The overview the viewer may read for the period, or None (see the module docstring)."""
    from members.grid_models import Community

    scope = scope_of(user)
    if scope is None:
        return None
    today = today or timezone.localdate()
    figures = grouped_figures(visible_tasks(user, period), today)
    task_subdistricts = {subdistrict_id for subdistrict_id, _ in figures}
    task_communities = {community_id for _, community_id in figures}
    if scope.subdistrict_id is not None:
        own = Q(pk=scope.subdistrict_id)
    else:
        own = Q(kind=OrganisationKind.SUBDISTRICT, jurisdiction_id=scope.jurisdiction_id, active=True)
    subdistricts = list(Organisation.objects.filter(own | Q(pk__in=task_subdistricts)).order_by("sort_order", "id"))
    shown = {subdistrict.pk for subdistrict in subdistricts}
    communities = list(Community.objects.filter(Q(subdistrict_id__in=shown, active=True) | Q(pk__in=task_communities))
                       .order_by("sort_order", "id"))
    rows = {subdistrict.pk: SubdistrictRow(subdistrict) for subdistrict in subdistricts}
    for community in communities:
        # Under its subdistrict now, and under any other one its tasks were sent through (it moved since).
        homes = {subdistrict_id for subdistrict_id, community_id in figures if community_id == community.pk}
        if community.active and community.subdistrict_id in rows:
            homes.add(community.subdistrict_id)
        for subdistrict_id in sorted(homes, key=lambda pk: pk != community.subdistrict_id):
            own_figures = figures.get((subdistrict_id, community.pk), Figures())
            rows[subdistrict_id].communities.append(CommunityRow(community, own_figures))
            rows[subdistrict_id].figures.add(own_figures)
    totals = Figures()
    for row in rows.values():
        totals.add(row.figures)
    return Overview(period, today, list(rows.values()), totals)


def overdue_tasks_for(user, period, *, today=None, subdistrict_id=None, community_id=None):
    """The overdue tasks behind an overview figure, among those the viewer may see (None: no overview for it)."""
    if scope_of(user) is None:
        return None
    today = today or timezone.localdate()
    tasks = visible_tasks(user, period).overdue(today)
    if subdistrict_id is not None:
        tasks = tasks.filter(subdistrict_id=subdistrict_id)
    if community_id is not None:
        tasks = tasks.filter(community_id=community_id)
    return tasks.select_related("case", "court", "community", "subdistrict", "party").order_by("due_on", "sent_at", "pk")
