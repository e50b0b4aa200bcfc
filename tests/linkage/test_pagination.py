"""The API paginator's count: exact on ordinary lists, bounded work on very long ones (the load test's court with a
million notices made an exact COUNT(*) the most expensive part of its notice list)."""

import re

import pytest

from linkage.pagination import CappedCountPaginator
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_count_is_exact_up_to_the_limit(api_for, liaison, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 50)
    OrganisationFactory.create_batch(6)
    body = api_for(liaison).get("/api/v1/units/?page_size=2").json()
    assert body["count"] == 7  # the six and the liaison's own unit
    assert len(body["results"]) == 2 and body["next"]


def test_past_the_limit_the_count_is_an_estimate_never_below_the_limit(api_for, liaison, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 3)
    OrganisationFactory.create_batch(9)
    api = api_for(liaison)
    body = api.get("/api/v1/units/?page_size=4").json()
    assert body["count"] >= 4
    # Paging still reaches every row: the last page is found by following `next`.
    seen, url = [], "/api/v1/units/?page_size=4"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 10


def test_the_bounded_count_reads_at_most_the_limit(django_assert_num_queries, monkeypatch):
    from members.models import Organisation

    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 3)
    OrganisationFactory.create_batch(5)
    paginator = CappedCountPaginator(Organisation.objects.order_by("pk"), 2)
    with django_assert_num_queries(2) as captured:  # the bounded COUNT, then the planner's estimate
        assert paginator.count >= 4
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]


def test_html_lists_say_when_their_count_is_an_estimate(client_for, clerk, monkeypatch):
    """The HTML lists that can grow to a million rows (cases, notices, listings) count the same way: exact up to the
    limit, and past it the planner's estimate, which the page marks "约" (about) in its total and its page count."""
    from tests.assistance_factories import CaseFactory

    CaseFactory.create_batch(5, court=clerk.organisation)
    client = client_for(clerk)
    exact = client.get("/cases/").content.decode()
    assert "共 5 件" in exact and "约" not in exact
    monkeypatch.setattr(CappedCountPaginator, "EXACT_COUNT_LIMIT", 3)
    monkeypatch.setattr("cases.views.CASES_PER_PAGE", 2)
    page = client.get("/cases/").content.decode()
    total = re.search(r"共 约 (\d+) 件", page)
    assert total and int(total.group(1)) >= 4
    assert re.search(r"第 1 / 约 \d+ 页", page)
    assert page.count("粤0103执") == 2  # the first page lists its two cases
