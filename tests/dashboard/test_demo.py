"""``load_demo``: every app's demo data in one command — notices in every state, listings (proposed and published)
with restriction orders, a held meeting with minutes and an upcoming one, last year's finalised assessment — with
each record's history in time order over past weeks (never in the future, never all "now"); a second run adds
nothing."""

import datetime
import io
from itertools import groupby

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from assessment.models import Assessment
from blacklist.models import Listing, RestrictionOrder
from linkage.statemachine import EventBase
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo(db):
    run("load_jurisdiction", "liwan")
    run("create_demo_accounts")
    return run("load_demo")


def event_models():
    return [model for model in apps.get_models() if issubclass(model, EventBase)]


def counts():
    models = [Listing, RestrictionOrder, Meeting, Assessment, *event_models()]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_has_every_kind_of_record(demo):
    assert set(Listing.objects.values_list("state", flat=True)) == {"proposed", "published"}
    published = Listing.objects.get(state="published")
    assert published.restriction_order.state == "active"
    assert RestrictionOrder.objects.filter(listing__isnull=True).exists()
    # The credit errors on the priority queue: received on the day their history says, pending, not yet due.
    objection, repair = published.correction_requests.get(), published.credit_repairs.get()
    assert objection.kind == "credit_objection" and repair.state == "pending" and repair.due_at > timezone.now()
    assert objection.received_on == timezone.localdate() - datetime.timedelta(days=6)
    assert repair.received_on == timezone.localdate(repair.events.get().at) == (
        timezone.localdate() - datetime.timedelta(days=3))
    held = Meeting.objects.get(state="published")
    assert held.document_number and held.decisions.count() == 2 and held.held_at < held.published_at
    upcoming = Meeting.objects.get(state="scheduled")
    assert upcoming.starts_at > timezone.now()
    year = timezone.localdate().year - 1
    assessment = Assessment.objects.get(year=year)
    assert assessment.state == "finalised" and assessment.versions.count() == 1
    board = assessment.versions.get().data
    assert board["final"] is True


def test_histories_are_in_time_order_and_in_the_past(demo):
    now = timezone.now()
    days = set()
    for model in event_models():
        # the record the history belongs to: the first foreign key after the actor (notice, listing, meeting, ...)
        owner = [field.name for field in model._meta.fields if field.many_to_one and field.name != "actor"][0]
        rows = model.objects.order_by(owner, "id").values_list(owner, "at", "action")
        for key, events in groupby(rows, key=lambda row: row[0]):
            moments = [at for _, at, _ in events]
            assert moments == sorted(moments), (model.__name__, key)
            assert all(at <= now for at in moments), (model.__name__, key)
            days.update(timezone.localdate(at) for at in moments)
    # spread over weeks of this year and over last year, not stamped all at once
    assert len(days) > 20
    assert min(days).year == timezone.localdate().year - 1


def test_a_second_run_adds_nothing(demo):
    before = counts()
    output = run("load_demo")
    assert counts() == before
    assert "演示失信名单已存在" in output and "演示会议已存在" in output and "演示年度考评已存在" in output


def test_the_published_debtor_is_on_its_subdistricts_community_posting(demo, tmp_path):
    """The demo debtor on the list is registered in a subdistrict, so that subdistrict's posting is not empty."""
    import subprocess

    from blacklist.restrictions.documents import community_posting_pdf

    debtor = Listing.objects.get(state="published").debtor
    assert debtor.subdistrict is not None
    path = tmp_path / "posting.pdf"
    path.write_bytes(community_posting_pdf(debtor.subdistrict))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "")
    assert "共1名" in flat and "粤0103" in flat and "执1002号" in flat  # the name wraps inside its table cell
