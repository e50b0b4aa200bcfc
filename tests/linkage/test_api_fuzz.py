"""Schemathesis against the live OpenAPI schema (issue 8, fuzzing): every operation, with inputs generated from the
schema (valid and invalid), called through the app itself with a token of a clerk, a liaison and the committee.
No answer may be a 500, and every answer must match what the schema documents (status code, content type, body).

Bounded: a fixed number of examples per operation and role (LINKAGE_FUZZ_EXAMPLES, default 8), derandomised so a
run is repeatable; the whole module takes about a minute on two cores."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from linkage.tokens import issue_for_login
from tests.assistance.helpers import draft_notice, file_case
from tests.factories import (
    ClerkFactory,
    CommitteeUserFactory,
    CourtFactory,
    LeaderFactory,
    LiaisonFactory,
    OrganisationFactory,
)

EXAMPLES = int(os.environ.get("LINKAGE_FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())


@pytest.fixture
def in_process():
    """Requests run in the test's own transaction, as with Django's test client: the handler must not close the
    database connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, in_process):
    """A small world: a court with a case and a notice to a unit, and a token for each kind of caller."""
    court = CourtFactory()
    unit = OrganisationFactory(jurisdiction=court.jurisdiction, measures=["inquiry", "freeze"])
    clerk = ClerkFactory(organisation=court)
    LeaderFactory(organisation=court)
    case = file_case(clerk)
    draft_notice(clerk, case, unit, measure="inquiry", ruling_number="（2026）粤0103执1234号之一",
                 items=[{"property_kind": "bank_account", "identifier": "6222000011112222", "holder": "工商银行",
                         "amount": "150000", "description": "查询银行存款"}])
    users = {"clerk": clerk, "liaison": LiaisonFactory(organisation=unit), "committee": CommitteeUserFactory()}
    return {role: issue_for_login(user=user).key for role, user in users.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["clerk", "liaison", "committee"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_operation_answers_500_or_outside_its_schema(case, role, tokens):
    # Two checks are left out, each for a stated reason:
    # - ignored_auth re-sends without credentials and expects 401; with the token passed explicitly it cannot strip
    #   it. The permission matrix (tests/test_permission_matrix.py) tests anonymous callers on every route.
    # - positive_data_acceptance expects every schema-valid body to be accepted, but the domain rules cannot be
    #   written in OpenAPI (check digits, a case number's form, "a name or an identifier"): such a body gets a 400
    #   with a Chinese message, which is documented and is what docs/api.md asks for.
    case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"},
                           excluded_checks=[ignored_auth, positive_data_acceptance])


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["page_size=abc", "page_size=0", "page_size=-3", "page_size=5&page_size=6",
                                   "active=null", "active=yes", "active=true&active=false", "page=", "page=1&page=2"])
def test_a_query_parameter_that_cannot_be_read_is_refused_in_chinese(api_for, liaison, query):
    """What schemathesis found: unreadable page sizes and booleans were silently ignored (a list of everything)."""
    response = api_for(liaison).get(f"/api/v1/units/?{query}")
    assert response.status_code == 400
    message = str(response.json())
    assert any(text in message for text in ("每页条数应为1到200之间的整数", "应为 true 或 false", "页码应为一个正整数"))


@pytest.mark.django_db
def test_readable_filters_still_filter(api_for, liaison, unit, other_unit):
    other_unit.active = False
    other_unit.save()
    client = api_for(liaison)
    assert {row["code"] for row in client.get("/api/v1/units/?active=false&page_size=200").json()["results"]} == {
        other_unit.code}
    assert other_unit.code not in {row["code"] for row in client.get("/api/v1/units/?active=1").json()["results"]}


def test_an_unknown_api_path_answers_404_in_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")
