"""The notice list and detail, and the case detail, of the API: each role gets the rows its visibility rule gives it,
filtered and paged; the overdue filter follows the clock; odd ids are empty answers, not errors; the number of
queries a page costs is pinned; a state change locks the notice's row only."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assistance.machines import NOTICE_MACHINE
from assistance.models import OPEN_STATES, Notice
from cases.models import Case
from linkage.pagination import CappedCountPaginator
from tests.permission_world import ROLES, build_world
from tests.test_permission_matrix import Clients

# The grid liaison has no API (members/confinement.py: a 404 at every API route but the public ones).
SEEING = [role for role in ROLES if role not in ("anonymous", "grid")]


@pytest.fixture
def world(db):
    return build_world()


def _get(clients, role, url):
    answer = clients.call(role, "get", url)[2]
    return answer.status_code, answer.json()


def _ids(clients, role, query=""):
    status, body = _get(clients, role, f"/api/v1/notices/?page_size=200&{query}")
    assert status == 200, (role, query, body)
    assert body["count"] == len(body["results"])
    return [row["id"] for row in body["results"]]


def test_each_role_lists_exactly_the_notices_it_may_see(world):
    clients = Clients(world)
    seen_by = {}
    for role in SEEING:
        user = world[role]
        visible = Notice.objects.visible_to(user)
        seen_by[role] = _ids(clients, role)
        assert sorted(seen_by[role]) == sorted(visible.values_list("pk", flat=True)), role
        assert sorted(_ids(clients, role, "state=served")) == sorted(
            visible.filter(state="served").values_list("pk", flat=True)), role
        assert sorted(_ids(clients, role, f"unit={world.unit_x.code}")) == sorted(
            visible.filter(unit=world.unit_x).values_list("pk", flat=True)), role
        assert sorted(_ids(clients, role, f"case={world.case.pk}")) == sorted(
            visible.filter(case=world.case).values_list("pk", flat=True)), role
    assert len(seen_by["committee"]) > 3 and len(seen_by["liaison_xa"]) > 3  # not a walk over nothing
    assert set(seen_by["liaison_xa"]).isdisjoint(seen_by["liaison_y"]) or not seen_by["liaison_y"]
    assert world.notice_draft.pk not in seen_by["liaison_xa"]  # a unit never sees a draft
    assert clients.call("anonymous", "get", "/api/v1/notices/")[2].status_code in (401, 403)
    assert clients.call("grid", "get", "/api/v1/notices/")[2].status_code == 404
    assert not Notice.objects.visible_to(world.grid).exists()  # nor would the rule give it any


def test_liaison_list_is_by_due_date_court_list_newest_first(world):
    clients = Clients(world)
    liaison = Notice.objects.filter(pk__in=_ids(clients, "liaison_xa"))
    due = {notice.pk: notice.due_at for notice in liaison}
    ids = _ids(clients, "liaison_xa")
    keys = [(due[pk] is None, due[pk] or timezone.now(), pk) for pk in ids]
    assert keys == sorted(keys)
    court = _ids(clients, "clerk1")
    created = dict(Notice.objects.filter(pk__in=court).values_list("pk", "created_at"))
    assert [(created[pk], pk) for pk in court] == sorted(((created[pk], pk) for pk in court), reverse=True)


def test_pages_cut_the_same_list(world):
    clients = Clients(world)
    everything = _ids(clients, "committee")
    first = _get(clients, "committee", "/api/v1/notices/?page_size=2")[1]
    second = _get(clients, "committee", "/api/v1/notices/?page_size=2&page=2")[1]
    assert first["count"] == second["count"] == len(everything)
    assert [row["id"] for row in first["results"] + second["results"]] == everything[:4]


def test_overdue_filter_after_forty_days(world, settings):
    settings.LINKAGE_TOKEN_TTL = datetime.timedelta(days=70)  # the tokens outlive the trip forward
    clients = Clients(world)
    assert _ids(clients, "liaison_xa", "overdue=true") == []
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40), tick=False):
        status, body = _get(clients, "liaison_xa", "/api/v1/notices/?overdue=true&page_size=200")
        assert status == 200, body
        overdue = [row["id"] for row in body["results"]]
        expected = Notice.objects.visible_to(world.liaison_xa).filter(
            state__in=OPEN_STATES, due_at__lt=timezone.now())
        assert overdue and sorted(overdue) == sorted(expected.values_list("pk", flat=True))
        assert all(row["overdue"] for row in body["results"])
        not_overdue = _ids(clients, "liaison_xa", "overdue=false")
        assert set(overdue).isdisjoint(not_overdue)
        assert sorted(overdue + not_overdue) == sorted(_ids(clients, "liaison_xa"))


@pytest.mark.parametrize("query", ["state=nope", "case=abc", "overdue=maybe", "page=0", "page_size=0"])
def test_bad_filters_are_refused(world, query):
    status, body = _get(Clients(world), "clerk1", f"/api/v1/notices/?{query}")
    assert status in (400, 404), body


def test_a_case_id_outside_the_ids_bounds_is_refused_in_chinese(world):
    """The filter is documented as an integer from 1 to 2^63-1 (issue 21): outside it is a 400, never a 500 from
    the database; an id inside the bounds that is no case of the caller's is an empty list."""
    clients = Clients(world)
    for case, message in ((10**30, "确保该值小于或等于9223372036854775807。"), (-3, "确保该值大于或等于1。"), (0, "确保该值大于或等于1。")):
        status, body = _get(clients, "clerk1", f"/api/v1/notices/?case={case}")
        assert (status, body) == (400, {"case": [message]})
    status, body = _get(clients, "clerk1", f"/api/v1/notices/?case={2**63 - 1}")
    assert (status, body["count"], body["results"]) == (200, 0, [])


def test_an_estimated_count_stays_at_least_the_limit(world, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 2)  # every list of 3 or more is estimated
    clients = Clients(world)
    for role in ("committee", "clerk1", "liaison_xa"):
        status, body = _get(clients, role, "/api/v1/notices/?page_size=2")
        assert status == 200 and body["count"] >= 3 and len(body["results"]) == 2


def test_detail_answers_visible_notices_and_404_otherwise(world):
    clients = Clients(world)
    for role in SEEING:
        visible = set(Notice.objects.visible_to(world[role]).values_list("pk", flat=True))
        for pk in [*Notice.objects.values_list("pk", flat=True), 0, 10**6, 10**30]:
            status, body = _get(clients, role, f"/api/v1/notices/{pk}/")
            assert status == (200 if pk in visible else 404), (role, pk, body)
            if status == 200:
                assert body["id"] == pk and body["events"]
    replied = _get(clients, "clerk1", f"/api/v1/notices/{world.notice_replied.pk}/")[1]
    assert replied["reply"] is not None


def test_case_detail_answers_visible_cases_and_404_otherwise(world):
    clients = Clients(world)
    for role in SEEING:
        visible = set(Case.objects.visible_to(world[role]).values_list("pk", flat=True))
        for pk in [*Case.objects.values_list("pk", flat=True), 0, 10**6, 10**30]:
            status, body = _get(clients, role, f"/api/v1/cases/{pk}/")
            assert status == (200 if pk in visible else 404), (role, pk, body)
            if status == 200:
                assert body["id"] == pk and body["applicants"] and body["debtors"]


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_notice_list_query_count_does_not_grow_with_the_page(world, django_assert_num_queries):
    client = _api(world.committee)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/api/v1/notices/?page_size=1").status_code == 200
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/api/v1/notices/?page_size=200").status_code == 200


def test_notice_detail_query_count(world, django_assert_num_queries):
    client = _api(world.liaison_xa)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(f"/api/v1/notices/{world.notice_acknowledged.pk}/").status_code == 200


def test_case_detail_query_count(world, django_assert_num_queries):
    client = _api(world.clerk1)
    with django_assert_num_queries(CASE_QUERIES):
        assert client.get(f"/api/v1/cases/{world.case.pk}/").status_code == 200


def _count_statements(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len([entry for entry in captured.captured_queries
                if "COUNT(*)" in entry["sql"] or entry["sql"].startswith("EXPLAIN")])


def test_the_count_is_bounded_then_estimated(world, monkeypatch):
    client = _api(world.clerk1)
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 2)
    assert _count_statements(client, "/api/v1/notices/?page_size=2") == 2  # the bounded count, the estimate
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 10_000)
    assert _count_statements(client, "/api/v1/notices/?page_size=2") == 1  # exact


@pytest.mark.django_db(transaction=True)
def test_lock_reads_and_locks_the_notice_row_only(reference_data):
    """NOTICE_MACHINE.lock: outside a transaction it refuses; inside, it gives the notice with its relations,
    locks its row (another connection cannot take it) and not its unit's."""
    import psycopg2
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    world = build_world()
    notice = world.notice_served
    with pytest.raises(TransactionManagementError):
        NOTICE_MACHINE.lock(notice)
    settings = connection.settings_dict
    other = psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or "127.0.0.1",
                             port=settings["PORT"] or 5432, password=settings["PASSWORD"] or None)
    other.autocommit = True
    try:
        with transaction.atomic():
            locked = NOTICE_MACHINE.lock(notice)
            assert (locked.pk, locked.unit.code, locked.case.number) == (
                notice.pk, notice.unit.code, notice.case.number)
            with other.cursor() as cursor:
                with pytest.raises(psycopg2.errors.LockNotAvailable):
                    cursor.execute("SELECT id FROM assistance_notice WHERE id = %s FOR UPDATE NOWAIT", [notice.pk])
                cursor.execute("SELECT id FROM members_organisation WHERE id = %s FOR UPDATE NOWAIT", [notice.unit_id])
            with pytest.raises(Notice.DoesNotExist):
                NOTICE_MACHINE.lock(Notice(pk=10**12))
    finally:
        other.close()


LIST_QUERIES = 4  # the bounded count, the page with its relations, the page's items, the audit entry
DETAIL_QUERIES = 4  # the notice with its relations and EXISTS of its sub-lists, its items, its history, the audit entry
CASE_QUERIES = 5  # the case with its court, its parties, its special-debtor tasks, the calendar of their deadlines, the audit entry
