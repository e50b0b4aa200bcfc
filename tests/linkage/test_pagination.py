"""The API paginator's count: exact on ordinary lists, bounded work on very long ones (the load test's court with a
million notices made an exact COUNT(*) the most expensive part of its notice list)."""

import pytest

from linkage.api import CappedCountPaginator
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
