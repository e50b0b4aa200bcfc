"""The assessment's figures a committee briefing is drafted from (meetings/briefing_figures.py): the last finalised
scoreboard and the approved criticism decisions of a period. Registered into `meetings.briefing_figures.SOURCES`
when the app is ready, because meetings sits below assessment and may not import it."""

from django.utils import timezone

from .models import Assessment, AssessmentState, Nomination, NominationKind, NominationState


def scoreboard_figures(jurisdiction):
    """The last finalised scoreboard (its latest frozen version): year, version, average and the ranked rows."""
    assessment = (Assessment.objects.filter(jurisdiction=jurisdiction, state=AssessmentState.FINALISED)
                  .order_by("-year").first())
    version = assessment.versions.order_by("-number").first() if assessment else None
    if version is None:
        return None
    rows = [{"unit": row["unit"]["name"], "rank": row.get("rank"), "total": row.get("total"),
             "standing": row.get("standing_display", "")} for row in version.data.get("rows", [])]
    return {"year": assessment.year, "version": version.number, "average": version.data.get("average_total"),
            "rows": rows}


def criticism_figures(jurisdiction, period_from, period_to):
    """The units the committee decided to criticise (an approved 通报批评) within the period, with the facts."""
    nominations = (Nomination.objects.filter(assessment__jurisdiction=jurisdiction, kind=NominationKind.CRITICISE_UNIT,
                                             state=NominationState.APPROVED, decided_at__isnull=False)
                   .select_related("unit").order_by("decided_at", "id"))
    found = []
    for nomination in nominations:
        if period_from <= timezone.localtime(nomination.decided_at).date() <= period_to:
            found.append({"unit_id": nomination.unit_id, "unit": nomination.unit.name,
                          "evidence": nomination.evidence})
    return found


def register():
    from meetings import briefing_figures

    briefing_figures.SOURCES.update(scoreboard=scoreboard_figures, criticism=criticism_figures)
