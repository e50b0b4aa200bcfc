"""The subdistricts' grid tasks in the assessment (issue 25 item 4, the 网格协助 item): per subdistrict unit, the grid
tasks its villages and communities were sent in the year, answered on time, answered late and overdue, counted as
the grid overview counts them (`grid.overview`: the subdistrict stamped on the task when it was sent, cancelled tasks
left out, overdue = still unanswered after the due day ended, judged on `as_of`'s day). Units of any other kind get
`None` for every figure (the item does not apply to them), as a unit that is not a joint-punishment unit gets `None`
pushes.

Only the overdue cut-off follows `as_of`: a task's state is read as it stands (the grid querysets judge the state, not
the moment of the answer), which is what a live board, computed now, and a board frozen when finalised both need; an
`as_of` in the past still counts a task answered since as answered."""

from django.utils import timezone

from grid.models import GridTask
from grid.overview import Period, sent_in, subdistrict_figures
from linkage.workdays import TIMEZONE
from members.models import Organisation, OrganisationKind

GRID_KEYS = ("grid_tasks", "grid_on_time", "grid_late", "grid_overdue")


def _period(window):
    return Period.of_year(window.year)


def _today(window):
    return timezone.localtime(window.as_of, TIMEZONE).date()


def grid_metrics(unit_ids, window):
    """{unit_id: {grid_tasks, grid_on_time, grid_late, grid_overdue}} for the subdistricts among `unit_ids`."""
    subdistricts = list(Organisation.objects.filter(pk__in=list(unit_ids), kind=OrganisationKind.SUBDISTRICT)
                        .values_list("pk", flat=True))
    if not subdistricts:
        return {}
    figures = subdistrict_figures(subdistricts, _period(window), _today(window))
    result = {}
    for unit_id in subdistricts:
        own = figures.get(unit_id)
        result[unit_id] = {"grid_tasks": own.sent if own else 0, "grid_on_time": own.on_time if own else 0,
                           "grid_late": own.late if own else 0, "grid_overdue": own.overdue if own else 0}
    return result


def grid_rows(unit_id, window):
    """The grid tasks behind a subdistrict's figures (answered on time or late, overdue, or still within their time;
    not the cancelled ones), as plain dicts for the drill-down page; `id` lets the page hide what the viewer may not
    see."""
    today = _today(window)
    tasks = sent_in(GridTask.objects.filter(subdistrict_id=unit_id), _period(window))

    def ids(queryset):
        return set(queryset.values_list("pk", flat=True))

    in_time, late, still_open, overdue = (ids(tasks.answered_in_time()), ids(tasks.answered_late()),
                                          ids(tasks.open()), ids(tasks.overdue(today)))
    counted = in_time | late | still_open
    return [{"id": task.pk, "at": task.sent_at, "what": task.get_kind_display(), "reference": task.case.number,
             "community": task.community.name, "court": task.court.short_name, "due_on": task.due_on,
             "answered_at": task.answered_at if task.pk in in_time | late else None,
             "in_time": task.pk in in_time, "overdue": task.pk in overdue}
            for task in tasks.filter(pk__in=counted).select_related("case", "community", "court")
            .order_by("sent_at", "pk")]
