"""PostgreSQL connections dropped under a real gunicorn server: the server's backend is terminated with
pg_terminate_backend (as a database restart, a failover or an administrator would), once in the middle of a request
that drafts notices to three units in one transaction, and once while idle between requests. No half-written
notice remains, and the next request works on a fresh connection."""

import threading

import pytest

from assistance.models import Notice, NoticeBatch, NoticeEvent, NoticeItem
from tests import factories
from tests.assistance_factories import CaseFactory, DebtorFactory

from .conftest import backends, pg_connection, token_session, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PAUSE_LOCK = 815_001  # advisory lock key; advisory locks are per database, and each xdist worker has its own
PAUSE_NOTE = "故障测试：第二份通知书写入后暂停"

# Installed for one test only: after the second notice of a batch with PAUSE_NOTE is inserted, the inserting
# transaction waits for an advisory lock the test holds, so the test can cut its connection at that point: the first
# notice is complete (items, event), the second half-written, the third not begun.
PAUSE_TRIGGER = f"""
CREATE FUNCTION faults_pause_after_second_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.note = '{PAUSE_NOTE}' AND (SELECT count(*) FROM assistance_notice WHERE batch_id = NEW.batch_id) = 2 THEN
        PERFORM pg_advisory_xact_lock_shared({PAUSE_LOCK});
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER faults_pause_after_second_notice AFTER INSERT ON assistance_notice
    FOR EACH ROW EXECUTE FUNCTION faults_pause_after_second_notice();
"""
DROP_PAUSE_TRIGGER = """
DROP TRIGGER IF EXISTS faults_pause_after_second_notice ON assistance_notice;
DROP FUNCTION IF EXISTS faults_pause_after_second_notice();
"""


@pytest.fixture
def drafting(people):
    clerk, court = people["clerk"], people["court"]
    units = [people["unit"], *(factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
                               for _ in range(2))]
    case = CaseFactory(court=court, created_by=clerk)
    debtor = DebtorFactory(case=case)
    body = {
        "case": case.pk, "debtor": debtor.pk, "measure": "inquiry", "units": [unit.pk for unit in units],
        "ruling_number": "（2026）粤0103执1号", "note": PAUSE_NOTE,
        "items": [{"property_kind": "bank_account", "description": "查询被执行人名下银行存款"},
                  {"property_kind": "real_estate", "description": "查询被执行人名下不动产"}],
    }
    return {"case": case, "body": body, "api": token_session(clerk)}


def written_for(case):
    return {
        "batches": NoticeBatch.objects.filter(case=case).count(),
        "notices": Notice.objects.filter(case=case).count(),
        "items": NoticeItem.objects.filter(notice__case=case).count(),
        "events": NoticeEvent.objects.filter(notice__case=case).count(),
    }


def test_connection_dropped_mid_request_leaves_no_half_written_notice(web_server, drafting):
    case, body, api = drafting["case"], drafting["body"], drafting["api"]
    web_server.start()
    assert api.get(web_server.url("/api/v1/notices/"), timeout=30).status_code == 200  # a persistent connection
    outcome = {}

    def draft():
        outcome["response"] = api.post(web_server.url("/api/v1/notices/"), json=body, timeout=60)

    with pg_connection() as probe:
        try:
            with probe.cursor() as cursor:
                cursor.execute(PAUSE_TRIGGER)
                cursor.execute("SELECT pg_advisory_lock(%s)", [PAUSE_LOCK])
            request = threading.Thread(target=draft)
            request.start()
            ((pid, has_written),) = wait_for(
                lambda: [(row[0], row[4]) for row in backends(
                    probe, web_server.application_name, where="wait_event_type = 'Lock' AND wait_event = 'advisory'")],
                timeout=30, what="the drafting request to pause after the second notice",
            )
            assert has_written  # batch, first notice with items and event, second notice: all uncommitted
            with probe.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PAUSE_LOCK])
            request.join(60)
        finally:
            with probe.cursor() as cursor:
                cursor.execute(DROP_PAUSE_TRIGGER)

    response = outcome["response"]
    assert response.status_code == 500, response.text
    assert response.json() == {"detail": "服务器内部错误，请稍后重试；如持续出现请联系系统管理员。"}
    assert written_for(case) == {"batches": 0, "notices": 0, "items": 0, "events": 0}  # all or nothing

    # The same server's next request gets a new connection and the same draft goes through whole.
    response = api.post(web_server.url("/api/v1/notices/"), json=body, timeout=60)
    assert response.status_code == 201, response.text
    assert written_for(case) == {"batches": 1, "notices": 3, "items": 6, "events": 3}
    assert api.get(web_server.url(f"/api/v1/notices/{response.json()['notices'][0]['id']}/"),
                   timeout=30).status_code == 200


def test_connection_dropped_between_requests_next_request_works(web_server, drafting):
    case, api = drafting["case"], drafting["api"]
    web_server.start()
    assert api.get(web_server.url("/api/v1/notices/"), timeout=30).status_code == 200
    with pg_connection() as probe:
        ((pid, state, *_),) = backends(probe, web_server.application_name)
        assert state == "idle"  # kept between requests (CONN_MAX_AGE)
        with probe.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_for(lambda: not backends(probe, web_server.application_name), timeout=10,
                 what="the server's connection to end")

        response = api.get(web_server.url(f"/api/v1/cases/{case.pk}/"), timeout=30)
        assert response.status_code == 200, response.text
        ((new_pid, *_),) = backends(probe, web_server.application_name)
        assert new_pid != pid
