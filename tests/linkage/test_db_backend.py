"""The PostgreSQL backend's health check (linkage/db/postgresql/base.py): a live idle connection passes without a
round trip to the server; one the server ended fails it, and Django replaces it before the next query."""

import time

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.backends.postgresql import base as django_base

from linkage.db.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asked_server(monkeypatch):
    """How many times Django's own check (SELECT 1, a round trip) ran."""
    calls = []
    original = django_base.DatabaseWrapper.is_usable

    def counting(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(django_base.DatabaseWrapper, "is_usable", counting)
    return calls


def _terminate(pid):
    database = settings.DATABASES["default"]
    other = psycopg2.connect(dbname=connection.settings_dict["NAME"], user=database.get("USER") or "postgres",
                             host=database.get("HOST") or "127.0.0.1", port=database.get("PORT") or 5432,
                             password=database.get("PASSWORD") or None)
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


def test_the_project_backend_is_in_use():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]


def test_a_live_idle_connection_is_usable_without_asking_the_server(asked_server):
    connection.ensure_connection()
    assert connection.is_usable()
    assert asked_server == []


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced(asked_server):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    _terminate(pid)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:  # the FATAL message is on its way
        time.sleep(0.05)
    assert not connection.is_usable()
    assert asked_server  # something was on the socket: Django's own check decided
    # What Django does at the start of a request's first query: check, close the dead connection, open a new one.
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_closed_connection_is_not_usable():
    connection.ensure_connection()
    connection.connection.close()
    assert not connection.is_usable()
    connection.close()
