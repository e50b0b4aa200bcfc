"""The demo loader makes a published meeting through the services, and a second run adds nothing."""

import pytest
from django.core.management import call_command

from meetings.models import AgendaItem, Decision, Meeting

pytestmark = pytest.mark.django_db


def test_demo_meetings_load_once():
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    call_command("load_demo_meetings", verbosity=0)
    meeting = Meeting.objects.get()
    assert meeting.state == "published" and meeting.attendances.count() == 3
    assert sorted(Decision.objects.values_list("state", flat=True)) == ["open", "replied"]
    assert AgendaItem.objects.filter(kind="dispute", state="proposed").count() == 1
    call_command("load_demo_meetings", verbosity=0)
    assert Meeting.objects.count() == 1 and Decision.objects.count() == 2
