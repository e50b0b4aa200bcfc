"""``load_demo``: every app's demo data in one command — notices in every state, listings (proposed and published)
with restriction orders, a held meeting with minutes and an upcoming one, the grid scene in a Liwan community (tasks
answered on time, open, overdue and escalated), last year's finalised assessment — with
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
from grid.models import GridTask, GridTaskPhoto
from linkage.notify import Notification
from linkage.statemachine import EventBase
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    run("load_jurisdiction", "liwan")
    run("create_demo_accounts")
    return run("load_demo")


def event_models():
    return [model for model in apps.get_models() if issubclass(model, EventBase)]


def counts():
    models = [Listing, RestrictionOrder, Meeting, Assessment, GridTask, GridTaskPhoto, Notification, *event_models()]
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
    assert "演示网格协助已存在，未作任何修改。" in output and "已创建" not in output and "已登记" not in output


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


def test_the_grid_scene(demo, client):
    """Four tasks to one Liwan community, sent by the clerk over past working days: the posting answered with its
    photo and the finding answered, both on time, the investigation open within its time, the service overdue and
    escalated to the subdistrict's liaisons; the debtor's community registered, so its posting lists the company."""
    from blacklist.restrictions.documents import community_listings
    from cases.models import Party

    assert "已创建逾期未回复并已督办的网格协助事项" in demo
    today = timezone.localdate()
    tasks = {task.kind: task for task in GridTask.objects.select_related("community__subdistrict", "sent_by",
                                                                         "answered_by")}
    assert set(tasks) == {"post", "locate", "investigate", "serve"}
    community = tasks["post"].community
    assert str(community) == "多宝街道多宝社区"
    assert {task.community_id for task in tasks.values()} == {community.pk}
    assert {task.sent_by.username for task in tasks.values()} == {"clerk"}
    post, locate = tasks["post"], tasks["locate"]
    for task in (post, locate):
        assert task.state == "answered" and task.answered_on_time and task.answered_by == community.grid_liaison
        assert task.sent_at < task.answered_at < timezone.now()
    assert locate.answer["found"] is True and locate.answer["place"]
    photo = post.photos.get()
    assert photo.purpose == "posted_sheet" and photo.content_type == "image/png"
    with photo.file.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"\x89PNG") and len(content) == photo.size
    investigate = tasks["investigate"]
    assert investigate.state == "sent" and investigate.due_on >= today and investigate.escalated_at is None
    serve = tasks["serve"]
    assert serve.state == "sent" and serve.is_overdue(today) and serve.escalated_at is not None
    assert timezone.localdate(serve.escalated_at) == serve.due_on + datetime.timedelta(days=1)
    assert GridTask.objects.overdue(today).get() == serve
    assert list(GridTask.objects.filter(escalated_at__isnull=False)) == [serve]
    # The subdistrict's A liaison hears of the escalation; the grid liaison of every task sent.
    assert Notification.objects.filter(recipient__username="liwan-sd-1-a", kind="grid_task_overdue").count() == 1
    assert Notification.objects.filter(recipient=community.grid_liaison, kind="grid_task_sent").count() == 4
    person = Party.objects.get(case__number__contains="执1001号", role="debtor")
    assert person.kind == "person" and person.community == community
    assert [row["name"] for row in community_listings(community)] == ["广州市西关食府餐饮管理有限公司"]
    # The pages show it: the grid liaison's list, the clerk's overview.
    client.force_login(community.grid_liaison)
    page = client.get("/grid/").content.decode()
    assert "调查情况" in page and "协助送达" in page
    client.force_login(serve.sent_by)
    page = client.get("/grid/overview/").content.decode()
    assert "多宝社区" in page


def test_the_grid_scene_refuses_production(db, settings):
    from grid.demo import load_demo_grid
    from linkage.errors import ApplicationError

    settings.PRODUCTION = True
    with pytest.raises(ApplicationError, match="生产环境"):
        load_demo_grid()
    assert not GridTask.objects.exists()
