"""A unit's yearly metrics, computed from what happened — never typed, never stored (except in a frozen board).

Which notices: those served on the unit in the year (Asia/Shanghai), whatever happened to them later — a notice
served on 30 December and answered on 6 January counts in the year it was served. Notices the court withdrew are
left out of every figure (the unit owed nothing) except the extension requests and review suggestions made on them
(an upheld review suggestion ends in the notice's withdrawal, so it must still count). The figures come from the
timestamps the notice services stamp in the same transaction as each `NoticeEvent` (served, signed for, replied,
lifted, the deadline after extensions) — the event table's facts in indexed columns, one row per notice — from the
`Reminder` rows the reminder scans wrote, from the extension requests and review suggestions, from the list pushes
and their acknowledgements, from screenings and from meeting decisions.

Definitions (one notice):
* signed for in time: on or before the first working day after the day of service (the day of service is day 0,
  as for every deadline), e.g. served on Friday, signed for on Monday — or on a make-up Sunday — is in time;
* due for signing (应签收): signed for, or that first working day has ended (at the reply, the lifting or `as_of`)
  — a notice served yesterday and not yet signed for costs nothing;
* replied on time: `replied_at <= due_at` (the deadline as extended);
* overdue: the reply, or the lifting, or now (`as_of`) for an unanswered notice, came after the deadline;
  overdue working days: working days after the deadline's day up to and including that day;
* assessed (应回复): replied, or overdue without a reply — an open notice still within its time is not judged yet,
  nor one the court lifted before it fell due (`assistance.querysets.rated_condition`, the one definition the
  annual report and the year-over-year rates use as a filter; a test holds both engines to it);
* reply time: working days after the day of service up to and including the reply day (same day: 0), across
  holidays and make-up working days from the calendar table; the average and the 90th percentile (continuous,
  as PostgreSQL's `percentile_cont(0.9)`) are over replied notices;
* reminders: distinct reminder stages sent (before the deadline, on the day, overdue) per deadline; escalations:
  escalations sent (one per deadline), and the notices that needed any.
Other sources: list pushes (pushed `ListingEvent`s of the year) count for joint-punishment units only, and one is
acknowledged in time when its `ListingAcknowledgement` falls on or before the first working day after the push;
screening hits are the hits of the unit's screenings of the year (each is reported to the listing's court
automatically); meeting decisions are those of published minutes whose due date lies in the year, not cancelled,
done or past due; done on time when done and the unit's reply (`replied_at`, or `done_at` without one) fell on or
before `due_on`; judicial suggestion letters are those served on the unit in the year, overdue when replied after
their reply deadline or unanswered once it has passed (`sources.suggestion_metrics`); a subdistrict's grid tasks are
those its villages and communities were sent in the year, counted as the grid overview counts them
(`grid_sources.grid_metrics`; `None` for every other kind of unit).

On PostgreSQL the notice figures are one set-based query: working-day ordinals for every day of the window
(generate_series, the calendar table's overrides joined, a running sum, folded into two arrays indexed by day, so
each notice date costs an array subscript instead of a join), the reminders, extensions and review suggestions
aggregated per notice and joined, then counts, sums, `avg`, `percentile_cont(0.9)` and the per-measure and
reply-time histograms in one pass under GROUPING SETS; it runs with JIT off and a larger work_mem for its own
transaction (bench/assessment_bench.py: ~2.5 s for 40 units × 300,000 notices). Elsewhere (the SQLite demo) the
same definitions run in Python over plain rows; the tests hold both to the same answers.
"""

import datetime
from collections import Counter, defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from assistance.models import ExtensionRequest, Notice, NoticeState, RequestState, ReviewState, ReviewSuggestion
from assistance.querysets import on_time_condition, rated_condition
from linkage.models import Reminder
from linkage.workdays import TIMEZONE
from members.models import Measure

from . import grid_sources, sources
from .yearspan import Ordinals, Window, percentile_cont

REMINDER_KINDS = ("before_due", "due_day", "overdue")
ESCALATION_KIND = "escalation"
PERCENTILE = 0.9
# Reply-time histogram buckets (working days): 0, 1, ..., 5, 6-10, more than 10.
HISTOGRAM_BUCKETS = [("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4", 4, 4), ("5", 5, 5),
                     ("6-10", 6, 10), (">10", 11, None)]

# The figures behind which notices can be listed: metric code → (Chinese label, SQL condition on the facts).
NOTICE_METRICS = {
    "received": ("收到通知书", "counted"),
    "acknowledged_in_time": ("一个工作日内签收", "ack_in_time"),
    "ack_due": ("应签收", "ack_due"),
    "acknowledged_late": ("未在一个工作日内签收", "ack_due AND NOT ack_in_time"),
    "assessed": ("应回复", "assessed"),
    "replied": ("已回复", "replied"),
    "replied_on_time": ("按期回复", "on_time"),
    "replied_late": ("逾期回复", "replied AND NOT on_time"),
    "overdue": ("逾期", "overdue"),
    "open_overdue": ("逾期未回复", "open_overdue"),
    "reminded": ("被催办", "reminders > 0"),
    "escalated": ("被逾期督办", "escalations > 0"),
    "extensions_requested": ("申请延期", "extensions_requested > 0"),
    "extensions_granted": ("同意延期", "extensions_granted > 0"),
    "reviews_raised": ("提出审查建议", "reviews_raised > 0"),
    "reviews_upheld": ("审查建议成立", "reviews_upheld > 0"),
}


def empty_metrics():
    return {
        "received": 0, "by_measure": {}, "acknowledged_in_time": 0, "ack_due": 0, "assessed": 0, "replied": 0,
        "replied_on_time": 0, "overdue": 0, "open_overdue": 0, "overdue_days": 0,
        "reply_days_avg": None, "reply_days_p90": None, "reply_histogram": {},
        "reminders": 0, "reminded_notices": 0, "escalations": 0, "escalated_notices": 0,
        "extensions_requested": 0, "extensions_granted": 0, "reviews_raised": 0, "reviews_upheld": 0,
        "pushes": None, "pushes_acknowledged": None, "pushes_acknowledged_in_time": None, "pushes_due": None,
        "screened": 0, "screening_hits": 0,
        "decisions": None, "decisions_done_on_time": None,
        "suggestions": 0, "suggestions_replied": 0, "suggestions_replied_on_time": 0, "suggestions_overdue": 0,
        "grid_tasks": None, "grid_on_time": None, "grid_late": None, "grid_overdue": None,
    }


def _round(value):
    return None if value is None else round(float(value), 2)


def bucket_of(days):
    for label, low, high in HISTOGRAM_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return HISTOGRAM_BUCKETS[-1][0]


# ------------------------------------------------------------------------------------ notices: PostgreSQL


FACTS_SQL = """
WITH days AS (
    SELECT g::date AS day,
           CASE WHEN c.kind = 'workday' THEN 1
                WHEN c.kind = 'holiday' THEN 0
                WHEN extract(isodow FROM g) < 6 THEN 1 ELSE 0 END AS working
    FROM generate_series(%(first_day)s::date, %(last_day)s::date, interval '1 day') AS g
    LEFT JOIN linkage_calendarday c ON c.date = g::date
), cal AS (
    -- the ordinals as two arrays indexed by day (1 = first_day): a subscript per date instead of a join per date
    SELECT array_agg(upto ORDER BY day) AS upto, array_agg(upto - working + 1 ORDER BY day) AS nxt,
           count(*)::int AS size
    FROM (SELECT day, working, (sum(working) OVER (ORDER BY day))::int AS upto FROM days) AS running
), base AS (
    SELECT n.id, n.unit_id, n.measure_id,
           n.state <> 'withdrawn' AS counted,
           n.replied_at IS NOT NULL AS replied,
           n.acknowledged_at IS NOT NULL AS acknowledged,
           COALESCE(n.replied_at <= n.due_at, false) AS on_time,
           COALESCE(n.replied_at, n.lifting_at, %(as_of)s) > n.due_at AS overdue,
           n.replied_at IS NULL AND n.lifting_at IS NOT NULL AS lifted_unreplied,
           -- day indexes, clamped to the window (GREATEST/LEAST skip NULLs: a missing moment is guarded by its flag)
           LEAST(GREATEST((n.served_at AT TIME ZONE %(tz)s)::date - %(first_day)s::date + 1, 1), cal.size) AS s_i,
           LEAST(GREATEST((n.acknowledged_at AT TIME ZONE %(tz)s)::date - %(first_day)s::date + 1, 1), cal.size) AS a_i,
           LEAST(GREATEST((n.replied_at AT TIME ZONE %(tz)s)::date - %(first_day)s::date + 1, 1), cal.size) AS r_i,
           LEAST(GREATEST((n.due_at AT TIME ZONE %(tz)s)::date - %(first_day)s::date + 1, 1), cal.size) AS d_i,
           LEAST(GREATEST((COALESCE(n.replied_at, n.lifting_at, %(as_of)s) AT TIME ZONE %(tz)s)::date
                          - %(first_day)s::date + 1, 1), cal.size) AS e_i,
           cal.upto, cal.nxt
    FROM assistance_notice n CROSS JOIN cal
    WHERE n.served_at >= %(start)s AND n.served_at < %(stop)s AND n.unit_id = ANY(%(units)s::bigint[])
), rem AS (
    -- reminder stages sent per deadline (a stage goes to several people: counted once); a reminder's deadline
    -- is never before its notice's service, which bounds the scan (and the index gives the rows by notice)
    SELECT r.object_id,
           count(DISTINCT (r.kind, r.due_at)) FILTER (WHERE r.kind <> 'escalation') AS reminders,
           count(DISTINCT r.due_at) FILTER (WHERE r.kind = 'escalation') AS escalations
    FROM linkage_reminder r
    WHERE r.content_type_id = %(notice_type)s AND r.kind = ANY(%(reminder_kinds)s::text[]) AND r.due_at >= %(start)s
    GROUP BY r.object_id
), ext AS (
    SELECT e.notice_id, count(*) AS requested, count(*) FILTER (WHERE e.state = 'granted') AS granted
    FROM assistance_extensionrequest e WHERE e.requested_at >= %(start)s GROUP BY e.notice_id
), rev AS (
    SELECT s.notice_id, count(*) AS raised, count(*) FILTER (WHERE s.state = 'upheld') AS upheld
    FROM assistance_reviewsuggestion s WHERE s.raised_at >= %(start)s GROUP BY s.notice_id
), facts AS (
    SELECT b.id, b.unit_id, b.measure_id, b.counted,
           b.counted AND b.replied AS replied,
           b.counted AND b.on_time AS on_time,
           b.counted AND b.overdue AS overdue,
           b.counted AND (b.replied OR b.overdue) AS assessed,
           b.counted AND b.overdue AND NOT b.replied AND NOT b.lifted_unreplied AS open_overdue,
           b.counted AND b.acknowledged AND b.nxt[b.a_i] <= b.upto[b.s_i] + 1 AS ack_in_time,
           b.counted AND (b.acknowledged OR b.nxt[b.e_i] > b.upto[b.s_i] + 1) AS ack_due,
           CASE WHEN b.counted AND b.replied THEN b.upto[b.r_i] - b.upto[b.s_i] END AS reply_days,
           CASE WHEN b.counted AND b.overdue THEN GREATEST(b.upto[b.e_i] - b.upto[b.d_i], 0) ELSE 0 END
               AS overdue_days,
           CASE WHEN b.counted THEN COALESCE(rem.reminders, 0) ELSE 0 END AS reminders,
           CASE WHEN b.counted THEN COALESCE(rem.escalations, 0) ELSE 0 END AS escalations,
           COALESCE(ext.requested, 0) AS extensions_requested, COALESCE(ext.granted, 0) AS extensions_granted,
           COALESCE(rev.raised, 0) AS reviews_raised, COALESCE(rev.upheld, 0) AS reviews_upheld
    FROM base b
    LEFT JOIN rem ON rem.object_id = b.id
    LEFT JOIN ext ON ext.notice_id = b.id
    LEFT JOIN rev ON rev.notice_id = b.id
)
"""

AGGREGATE_SQL = FACTS_SQL + """
SELECT unit_id, measure_id, reply_days, GROUPING(measure_id, reply_days) AS grouping,
       count(*) FILTER (WHERE counted) AS received,
       count(*) FILTER (WHERE ack_in_time) AS acknowledged_in_time,
       count(*) FILTER (WHERE ack_due) AS ack_due,
       count(*) FILTER (WHERE assessed) AS assessed,
       count(*) FILTER (WHERE replied) AS replied,
       count(*) FILTER (WHERE on_time) AS replied_on_time,
       count(*) FILTER (WHERE overdue) AS overdue,
       count(*) FILTER (WHERE open_overdue) AS open_overdue,
       COALESCE(sum(overdue_days), 0) AS overdue_days,
       avg(reply_days)::float AS reply_days_avg,
       percentile_cont(%(percentile)s) WITHIN GROUP (ORDER BY reply_days) AS reply_days_p90,
       COALESCE(sum(reminders), 0) AS reminders,
       count(*) FILTER (WHERE reminders > 0) AS reminded_notices,
       COALESCE(sum(escalations), 0) AS escalations,
       count(*) FILTER (WHERE escalations > 0) AS escalated_notices,
       COALESCE(sum(extensions_requested), 0) AS extensions_requested,
       COALESCE(sum(extensions_granted), 0) AS extensions_granted,
       COALESCE(sum(reviews_raised), 0) AS reviews_raised,
       COALESCE(sum(reviews_upheld), 0) AS reviews_upheld
FROM facts
GROUP BY GROUPING SETS ((unit_id), (unit_id, measure_id), (unit_id, reply_days))
"""

SUMMED = ("received", "acknowledged_in_time", "ack_due", "assessed", "replied", "replied_on_time", "overdue", "open_overdue",
          "overdue_days", "reminders", "reminded_notices", "escalations", "escalated_notices",
          "extensions_requested", "extensions_granted", "reviews_raised", "reviews_upheld")


def _sql_params(unit_ids, window):
    return {
        "first_day": window.first_day, "last_day": window.last_day, "as_of": window.as_of, "tz": str(TIMEZONE),
        "start": window.start, "stop": window.stop, "units": list(unit_ids),
        "notice_type": ContentType.objects.get_for_model(Notice).pk,
        "reminder_kinds": [*REMINDER_KINDS, ESCALATION_KIND], "percentile": PERCENTILE,
    }


def _run(cursor, sql, params):
    """Run one of the set-based queries with settings fit for it, for this transaction only: no JIT (compiling
    this plan costs more than running it) and enough work memory that the hashes and sorts stay in memory."""
    with transaction.atomic():
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _notice_metrics_sql(unit_ids, window, measures):
    result = defaultdict(dict)
    with connection.cursor() as cursor:
        rows = _run(cursor, AGGREGATE_SQL, _sql_params(unit_ids, window))
        columns = [column[0] for column in cursor.description]
        for values in rows:
            row = dict(zip(columns, values, strict=True))
            metrics = result[row["unit_id"]]
            if row["grouping"] == 3:
                metrics.update({key: int(row[key]) for key in SUMMED})
                metrics["reply_days_avg"] = _round(row["reply_days_avg"])
                metrics["reply_days_p90"] = _round(row["reply_days_p90"])
            elif row["grouping"] == 1:
                if not row["received"]:
                    continue
                code = measures.get(row["measure_id"], str(row["measure_id"]))
                metrics.setdefault("by_measure", {})[code] = int(row["received"])
            elif row["reply_days"] is not None:
                histogram = metrics.setdefault("reply_histogram", {})
                histogram[str(row["reply_days"])] = int(row["received"])
    return result


# ---------------------------------------------------------------------------------------- notices: Python


def _notices_of(unit_ids, window):
    """Every notice served on the units in the year, withdrawn ones included (they carry review suggestions)."""
    return Notice.objects.filter(unit_id__in=list(unit_ids), served_at__gte=window.start, served_at__lt=window.stop)


def notice_facts_python(unit_ids, window, ordinals=None):
    """The per-notice facts of FACTS_SQL, computed in Python (the same definitions; see the module docstring)."""
    ordinals = ordinals or Ordinals(window.first_day, window.last_day)
    notices = _notices_of(unit_ids, window)
    rows = list(notices.values_list("id", "unit_id", "measure_id", "state", "served_at", "acknowledged_at",
                                    "replied_at", "due_at", "lifting_at"))
    notice_type = ContentType.objects.get_for_model(Notice)
    reminders, escalations = defaultdict(set), defaultdict(set)
    for object_id, kind, due_at in Reminder.objects.filter(
        content_type=notice_type, kind__in=[*REMINDER_KINDS, ESCALATION_KIND], object_id__in=notices.values("pk")
    ).values_list("object_id", "kind", "due_at"):
        if kind == ESCALATION_KIND:
            escalations[object_id].add(due_at)
        else:
            reminders[object_id].add((kind, due_at))
    extensions = defaultdict(Counter)
    for notice_id, state in ExtensionRequest.objects.filter(notice__in=notices.values("pk")).values_list(
        "notice_id", "state"
    ):
        extensions[notice_id]["requested"] += 1
        extensions[notice_id]["granted"] += state == RequestState.GRANTED
    reviews = defaultdict(Counter)
    for notice_id, state in ReviewSuggestion.objects.filter(notice__in=notices.values("pk")).values_list(
        "notice_id", "state"
    ):
        reviews[notice_id]["raised"] += 1
        reviews[notice_id]["upheld"] += state == ReviewState.UPHELD
    facts = []
    for pk, unit_id, measure_id, state, served_at, acknowledged_at, replied_at, due_at, lifting_at in rows:
        counted = state != NoticeState.WITHDRAWN
        replied = counted and replied_at is not None
        end_at = replied_at or lifting_at or window.as_of  # the unit's clock stops at the lifting's draft
        overdue = counted and end_at > due_at
        facts.append({
            "id": pk, "unit_id": unit_id, "measure_id": measure_id, "counted": counted, "replied": replied,
            "on_time": replied and replied_at <= due_at, "overdue": overdue, "assessed": replied or overdue,
            "open_overdue": overdue and not replied and lifting_at is None,
            "ack_in_time": counted and acknowledged_at is not None
            and ordinals.next(acknowledged_at) <= ordinals.upto(served_at) + 1,
            "ack_due": counted and (acknowledged_at is not None
                                    or ordinals.next(end_at) > ordinals.upto(served_at) + 1),
            "reply_days": ordinals.upto(replied_at) - ordinals.upto(served_at) if replied else None,
            "overdue_days": max(ordinals.upto(end_at) - ordinals.upto(due_at), 0) if overdue else 0,
            "reminders": len(reminders[pk]) if counted else 0,
            "escalations": len(escalations[pk]) if counted else 0,
            "extensions_requested": extensions[pk]["requested"], "extensions_granted": extensions[pk]["granted"],
            "reviews_raised": reviews[pk]["raised"], "reviews_upheld": reviews[pk]["upheld"],
        })
    return facts


PYTHON_CONDITIONS = {
    "received": lambda f: f["counted"],
    "acknowledged_in_time": lambda f: f["ack_in_time"],
    "ack_due": lambda f: f["ack_due"],
    "acknowledged_late": lambda f: f["ack_due"] and not f["ack_in_time"],
    "assessed": lambda f: f["assessed"],
    "replied": lambda f: f["replied"],
    "replied_on_time": lambda f: f["on_time"],
    "replied_late": lambda f: f["replied"] and not f["on_time"],
    "overdue": lambda f: f["overdue"],
    "open_overdue": lambda f: f["open_overdue"],
    "reminded": lambda f: f["reminders"] > 0,
    "escalated": lambda f: f["escalations"] > 0,
    "extensions_requested": lambda f: f["extensions_requested"] > 0,
    "extensions_granted": lambda f: f["extensions_granted"] > 0,
    "reviews_raised": lambda f: f["reviews_raised"] > 0,
    "reviews_upheld": lambda f: f["reviews_upheld"] > 0,
}


def _notice_metrics_python(unit_ids, window, measures, ordinals):
    by_unit = defaultdict(list)
    for fact in notice_facts_python(unit_ids, window, ordinals):
        by_unit[fact["unit_id"]].append(fact)
    result = {}
    for unit_id, facts in by_unit.items():
        days = [f["reply_days"] for f in facts if f["reply_days"] is not None]
        counted = [f for f in facts if f["counted"]]
        result[unit_id] = {
            "received": len(counted),
            "acknowledged_in_time": sum(f["ack_in_time"] for f in facts),
            "ack_due": sum(f["ack_due"] for f in facts),
            "assessed": sum(f["assessed"] for f in facts),
            "replied": sum(f["replied"] for f in facts),
            "replied_on_time": sum(f["on_time"] for f in facts),
            "overdue": sum(f["overdue"] for f in facts),
            "open_overdue": sum(f["open_overdue"] for f in facts),
            "overdue_days": sum(f["overdue_days"] for f in facts),
            "reply_days_avg": _round(sum(days) / len(days)) if days else None,
            "reply_days_p90": _round(percentile_cont(days, PERCENTILE)),
            "reminders": sum(f["reminders"] for f in facts),
            "reminded_notices": sum(f["reminders"] > 0 for f in facts),
            "escalations": sum(f["escalations"] for f in facts),
            "escalated_notices": sum(f["escalations"] > 0 for f in facts),
            **{key: sum(f[key] for f in facts) for key in ("extensions_requested", "extensions_granted",
                                                           "reviews_raised", "reviews_upheld")},
            "by_measure": dict(Counter(measures.get(f["measure_id"], str(f["measure_id"])) for f in counted)),
            "reply_histogram": {str(day): count for day, count in Counter(days).items()},
        }
    return result


# ------------------------------------------------------------------------------------------------- entry point


def compute_metrics(unit_ids, year, *, as_of=None, engine=None):
    """{unit_id: metrics} for every unit given (a unit with no notices gets zeros and `None` averages).

    `engine` is "sql" (PostgreSQL) or "python"; by default "sql" on PostgreSQL. `as_of` is the moment open
    notices are judged at (now by default)."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return {}
    window = Window(year, as_of)
    engine = engine or ("sql" if connection.vendor == "postgresql" else "python")
    measures = dict(Measure.objects.values_list("pk", "code"))
    ordinals = Ordinals(window.first_day, window.last_day)
    if engine == "sql":
        notice_metrics = _notice_metrics_sql(unit_ids, window, measures)
    else:
        notice_metrics = _notice_metrics_python(unit_ids, window, measures, ordinals)
    pushes = sources.push_metrics(unit_ids, window, ordinals)
    screened, hits = sources.screening_metrics(unit_ids, window)
    decisions = sources.decision_metrics(unit_ids, window)
    suggestions = sources.suggestion_metrics(unit_ids, window)
    grid = grid_sources.grid_metrics(unit_ids, window)
    result = {}
    for unit_id in unit_ids:
        metrics = empty_metrics()
        metrics.update(notice_metrics.get(unit_id, {}))
        if unit_id in pushes:
            (metrics["pushes"], metrics["pushes_acknowledged"], metrics["pushes_acknowledged_in_time"],
             metrics["pushes_due"]) = pushes[unit_id]
        metrics["screened"] = int(screened.get(unit_id) or 0)
        metrics["screening_hits"] = int(hits.get(unit_id) or 0)
        if decisions is not None:
            metrics["decisions"], metrics["decisions_done_on_time"] = decisions.get(unit_id, (0, 0))
        (metrics["suggestions"], metrics["suggestions_replied"], metrics["suggestions_replied_on_time"],
         metrics["suggestions_overdue"]) = suggestions.get(unit_id, (0, 0, 0, 0))
        metrics.update(grid.get(unit_id, {}))
        result[unit_id] = metrics
    return result


def notices_behind(metric, unit_id, year, *, as_of=None, engine=None):
    """The notices behind one figure of one unit: a queryset of `Notice` (not yet filtered by visibility).
    `metric` is a key of NOTICE_METRICS, `measure:<code>` or `reply_days:<bucket>`."""
    window = Window(year, as_of)
    engine = engine or ("sql" if connection.vendor == "postgresql" else "python")
    condition, python_condition = _condition(metric)
    if engine == "sql":
        # The condition comes from a fixed table (or an int), never from the request.
        sql = FACTS_SQL + f"SELECT id FROM facts WHERE {condition}"
        with connection.cursor() as cursor:
            ids = [row[0] for row in _run(cursor, sql, _sql_params([unit_id], window))]
        return Notice.objects.filter(pk__in=ids)
    ids = [f["id"] for f in notice_facts_python([unit_id], window) if python_condition(f)]
    return Notice.objects.filter(pk__in=ids)


def _condition(metric):
    if metric in NOTICE_METRICS:
        return NOTICE_METRICS[metric][1], PYTHON_CONDITIONS[metric]
    if metric.startswith("measure:"):
        code = metric.split(":", 1)[1]
        measure_id = Measure.objects.filter(code=code).values_list("pk", flat=True).first()
        if measure_id is None:
            raise KeyError(metric)
        return (f"counted AND measure_id = {int(measure_id)}",
                lambda f: f["counted"] and f["measure_id"] == measure_id)
    if metric.startswith("reply_days:"):
        label = metric.split(":", 1)[1]
        for bucket, low, high in HISTOGRAM_BUCKETS:
            if bucket == label:
                sql = f"reply_days >= {low}" + (f" AND reply_days <= {high}" if high is not None else "")
                return sql, lambda f, low=low, high=high: f["reply_days"] is not None and f["reply_days"] >= low and (
                    high is None or f["reply_days"] <= high)
    raise KeyError(metric)


def metric_label(metric):
    if metric in NOTICE_METRICS:
        return NOTICE_METRICS[metric][0]
    if metric.startswith("measure:"):
        code = metric.split(":", 1)[1]
        name = Measure.objects.filter(code=code).values_list("name", flat=True).first()
        return f"收到的“{name or code}”通知书"
    if metric.startswith("reply_days:"):
        return f"回复用时{metric.split(':', 1)[1]}个工作日"
    raise KeyError(metric)


def yearly_on_time_rates(unit_ids, years):
    """{year: (assessed, on time)} over the given units, for the year-over-year chart: one grouped query.
    (Only reply timeliness, which needs no working-day arithmetic; "assessed" is `rated_condition`.)"""
    from django.db.models.functions import ExtractYear

    if not years:
        return {}
    start = datetime.datetime(min(years), 1, 1, tzinfo=TIMEZONE)
    stop = datetime.datetime(max(years) + 1, 1, 1, tzinfo=TIMEZONE)
    now = timezone.now()
    rows = (Notice.objects.filter(unit_id__in=list(unit_ids), served_at__gte=start, served_at__lt=stop)
            .filter(rated_condition(now))
            .annotate(year=ExtractYear("served_at", tzinfo=TIMEZONE)).values("year")
            .annotate(on_time=Count("pk", filter=on_time_condition()), assessed=Count("pk"))
            .values_list("year", "assessed", "on_time"))
    return {year: (assessed, on_time) for year, assessed, on_time in rows}
