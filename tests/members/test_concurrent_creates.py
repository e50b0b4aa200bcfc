"""Two creates that race to a unique constraint: both pass the service's check, the database refuses the second,
and the caller gets a Chinese 409, never a 500. The race is played for real: a second transaction on its own
connection inserts the conflicting row and holds it uncommitted until the request's INSERT waits on it."""

import threading
import time

import pytest
from django.db import connection, transaction

from linkage.errors import DUPLICATE_MESSAGE, duplicate_message
from members import services
from members.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "某区税务局"


def _wait_until_another_backend_waits_on_a_lock(timeout=10):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def holding_a_conflicting_unit(admin, jurisdiction):
    """Start a thread that creates the unit NAME in its own transaction and commits only once another backend
    waits on it; returns (thread, inserted event, outcome dict)."""
    inserted, outcome = threading.Event(), {}

    def run():
        try:
            with transaction.atomic():
                services.create_organisation(
                    actor=admin,
                    jurisdiction=jurisdiction,
                    code="tax-first",
                    name=NAME,
                    short_name="税务局",
                    kind="tax",
                    level="county",
                )
                inserted.set()
                outcome["other_waited"] = _wait_until_another_backend_waits_on_a_lock()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert inserted.wait(10)
    return thread, outcome


def test_a_unit_created_twice_at_once_answers_409_in_chinese(reference_data, admin_user, api_for):
    jurisdiction = factories.JurisdictionFactory()
    api = api_for(admin_user)
    thread, outcome = holding_a_conflicting_unit(admin_user, jurisdiction)

    response = api.post(
        "/api/v1/units/",
        {
            "code": "tax-second",
            "name": NAME,
            "short_name": "税务局",
            "jurisdiction": jurisdiction.code,
            "kind": "tax",
            "level": "county",
        },
        format="json",
    )
    thread.join(10)

    assert outcome["other_waited"], "the request never reached the INSERT the other transaction held"
    assert response.status_code == 409
    assert response.json() == {"detail": f"成员单位{DUPLICATE_MESSAGE}"}
    assert list(Organisation.objects.filter(name=NAME).values_list("code", flat=True)) == ["tax-first"]


def test_only_unique_violations_are_turned_into_409():
    from django.db import IntegrityError

    assert duplicate_message(IntegrityError("not null")) is None


def test_a_roster_import_that_loses_the_race_answers_a_409_page(reference_data, admin_user, client_for):
    from django.urls import reverse

    from tests.members.test_exports import as_upload, make_unit, open_workbook

    jurisdiction = factories.JurisdictionFactory(code="race-test")
    client = client_for(admin_user)
    exported = make_unit(jurisdiction, contacts="", index=1, name=NAME)
    workbook = open_workbook(client.get(reverse("members:roster-xlsx"), {"jurisdiction": jurisdiction.code}))
    exported.delete()  # the file now brings a new unit named NAME
    thread, outcome = holding_a_conflicting_unit(admin_user, jurisdiction)

    response = client.post(
        reverse("members:roster-import"),
        {"kind": "roster", "jurisdiction": jurisdiction.code, "file": as_upload(workbook)},
    )
    thread.join(10)

    assert outcome["other_waited"]
    assert response.status_code == 409
    assert f"成员单位{DUPLICATE_MESSAGE}" in response.content.decode()
    assert list(Organisation.objects.filter(name=NAME).values_list("code", flat=True)) == ["tax-first"]
