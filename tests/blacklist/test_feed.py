"""The push feed to joint-punishment units: a poller that keeps `next_after_id` sees every pushed event exactly
once, in increasing id order, across pages and across concurrent writes; acknowledgement is idempotent; only
joint-punishment units (and the committee) may read it."""

import random
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from blacklist.listings import services
from blacklist.models import LISTING_MACHINE, ListingAcknowledgement, ListingEvent
from cases import services as case_services
from tests import factories

ADULT = "44010319850615123X"


def make_case(clerk, n):
    return case_services.create_case(
        actor=clerk, number=f"（2026）粤0103执{1000 + n}号", amount="50000", basis_issuer="广州市荔湾区人民法院",
        basis_number=f"（2025）粤0103民初{n}号", filed_on="2026-01-05", obligation="给付货款50000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": f"张{n}", "id_number": ADULT}],
    )


def proposals(clerk, count):
    return [services.propose_listing(actor=clerk, debtor=make_case(clerk, n).parties.get(role="debtor"), ground=3,
                                     facts="转移财产") for n in range(count)]


def poll_all(api, after_id=0, limit=2):
    seen = []
    while True:
        body = api.get(f"/api/v1/listings/feed/?after_id={after_id}&limit={limit}").json()
        seen += [event["id"] for event in body["results"]]
        if not body["results"]:
            return seen, body["next_after_id"]
        assert len(body["results"]) <= limit
        after_id = body["next_after_id"]


@pytest.fixture
def joint_unit(db):
    return factories.OrganisationFactory(measures=["restrict_qualification"])


@pytest.fixture
def joint_liaison(joint_unit):
    return factories.LiaisonFactory(organisation=joint_unit)


@pytest.mark.django_db
def test_pages_of_two_give_every_event_once(api_for, clerk, leader, joint_liaison):
    listings = proposals(clerk, 3)
    for listing in listings:
        services.approve_listing(actor=leader, listing=listing)
    services.shield_listing(actor=clerk, listing=listings[0], reason="异议")
    services.revoke_listing(actor=clerk, listing=listings[1], reason="错误纳入")
    services.correct_listing(actor=clerk, listing=listings[2], changes={"basis_number": "新文号"}, reason="笔误")
    pushed = list(ListingEvent.objects.filter(pushed=True).order_by("id").values_list("id", flat=True))
    assert len(pushed) == 6  # proposals are not pushed
    api = api_for(joint_liaison)
    seen, cursor = poll_all(api)
    assert seen == pushed and cursor == pushed[-1]

    first = api.get("/api/v1/listings/feed/?limit=2").json()
    event = first["results"][0]
    assert event["action"] == "publish" and event["move"] == "approve"
    assert first["next_after_id"] == first["results"][1]["id"]
    assert event["listing"]["id_number"] == ADULT and event["listing"]["identifier"] == ADULT
    assert {"name", "obligation", "unperformed_amount", "case_number", "court_name", "published_on", "ends_on",
            "ground", "ground_display"} <= set(event["listing"])
    assert {"id", "at", "action", "listing", "reason", "data"} <= set(event)  # v1's fields stay
    # Nothing new: the cursor stays where it was.
    empty = api.get(f"/api/v1/listings/feed/?after_id={pushed[-1]}").json()
    assert empty == {"count": 0, "next": None, "previous": None, "results": [], "next_after_id": pushed[-1]}


@pytest.mark.django_db
def test_since_maps_to_events_after_that_time(api_for, clerk, leader, joint_liaison):
    first, second = proposals(clerk, 2)
    services.approve_listing(actor=leader, listing=first)
    approved = ListingEvent.objects.get(pushed=True)
    services.approve_listing(actor=leader, listing=second)
    api = api_for(joint_liaison)
    body = api.get("/api/v1/listings/feed/", {"since": approved.at.isoformat()}).json()
    assert [e["listing"]["id"] for e in body["results"]] == [second.pk]
    late = api.get("/api/v1/listings/feed/", {"since": "2999-01-01T00:00:00+08:00"}).json()
    assert late["results"] == [] and late["next_after_id"] == body["next_after_id"]
    bad = api.get("/api/v1/listings/feed/", {"since": "昨天"})
    assert bad.status_code == 400 and "since" in bad.json()


@pytest.mark.django_db
def test_who_may_read_the_feed(api_for, liaison, committee_user, clerk, joint_liaison):
    # `liaison`'s unit does inquiries and freezes: not a joint-punishment unit.
    response = api_for(liaison).get("/api/v1/listings/feed/")
    assert response.status_code == 403 and "联合惩戒" in response.json()["detail"]
    assert api_for(clerk).get("/api/v1/listings/feed/").status_code == 403
    assert api_for(committee_user).get("/api/v1/listings/feed/").status_code == 200
    publicity = factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["publish"]))
    assert api_for(publicity).get("/api/v1/listings/feed/").status_code == 200
    assert api_for(joint_liaison).get("/api/v1/listings/feed/").status_code == 200


@pytest.mark.django_db
def test_acknowledge_is_idempotent(api_for, clerk, leader, liaison, committee_user, joint_liaison):
    listing = proposals(clerk, 1)[0]
    services.approve_listing(actor=leader, listing=listing)
    event = ListingEvent.objects.get(pushed=True)
    propose_event = ListingEvent.objects.get(pushed=False)
    api = api_for(joint_liaison)
    path = f"/api/v1/listings/feed/{event.pk}/acknowledge/"
    first = api.post(path)
    assert first.status_code == 201 and first.json()["created"] is True
    second = api.post(path)
    assert second.status_code == 200 and second.json()["created"] is False
    assert ListingAcknowledgement.objects.filter(event=event).count() == 1
    assert ListingAcknowledgement.objects.get().unit_id == joint_liaison.organisation_id
    # Another liaison of the same unit: still one row per unit.
    colleague = factories.LiaisonFactory(organisation=joint_liaison.organisation, liaison_role="B")
    assert api_for(colleague).post(path).status_code == 200
    assert ListingAcknowledgement.objects.count() == 1
    assert api.post(f"/api/v1/listings/feed/{propose_event.pk}/acknowledge/").status_code == 404
    assert api.post("/api/v1/listings/feed/999999/acknowledge/").status_code == 404
    assert api_for(liaison).post(path).status_code == 403
    assert api_for(committee_user).post(path).status_code == 403
    assert ListingAcknowledgement.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_poller_sees_every_event_once_across_concurrent_writes(reference_data, api_for, monkeypatch):
    """Writers publish, shield and delete in parallel real transactions while a poller reads pages of 2 in a loop
    with the cursor. Ids are allocated in one order and may commit in another, but the services write pushed events
    under the feed lock, so the poller never steps past an id that commits later. Each write lingers a little
    between inserting its event and committing, to widen the window in which an unordered commit would show.
    A load test, not a proof: it can pass by luck without the lock.
    `test_an_event_committed_after_a_later_one_is_not_lost` forces the harmful interleaving and fails without it."""
    original_record = LISTING_MACHINE.record

    def slow_event(*args, **kwargs):
        event = original_record(*args, **kwargs)
        time.sleep(random.uniform(0, 0.02))
        return event

    monkeypatch.setattr(LISTING_MACHINE, "record", slow_event)
    court = factories.CourtFactory()
    clerk = factories.ClerkFactory(organisation=court)
    leader = factories.LeaderFactory(organisation=court)
    unit = factories.OrganisationFactory(measures=["restrict_qualification"])
    reader = factories.LiaisonFactory(organisation=unit)
    listings = proposals(clerk, 8)
    api = api_for(reader)

    errors, seen, done = [], [], threading.Event()
    start = threading.Barrier(len(listings) + 1)

    def writer(listing):
        try:
            start.wait()
            services.approve_listing(actor=leader, listing=listing)
            time.sleep(0.005)
            services.shield_listing(actor=clerk, listing=listing, reason="异议审查")
            services.delete_listing(actor=clerk, listing=listing, ground="performed",
                                    arose_on=listing.proposed_at.date())
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    def poller():
        after_id = 0
        try:
            start.wait()
            while True:
                finished = done.is_set()  # read before the page: a page read after this is complete
                body = api.get(f"/api/v1/listings/feed/?after_id={after_id}&limit=2").json()
                seen.extend(event["id"] for event in body["results"])
                after_id = body["next_after_id"]
                if not body["results"]:
                    if finished:
                        return
                    time.sleep(0.001)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(listing,)) for listing in listings]
    reading = threading.Thread(target=poller)
    for thread in [reading, *threads]:
        thread.start()
    for thread in threads:
        thread.join(60)
    done.set()
    reading.join(60)
    assert not reading.is_alive() and not errors, errors

    pushed = list(ListingEvent.objects.filter(pushed=True).order_by("id").values_list("id", flat=True))
    assert len(pushed) == 3 * len(listings)
    assert seen == pushed  # every event exactly once, in increasing order
    assert len(set(seen)) == len(seen)


def _wait_until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("first_read", ["since", "after_id"])
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_is_not_lost(reference_data, api_for, first_read):
    """The interleaving the feed lock exists for, made deterministic:
    1. transaction A publishes listing 1 (its event gets the smaller id) and holds before committing;
    2. transaction B publishes listing 2 (the larger id) and tries to commit;
    3. a unit's system polls (by `since`, or by cursor) and keeps the cursor it is given;
    4. A commits, then B; the system polls on from its cursor.
    With the lock, B waits in step 2 until A commits, so step 3 sees neither event and the cursor stays behind
    both. Without it, step 3 sees B's event alone, the cursor moves past A's id, and A's event is never delivered."""
    court = factories.CourtFactory()
    clerk = factories.ClerkFactory(organisation=court)
    leader = factories.LeaderFactory(organisation=court)
    reader = factories.LiaisonFactory(organisation=factories.OrganisationFactory(measures=["restrict_qualification"]))
    first, second = proposals(clerk, 2)
    api = api_for(reader)
    start = api.get("/api/v1/listings/feed/").json()
    assert start["results"] == []
    before = timezone.now()

    a_inserted, a_may_commit = threading.Event(), threading.Event()
    b_pid, b_done, errors = [], threading.Event(), []

    def transaction_a():
        try:
            with transaction.atomic():
                services.approve_listing(actor=leader, listing=first)
                a_inserted.set()
                if not a_may_commit.wait(30):
                    raise TimeoutError("A was never let commit")
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            a_inserted.set()
            connection.close()

    def transaction_b():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                b_pid.append(cursor.fetchone()[0])
            services.approve_listing(actor=leader, listing=second)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            b_done.set()
            connection.close()

    def b_is_waiting_for_a_lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", b_pid)
            return cursor.fetchone()[0]

    thread_a = threading.Thread(target=transaction_a)
    thread_b = threading.Thread(target=transaction_b)
    try:
        thread_a.start()
        assert a_inserted.wait(30) and not errors, errors
        thread_b.start()
        # B either finished (nothing ordered it behind A) or is blocked on a lock A holds.
        assert _wait_until(lambda: b_done.is_set() or (b_pid and b_is_waiting_for_a_lock())), "B neither ran nor waited"
        if first_read == "since":
            page = api.get("/api/v1/listings/feed/", {"since": before.isoformat()}).json()
        else:
            page = api.get(f"/api/v1/listings/feed/?after_id={start['next_after_id']}").json()
        seen = [event["id"] for event in page["results"]]
        cursor = page["next_after_id"]
    finally:
        a_may_commit.set()
        thread_a.join(30)
        thread_b.join(30)
    assert not thread_a.is_alive() and not thread_b.is_alive() and not errors, errors

    while True:
        page = api.get(f"/api/v1/listings/feed/?after_id={cursor}").json()
        if not page["results"]:
            break
        seen += [event["id"] for event in page["results"]]
        cursor = page["next_after_id"]

    a_event = ListingEvent.objects.get(listing=first, pushed=True)
    b_event = ListingEvent.objects.get(listing=second, pushed=True)
    assert a_event.pk < b_event.pk  # A's id was allocated first: the order in which a commit could overtake it
    assert seen == [a_event.pk, b_event.pk]  # each exactly once, in id order
