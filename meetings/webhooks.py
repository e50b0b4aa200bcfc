"""The joint meeting's decisions as the responsible units' systems learn of them (members/webhooks.py): each
decision of the minutes, when they are published (before that a unit cannot read it)."""

from members.webhooks import api_url, emit

from .models import DecisionState


def decisions_assigned(meeting):
    for decision in meeting.decisions.exclude(state=DecisionState.CANCELLED).order_by("position"):
        emit("decision.assigned", organisation_ids=[decision.responsible_unit_id], occurred_at=meeting.published_at,
             data={"id": decision.pk, "url": api_url(f"/api/v1/decisions/{decision.pk}/"), "meeting": meeting.pk,
                   "document_number": meeting.document_number, "due_on": decision.due_on.isoformat()})
