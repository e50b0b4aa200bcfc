"""The notice list and detail read through SQL compiled once per shape (NoticeViewSet._prepared_list and
_prepared_detail, linkage.prepared) answer exactly what the ORM's path answers (get_queryset, NoticeFilter,
CappedCountPaginator; the detail's queryset and prefetches), for every role, filter, page and notice, counted exactly
or estimated — and, once a shape has been seen, compile no SQL."""

import datetime
import itertools

import pytest
import time_machine
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from assistance.api import NoticeViewSet
from assistance.models import Notice
from linkage import statements
from linkage.models import ApiToken
from linkage.pagination import CappedCountPaginator
from tests.permission_world import ROLES, build_world
from tests.test_permission_matrix import Clients


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch):
    """Each test starts with nothing compiled (the caches live as long as the process, across tests)."""
    monkeypatch.setattr(NoticeViewSet, "_prepared_lists", {})
    monkeypatch.setattr(NoticeViewSet, "_prepared_details", {})


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


def _queries(world):
    unit, case = world.unit_x.code, world.case.pk
    filters = ["", "state=served", "state=acknowledged&measure=inquiry", f"unit={unit}", f"case={case}",
               "overdue=true", "overdue=false", f"overdue=true&unit={unit}&state=served", "measure=inquiry",
               f"case={case}.7", "case=-3", "unit=pm-unit-y", "state=draft",
               "state=nope", "case=abc", "overdue=maybe", "page=0", "page_size=0"]  # refused: the same 400s
    pages = ["", "page_size=2", "page_size=2&page=2", "page_size=3&page=last"]
    return ["&".join(part for part in combination if part) for combination in itertools.product(filters, pages)]


def _answer(clients, role, query, prepared, monkeypatch, path="/api/v1/notices/"):
    monkeypatch.setattr(NoticeViewSet, "use_prepared_list", prepared)
    monkeypatch.setattr(NoticeViewSet, "use_prepared_detail", prepared)
    answer = clients.call(role, "get", f"{path}?{query}")[2]
    return answer.status_code, answer.json()


def _record_use(monkeypatch, method):
    """Whether each call of NoticeViewSet.<method> took the prepared path (its answer was not None)."""
    used, original = [], getattr(NoticeViewSet, method)

    def recording(self, *args):
        answer = original(self, *args)
        used.append(answer is not None)
        return answer

    monkeypatch.setattr(NoticeViewSet, method, recording)
    return used


@pytest.mark.parametrize("days_on", [0, 40], ids=["today", "forty days on (overdue rows)"])
def test_prepared_list_answers_as_the_orm_does(world, monkeypatch, settings, days_on):
    settings.LINKAGE_TOKEN_TTL = datetime.timedelta(days=days_on + 30)  # the tokens outlive the trip forward
    clients = Clients(world)
    used = _record_use(monkeypatch, "_prepared_list")
    compared, differences = 0, []
    with time_machine.travel(timezone.now() + datetime.timedelta(days=days_on), tick=False):
        for role in ROLES:
            for query in _queries(world):
                prepared = _answer(clients, role, query, True, monkeypatch)
                orm = _answer(clients, role, query, False, monkeypatch)
                compared += 1
                if prepared != orm:
                    differences.append(f"{role} ?{query}:\n  prepared {prepared}\n  orm      {orm}")
        if days_on:
            status, overdue = _answer(clients, "liaison_xa", "overdue=true", True, monkeypatch)
            assert status == 200, overdue
            assert overdue["count"] > 0 and all(row["overdue"] for row in overdue["results"])
    assert not differences, "\n".join(differences[:5])
    bodies = [_answer(clients, "committee", "", True, monkeypatch), _answer(clients, "liaison_xa", "", True,
                                                                               monkeypatch)]
    assert all(status == 200 and body["count"] > 3 for status, body in bodies), bodies  # not a walk over nothing
    # Every role that sees notices was answered on the prepared path (the anonymous are refused before it, and a
    # role that sees none is the ORM's to answer).
    refused_by_filters = ("state=nope", "case=abc", "overdue=maybe")  # refused before the rows are read
    answered = [query for query in _queries(world) if not any(bad in query for bad in refused_by_filters)]
    assert used.count(True) >= 7 * len(answered), used.count(True)


def test_estimated_count_is_the_same_on_both_paths(world, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 2)  # every list of 3 or more is estimated
    clients = Clients(world)
    for role in ("committee", "clerk1", "liaison_xa"):
        prepared = _answer(clients, role, "page_size=2", True, monkeypatch)
        orm = _answer(clients, role, "page_size=2", False, monkeypatch)
        assert prepared == orm
        assert prepared[1]["count"] >= 3


@pytest.fixture
def compiled(monkeypatch):
    """The models of the queries Django compiles from here on (every SQLCompiler.as_sql call)."""
    models = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        models.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return models


def test_list_compiles_no_sql_once_its_shape_was_seen(world, monkeypatch, compiled):
    """The items and the audit entry are SQL of their own, the token an ORM query (ApiToken); the count and the page
    come from the cache."""
    clients = Clients(world)
    first = _answer(clients, "liaison_xa", "state=served&page_size=1", True, monkeypatch)
    assert compiled  # the first request of the shape compiled it
    compiled.clear()
    again = _answer(clients, "liaison_xa", "state=served&page_size=1&page=2", True, monkeypatch)
    other_unit = _answer(clients, "liaison_y", "state=served&page_size=1", True, monkeypatch)
    assert [model for model in compiled if model is not ApiToken] == []
    assert first[0] == again[0] == other_unit[0] == 200
    assert first[1]["count"] == again[1]["count"] >= 2 and other_unit[1]["count"] == 0


def test_case_beyond_any_id_is_an_empty_list_not_an_error(world, monkeypatch):
    clients = Clients(world)
    for prepared in (True, False):
        status, body = _answer(clients, "clerk1", f"case={10**30}", prepared, monkeypatch)
        assert (status, body["count"], body["results"]) == (200, 0, [])


def test_prepared_detail_answers_as_the_orm_does(world, monkeypatch):
    """Every notice of the world (drafts, replies with results, attachments, extension requests, review suggestions,
    lifted, superseded) as every role, plus ids that do not exist."""
    clients = Clients(world)
    used = _record_use(monkeypatch, "_prepared_detail")
    ids = [*Notice.objects.values_list("pk", flat=True), 0, 10**6, 10**30]
    differences, seen = [], 0
    for role in ROLES:
        for pk in ids:
            prepared = _answer(clients, role, "", True, monkeypatch, path=f"/api/v1/notices/{pk}/")
            orm = _answer(clients, role, "", False, monkeypatch, path=f"/api/v1/notices/{pk}/")
            seen += prepared[0] == 200
            if prepared != orm:
                differences.append(f"{role} notice {pk}:\n  prepared {prepared}\n  orm      {orm}")
    assert not differences, "\n".join(differences[:3])
    assert seen >= 2 * Notice.objects.count()  # each notice seen at least by its court and the committee
    assert used.count(True) >= 7 * len(ids)


def test_detail_compiles_only_what_a_notice_has(world, monkeypatch, compiled):
    """A served notice without reply or sub-lists compiles no SQL once its role's shape was seen."""
    clients = Clients(world)
    plain = world.notice_acknowledged.pk
    first = _answer(clients, "liaison_xa", "", True, monkeypatch, path=f"/api/v1/notices/{plain}/")
    assert compiled
    compiled.clear()
    again = _answer(clients, "liaison_xb", "", True, monkeypatch, path=f"/api/v1/notices/{plain}/")
    hidden = _answer(clients, "liaison_y", "", True, monkeypatch, path=f"/api/v1/notices/{plain}/")
    assert [model for model in compiled if model is not ApiToken] == []
    assert first[0] == again[0] == 200 and first[1]["events"] and first[1] == again[1]
    assert hidden[0] == 404


def test_prepared_case_detail_answers_as_the_orm_does(world, monkeypatch):
    """/api/v1/cases/{id}/ read through SQL compiled once per role (CaseViewSet._prepared_case): every case as every
    role, ids that do not exist, and a filter in the query (the ORM's path answers that) give the ORM's answer."""
    from cases.api import CaseViewSet
    from cases.models import Case

    monkeypatch.setattr(CaseViewSet, "_prepared_details", {})
    clients = Clients(world)

    def answer(role, url, prepared):
        monkeypatch.setattr(CaseViewSet, "use_prepared_detail", prepared)
        response = clients.call(role, "get", url)[2]
        return response.status_code, response.json()

    urls = [f"/api/v1/cases/{pk}/" for pk in [*Case.objects.values_list("pk", flat=True), 0, 10**6, 10**30]]
    urls += [f"/api/v1/cases/{world.case.pk}/?status=closed", f"/api/v1/cases/{world.case.pk}/?status=open"]
    differences, seen = [], 0
    for role in ROLES:
        for url in urls:
            prepared, orm = answer(role, url, True), answer(role, url, False)
            seen += prepared[0] == 200
            if prepared != orm:
                differences.append(f"{role} {url}:\n  prepared {prepared}\n  orm      {orm}")
    assert not differences, "\n".join(differences[:3])
    assert seen >= 2 * Case.objects.count()  # each case seen at least by its court and the committee
    # The court staff's shape was used; the committee takes the ORM's path (its rule reads its jurisdiction, which a
    # compiled stand-in does not carry: linkage.prepared.ROLE_FLAGS).
    assert list(CaseViewSet._prepared_details) == [(True, False)]


@pytest.mark.django_db(transaction=True)
def test_lock_reads_and_locks_the_row_as_the_orm_would(reference_data):
    """assistance.services._lock (prepared SQL): outside a transaction it refuses as the ORM does; inside, it gives
    the notice with its relations, locks its row (another connection cannot take it) and not its unit's."""
    import psycopg2
    from django.db import connection, transaction
    from django.db.transaction import TransactionManagementError

    from assistance import services
    from tests.permission_world import build_world

    world = build_world()
    notice = world.notice_served
    with pytest.raises(TransactionManagementError):
        services._lock(notice)
    settings = connection.settings_dict
    other = psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or "127.0.0.1",
                             port=settings["PORT"] or 5432, password=settings["PASSWORD"] or None)
    other.autocommit = True
    try:
        with transaction.atomic():
            locked = services._lock(notice)
            orm = Notice.objects.select_related("unit", "measure", "case", "court").get(pk=notice.pk)
            assert [getattr(locked, f.attname) for f in Notice._meta.concrete_fields] == [
                getattr(orm, f.attname) for f in Notice._meta.concrete_fields]
            assert (locked.unit.code, locked.measure.code, locked.case.number, locked.court.code) == (
                orm.unit.code, orm.measure.code, orm.case.number, orm.court.code)
            with other.cursor() as cursor:
                with pytest.raises(psycopg2.errors.LockNotAvailable):
                    cursor.execute("SELECT id FROM assistance_notice WHERE id = %s FOR UPDATE NOWAIT", [notice.pk])
                cursor.execute("SELECT id FROM members_organisation WHERE id = %s FOR UPDATE NOWAIT", [notice.unit_id])
            missing = Notice(pk=10**12)
            with pytest.raises(Notice.DoesNotExist):
                services._lock(missing)
    finally:
        other.close()


def _counting_statements(clients, role, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        status = clients.call(role, "get", f"/api/v1/notices/?{query}")[2].status_code
    sql = [statements.source(entry["sql"]) for entry in captured.captured_queries]
    return status, len([text for text in sql if "COUNT(*)" in text or text.startswith("EXPLAIN")])


def test_an_estimate_is_kept_for_a_while_and_an_exact_count_never(world, monkeypatch):
    """Past the exact limit the list gives "about N": that estimate is kept (ESTIMATE_SECONDS, per process) instead
    of counting the limit's rows again on every page; a list within the limit is counted every time."""
    from linkage import prepared

    clients = Clients(world)
    monkeypatch.setattr(NoticeViewSet, "use_prepared_list", True)
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 2)
    assert _counting_statements(clients, "clerk1", "page_size=2") == (200, 2)  # the bounded count, the estimate
    assert _counting_statements(clients, "clerk1", "page_size=2&page=2") == (200, 0)  # kept
    estimate = _answer(clients, "clerk1", "page_size=2", True, monkeypatch)[1]["count"]
    assert _counting_statements(clients, "clerk1", "page_size=2&state=served")[1] >= 1  # other values: counted
    clock = prepared.time.monotonic() + prepared.ESTIMATE_SECONDS + 1
    monkeypatch.setattr(prepared.time, "monotonic", lambda: clock)
    assert _counting_statements(clients, "clerk1", "page_size=2") == (200, 2)  # expired: counted again
    assert _answer(clients, "clerk1", "page_size=2", True, monkeypatch)[1]["count"] == estimate
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 10_000)
    for _ in range(2):
        assert _counting_statements(clients, "clerk1", "page_size=2") == (200, 1)  # exact: counted each time
