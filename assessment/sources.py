"""The assessment's figures that do not come from notices: list pushes acknowledged by joint-punishment units,
screening hits, meeting decisions, judicial suggestion letters received — their counts per unit for `metrics.compute_metrics`, and the rows behind them
for the drill-down pages. Definitions are in `metrics.py`'s docstring."""

from collections import Counter

from django.apps import apps
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from linkage.workdays import TIMEZONE
from members.models import Organisation

from .yearspan import Ordinals, Window

JOINT_PUNISHMENT_MEASURES = ("restrict_qualification", "publish")  # as blacklist.listings.selectors: who reads the feed



def push_metrics(unit_ids, window, ordinals):
    """{unit_id: (pushes, acknowledged, acknowledged in time, due)} for the joint-punishment units among
    `unit_ids`; a unit counts the pushes of its own jurisdiction only (those it received,
    `blacklist.listings.selectors.pushed_events`). A push is due (counts toward the rate) once acknowledged or once
    the first working day after it has ended at `as_of`: one pushed yesterday costs nothing yet."""
    from blacklist.listings.selectors import pushed_events
    from blacklist.models import ListingAcknowledgement

    joint = dict(Organisation.objects.filter(pk__in=unit_ids, measures__code__in=JOINT_PUNISHMENT_MEASURES)
                 .values_list("pk", "jurisdiction_id").distinct())
    if not joint:
        return {}
    acknowledged, in_time, early, pushes, lapsed = Counter(), Counter(), Counter(), {}, {}
    as_of_next = ordinals.next(window.as_of)
    for jurisdiction_id in set(joint.values()):
        events = pushed_events(jurisdiction_id).filter(at__gte=window.start, at__lt=window.stop)
        moments = dict(events.values_list("pk", "at"))
        pushes[jurisdiction_id] = len(moments)
        # the pushes whose time to acknowledge has run out
        lapsed[jurisdiction_id] = {pk for pk, at in moments.items() if as_of_next > ordinals.upto(at) + 1}
        units = [unit_id for unit_id, of in joint.items() if of == jurisdiction_id]
        for unit_id, event_id, pushed_at, acknowledged_at in ListingAcknowledgement.objects.filter(
            unit_id__in=units, event__in=events
        ).values_list("unit_id", "event_id", "event__at", "acknowledged_at"):
            acknowledged[unit_id] += 1
            in_time[unit_id] += ordinals.next(acknowledged_at) <= ordinals.upto(pushed_at) + 1
            early[unit_id] += event_id not in lapsed[jurisdiction_id]  # acknowledged before its time ran out
    return {unit_id: (pushes[of], acknowledged[unit_id], in_time[unit_id], len(lapsed[of]) + early[unit_id])
            for unit_id, of in joint.items()}


def screening_metrics(unit_ids, window):
    from blacklist.models import ScreeningBatch, ScreeningResult

    batches = ScreeningBatch.objects.filter(unit_id__in=unit_ids, submitted_at__gte=window.start,
                                            submitted_at__lt=window.stop)
    screened = dict(batches.values("unit_id").annotate(n=Sum("total")).values_list("unit_id", "n"))
    hits = dict(ScreeningResult.objects.filter(batch__in=batches, hit=True).values("batch__unit_id")
                .annotate(n=Count("pk")).values_list("batch__unit_id", "n"))
    return screened, hits


def decision_model():
    """`meetings.Decision` when the meetings app has it and its table exists, else None."""
    try:
        model = apps.get_model("meetings", "Decision")
    except LookupError:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None
    return model


def decisions_of(unit_ids, window):
    """Meeting decisions that count for the year: due in it, published to the unit (minutes issued), not
    cancelled, and done or already past due (an open decision still within its time is not judged yet)."""
    model = decision_model()
    if model is None:
        return None
    as_of_day = timezone.localtime(window.as_of, TIMEZONE).date()
    return (model.objects.filter(responsible_unit_id__in=list(unit_ids), due_on__year=window.year,
                                 meeting__state="published")
            .exclude(state="cancelled")
            .filter(Q(state="done") | Q(due_on__lt=as_of_day))
            .annotate(finished_at=Coalesce("replied_at", "done_at")))


def _done_on_time():
    """Done, and the unit's (last) reply — or, without one, the completion — fell on or before the due day: the
    committee's confirming it later does not count against the unit."""
    return Q(state="done", finished_at__isnull=False, finished_at__date__lte=F("due_on"))


def decision_metrics(unit_ids, window):
    decisions = decisions_of(unit_ids, window)
    if decisions is None:
        return None
    rows = decisions.values("responsible_unit_id").annotate(total=Count("pk"), on_time=Count("pk", filter=_done_on_time()))
    return {row["responsible_unit_id"]: (row["total"], row["on_time"]) for row in rows}


def _suggestion_conditions(as_of):
    """(replied, replied on time, overdue) over `SuggestionLetter`, judged at `as_of`: overdue = replied after the
    reply deadline, or not replied (by `as_of`) and the deadline has passed; one still within its time is neither."""
    replied = Q(replied_at__lte=as_of)
    on_time = replied & Q(replied_at__lte=F("due_at"))
    overdue = (replied & Q(replied_at__gt=F("due_at"))) | (
        (Q(replied_at__isnull=True) | Q(replied_at__gt=as_of)) & Q(due_at__lt=as_of))
    return replied, on_time, overdue


def suggestions_of(unit_ids, window):
    """The judicial suggestion letters served on the units in the year (by `as_of`); a letter served on 30 December
    counts in the year it was served, whenever it is answered."""
    from assistance.suggestion_models import SuggestionLetter

    return SuggestionLetter.objects.filter(unit_id__in=list(unit_ids), served_at__gte=window.start,
                                           served_at__lt=min(window.stop, window.as_of))


def suggestion_metrics(unit_ids, window):
    """{unit_id: (judicial suggestion letters received, replied, replied on time, overdue)} (see `suggestions_of`,
    `_suggestion_conditions`); scored by `criteria._suggestion_letters`."""
    replied, on_time, overdue = _suggestion_conditions(window.as_of)
    rows = suggestions_of(unit_ids, window).values("unit_id").annotate(
        received=Count("pk"), replied=Count("pk", filter=replied), on_time=Count("pk", filter=on_time),
        overdue=Count("pk", filter=overdue))
    return {row["unit_id"]: (row["received"], row["replied"], row["on_time"], row["overdue"]) for row in rows}


def record_rows(kind, unit_id, year, *, as_of=None):
    """The list pushes, screenings, meeting decisions or suggestion letters behind one unit's figures, as plain dicts
    for the page."""
    window = Window(year, as_of)
    if kind == "pushes":
        from blacklist.listings.selectors import pushed_events
        from blacklist.models import ListingAcknowledgement

        jurisdiction_id = (Organisation.objects.filter(pk=unit_id, measures__code__in=JOINT_PUNISHMENT_MEASURES)
                           .values_list("jurisdiction_id", flat=True).first())
        if jurisdiction_id is None:
            return []
        ordinals = Ordinals(window.first_day, window.last_day)
        events = list(pushed_events(jurisdiction_id).filter(at__gte=window.start, at__lt=window.stop)
                      .order_by("at", "id").values("id", "at", "action", "listing__case_number"))
        acknowledged = dict(ListingAcknowledgement.objects.filter(unit_id=unit_id, event_id__in=[e["id"] for e in events])
                            .values_list("event_id", "acknowledged_at"))
        rows = []
        for event in events:
            at = acknowledged.get(event["id"])
            rows.append({"at": event["at"], "what": event["action"], "reference": event["listing__case_number"],
                         "acknowledged_at": at,
                         "in_time": at is not None and ordinals.next(at) <= ordinals.upto(event["at"]) + 1})
        return rows
    if kind == "screenings":
        from blacklist.models import ScreeningBatch

        return [{"at": b.submitted_at, "what": b.get_source_display(), "reference": b.file_name, "total": b.total,
                 "hits": b.hits}
                for b in ScreeningBatch.objects.filter(unit_id=unit_id, submitted_at__gte=window.start,
                                                       submitted_at__lt=window.stop).order_by("submitted_at")]
    if kind == "decisions":
        decisions = decisions_of([unit_id], window)
        if decisions is None:
            return []
        on_time = set(decisions.filter(_done_on_time()).values_list("pk", flat=True))
        return [{"at": d.due_on, "what": d.task, "reference": d.meeting.title, "done_at": d.finished_at,
                 "state": d.get_state_display(), "in_time": d.pk in on_time}
                for d in decisions.select_related("meeting").order_by("due_on", "pk")]
    if kind == "suggestions":
        _, on_time, overdue = _suggestion_conditions(window.as_of)
        letters = suggestions_of([unit_id], window).annotate(
            counted_on_time=Count("pk", filter=on_time), counted_overdue=Count("pk", filter=overdue))
        return [{"id": letter.pk, "at": letter.served_at, "what": letter.get_ground_display(),
                 "reference": letter.document_number, "court": letter.court.name, "due_at": letter.due_at,
                 "replied_at": letter.replied_at if letter.replied_at and letter.replied_at <= window.as_of else None,
                 "in_time": bool(letter.counted_on_time), "overdue": bool(letter.counted_overdue)}
                for letter in letters.select_related("court").order_by("served_at", "pk")]
    if kind == "grid":
        from .grid_sources import grid_rows

        return grid_rows(unit_id, window)
    raise KeyError(kind)
