"""The demo loader makes a published meeting through the services, and a second run adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings.models import AgendaItem, Decision, Meeting

pytestmark = pytest.mark.django_db


def test_demo_meetings_load_once():
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    call_command("load_demo_meetings", verbosity=0)
    meeting = Meeting.objects.get(state="published")
    assert meeting.attendances.count() == 3 and meeting.held_at < meeting.published_at
    upcoming = Meeting.objects.get(state="scheduled")
    assert upcoming.starts_at > timezone.now() and upcoming.attendances.count() == 3
    events = list(meeting.events.order_by("id").values_list("at", flat=True))
    assert events == sorted(events) and events[-1] <= timezone.now() and events[0] < events[-1]
    assert sorted(Decision.objects.values_list("state", flat=True)) == ["open", "replied"]
    assert AgendaItem.objects.filter(kind="dispute", state="proposed").count() == 1
    call_command("load_demo_meetings", verbosity=0)
    assert Meeting.objects.count() == 2 and Decision.objects.count() == 2
