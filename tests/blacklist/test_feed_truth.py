"""The feed tells the truth (issue 21 item 5): each pushed event carries the listing's published fields as they were
at that event (a snapshot written with the event), the contract's action names, the reason and the legal ground;
the page has the envelope of every other list; `limit` outside 1-200 is refused; every time is +08:00; events
pushed before snapshots were kept are backfilled and marked."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.test import Client

from blacklist.listings import services
from blacklist.models import Listing, ListingEvent
from tests import factories
from tests.blacklist.test_feed import proposals

pytestmark = pytest.mark.django_db
FEED = "/api/v1/listings/feed/"
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$")


@pytest.fixture
def joint_liaison(db):
    return factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["restrict_qualification"]))


def test_published_corrected_deleted_gives_three_events_with_the_fields_as_they_were(api_for, clerk, leader,
                                                                                      joint_liaison):
    listing = proposals(clerk, 1)[0]
    services.approve_listing(actor=leader, listing=listing)
    services.correct_listing(actor=clerk, listing=listing, changes={"name": "张三丰", "unperformed_amount": "100"},
                             reason="姓名笔误")
    services.delete_listing(actor=clerk, listing=listing, ground="performed", arose_on=datetime.date.today(),
                            reason="已全部履行")
    # A later change of the listing row (as any later write would) leaves what was pushed as it was.
    Listing.objects.filter(pk=listing.pk).update(name="后来的名字")

    body = api_for(joint_liaison).get(FEED).json()
    published, corrected, deleted = body["results"]
    assert [e["action"] for e in body["results"]] == ["publish", "correct", "delete"]
    assert [e["move"] for e in body["results"]] == ["approve", "correct", "delete"]
    assert [e["action_display"] for e in body["results"]] == ["发布", "更正", "删除"]
    assert published["listing"]["name"] == "张0" and published["listing"]["unperformed_amount"] == "50000.00"
    assert corrected["listing"]["name"] == "张三丰" and corrected["listing"]["unperformed_amount"] == "100.00"
    assert deleted["listing"]["name"] == "张三丰"
    assert [e["listing"]["state"] for e in body["results"]] == ["published", "published", "deleted"]
    assert [e["listing"]["state_display"] for e in body["results"]] == ["已发布", "已发布", "已删除"]
    assert all(e["listing"]["id"] == listing.pk and e["listing_backfilled"] is False for e in body["results"])
    assert published["listing"]["published_on"] == datetime.date.today().isoformat()
    assert published["listing"]["identifier"] == published["listing"]["id_number"] != ""
    # The reason and the legal ground.
    assert corrected["reason"] == "姓名笔误" and corrected["legal_ground"] is None
    assert corrected["legal_ground_display"] == ""
    assert deleted["reason"] == "已全部履行"
    assert (deleted["legal_ground"], deleted["legal_ground_display"]) == ("performed", "被执行人已履行全部义务")
    assert published["legal_ground"] is None
    # Every time in Beijing time, the event's and those in its data.
    assert all(OFFSET.match(e["at"]) for e in body["results"])
    assert OFFSET.match(deleted["data"]["due_at"])
    # The listing's own page shows the listing now; the feed kept what it published.
    assert ListingEvent.objects.filter(pushed=True, published_fields__name="张0").count() == 1


def test_revoke_and_expiry_carry_their_grounds_and_a_proposed_correction_is_not_pushed(api_for, clerk, leader,
                                                                                        joint_liaison):
    revoked, expiring, proposed = proposals(clerk, 3)
    services.correct_listing(actor=clerk, listing=proposed, changes={"name": "未发布"}, reason="笔误")
    assert ListingEvent.objects.get(listing=proposed, action="correct").published_fields is None
    for listing in (revoked, expiring):
        services.approve_listing(actor=leader, listing=listing)
    services.revoke_listing(actor=clerk, listing=revoked, reason="系同名他人")
    expiring.refresh_from_db()
    assert services.expire_due_listings(today=expiring.ends_on + datetime.timedelta(days=1)) == 1

    results = api_for(joint_liaison).get(FEED).json()["results"]
    by_action = {e["action"]: e for e in results}
    assert sorted(by_action) == ["expire", "publish", "revoke"] and len(results) == 4
    assert (by_action["revoke"]["legal_ground"], by_action["revoke"]["reason"]) == ("listed_in_error", "系同名他人")
    assert by_action["revoke"]["listing"]["state"] == "revoked"
    assert (by_action["expire"]["legal_ground"], by_action["expire"]["legal_ground_display"]) == (
        "period_ended", "纳入期限届满")
    assert by_action["expire"]["listing"]["state"] == "expired"


def test_the_envelope_next_and_count(api_for, clerk, leader, joint_liaison):
    for listing in proposals(clerk, 5):
        services.approve_listing(actor=leader, listing=listing)
    api = api_for(joint_liaison)
    first = api.get(FEED, {"limit": 2}).json()
    assert first["count"] == 5 and first["previous"] is None and len(first["results"]) == 2
    assert f"after_id={first['next_after_id']}" in first["next"] and "limit=2" in first["next"]
    seen = [e["id"] for e in first["results"]]
    page = first
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [e["id"] for e in page["results"]]
    assert seen == list(ListingEvent.objects.filter(pushed=True).order_by("id").values_list("id", flat=True))
    assert page["count"] == 1 and page["next"] is None  # the last page is not full: caught up
    second = api.get(FEED, {"limit": 2, "after_id": first["next_after_id"]}).json()
    assert second["count"] == 3  # the events after the cursor, this page included
    # The cursor is an event id: a new client (after a restart) resumes from it alone.
    assert [e["id"] for e in api_for(joint_liaison).get(FEED, {"after_id": seen[2]}).json()["results"]] == seen[3:]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=-1", "limit=abc", "limit=1.5", "limit=2&limit=3",
                                   "after_id=-1", "after_id=x", "after_id=9223372036854775808", "after_id=1&after_id=2"])
def test_limit_and_cursor_outside_their_bounds_are_refused(api_for, joint_liaison, query):
    response = api_for(joint_liaison).get(f"{FEED}?{query}")
    field = query.split("=")[0]
    assert response.status_code == 400 and field in response.json(), response.json()


@pytest.mark.parametrize("limit", [1, 200])
def test_limit_at_its_bounds_is_accepted(api_for, clerk, leader, joint_liaison, limit):
    services.approve_listing(actor=leader, listing=proposals(clerk, 1)[0])
    body = api_for(joint_liaison).get(FEED, {"limit": limit}).json()
    assert len(body["results"]) == 1
    assert (body["next"] is None) == (limit == 200)


def test_acknowledgement_time_is_beijing_time(api_for, clerk, leader, joint_liaison):
    services.approve_listing(actor=leader, listing=proposals(clerk, 1)[0])
    event = ListingEvent.objects.get(pushed=True)
    body = api_for(joint_liaison).post(f"{FEED}{event.pk}/acknowledge/").json()
    assert OFFSET.match(body["acknowledged_at"]), body


def test_backfill_fills_old_events_with_the_current_fields_and_marks_them(api_for, clerk, leader, joint_liaison):
    listing = proposals(clerk, 1)[0]
    services.approve_listing(actor=leader, listing=listing)
    services.shield_listing(actor=clerk, listing=listing, reason="异议审查")
    # As before snapshots were kept.
    ListingEvent.objects.filter(pushed=True).update(published_fields=None)
    Listing.objects.filter(pk=listing.pk).update(name="现名")
    migration = importlib.import_module("blacklist.migrations.0012_feed_backfill_published_fields")
    migration.backfill(apps, None)

    results = api_for(joint_liaison).get(FEED).json()["results"]
    assert [e["listing_backfilled"] for e in results] == [True, True]
    assert [e["listing"]["name"] for e in results] == ["现名", "现名"]  # the fields at the migration
    assert [e["listing"]["state"] for e in results] == ["published", "shielded"]  # the state at the event
    fresh = ListingEvent.objects.get(action="approve").published_fields
    assert fresh["unperformed_amount"] == "50000.00" and fresh["filed_on"] == "2026-01-05"
    assert ListingEvent.objects.get(action="propose").published_fields is None  # not pushed: not backfilled
    # A second run changes nothing that is already filled.
    ListingEvent.objects.filter(action="approve").update(published_fields={"name": "不变"})
    migration.backfill(apps, None)
    assert ListingEvent.objects.get(action="approve").published_fields == {"name": "不变"}


def test_the_push_page_shows_the_listing_as_pushed(clerk, leader, joint_liaison):
    listing = proposals(clerk, 1)[0]
    services.approve_listing(actor=leader, listing=listing)
    services.correct_listing(actor=clerk, listing=listing, changes={"name": "李更正"}, reason="笔误")
    client = Client()
    client.force_login(joint_liaison)
    page = client.get("/listings/pushes/").content.decode()
    assert page.count("李更正") == 1 and page.count("张0") == 1  # the correction's row, and the publication's
