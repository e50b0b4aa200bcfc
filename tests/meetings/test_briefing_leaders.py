"""The district's party and government leaders (荔政法〔2017〕72号 四（二）2: 定期向区党政主要领导……通报) hold no account:
an issued briefing reaches each by SMS and email with a personal read link, whose first opening is the read receipt
the committee sees; a reminder carries the same link; an altered or another briefing's link opens nothing."""

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from linkage.models import Delivery
from meetings.briefing_models import BriefingRecipient
from meetings.services import briefings as services
from members.models import Leader
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(world, settings):
    settings.LINKAGE_PUBLIC_BASE_URL = "https://zxld.example.gov.cn/"
    jurisdiction = world.court.jurisdiction
    secretary = Leader.objects.create(jurisdiction=jurisdiction, post="区委书记", name="郑国华", mobile="13800000001",
                                      email="zheng@example.gov.cn", sort_order=1)
    mayor = Leader.objects.create(jurisdiction=jurisdiction, post="区长", name="王建明", mobile="13800000002",
                                  sort_order=2)
    Leader.objects.create(jurisdiction=jurisdiction, post="原区长", name="赵离任", mobile="13800000009", active=False)
    other = factories.JurisdictionFactory(code="other", name="另一辖区")
    Leader.objects.create(jurisdiction=other, post="区委书记", name="钱别区", mobile="13800000008")
    return secretary, mayor


def _issued(world):
    today = timezone.localdate()
    briefing = services.draft_briefing(actor=world.committee, period_from=today.replace(day=1), period_to=today)
    return services.issue_briefing(actor=world.committee, briefing=briefing)


def _link_in(sms_body):
    return sms_body.split("阅读：", 1)[1]


def test_issue_reaches_the_current_leaders_of_the_jurisdiction_by_sms_and_email(world, leaders,
                                                                                django_capture_on_commit_callbacks):
    secretary, mayor = leaders
    with django_capture_on_commit_callbacks():
        briefing = _issued(world)
    receipts = BriefingRecipient.objects.filter(briefing=briefing, leader__isnull=False)
    assert {row.leader for row in receipts} == {secretary, mayor}
    assert all(row.user_id is None and row.unit_id is None and row.read_at is None for row in receipts)
    sms = {row.address: row.body for row in Delivery.objects.filter(channel="sms", address__startswith="138")}
    assert set(sms) == {"13800000001", "13800000002"}
    for body in sms.values():
        assert briefing.title in body
        assert _link_in(body).startswith("https://zxld.example.gov.cn/briefings/read/")
    assert _link_in(sms["13800000001"]) != _link_in(sms["13800000002"])
    email = Delivery.objects.get(channel="email", address="zheng@example.gov.cn")
    assert _link_in(sms["13800000001"]) in email.body
    assert briefing.events.get(action="issue").data["leaders"] == 2


def test_the_link_opens_the_briefing_and_the_first_opening_is_the_receipt(world, leaders, client, client_for,
                                                                          django_capture_on_commit_callbacks):
    secretary, _ = leaders
    with django_capture_on_commit_callbacks():
        briefing = _issued(world)
    path = _link_in(Delivery.objects.get(channel="sms", address=secretary.mobile).body).removeprefix(
        "https://zxld.example.gov.cn")
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert briefing.title in page and "区委书记 郑国华" in page
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    receipt = BriefingRecipient.objects.get(briefing=briefing, leader=secretary)
    first = receipt.read_at
    assert first is not None
    client.get(path)
    receipt.refresh_from_db()
    assert receipt.read_at == first
    pdf = client.get(path + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    receipts_page = client_for(world.committee).get(reverse("meetings:briefing-receipts", args=[briefing.pk]))
    text = receipts_page.content.decode()
    assert "郑国华" in text and "区委书记（党政领导" in text and "王建明" in text


def test_altered_and_foreign_links_open_nothing(world, leaders, client):
    briefing = _issued(world)
    receipt = BriefingRecipient.objects.filter(briefing=briefing, leader__isnull=False).first()
    good = services.read_link(receipt)
    key = good.rstrip("/").rsplit("/", 1)[1]
    assert client.get(good).status_code == 200
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert client.get(reverse("meetings:briefing-read", args=[tampered])).status_code == 404
    # The number of a unit's account receipt, signed with another salt, opens nothing either.
    account_receipt = BriefingRecipient.objects.filter(briefing=briefing, user__isnull=False).first()
    for forged in (signing.dumps(account_receipt.pk, salt="meetings.briefing-read"),
                   signing.dumps(receipt.pk, salt="something-else"), "x" * 300):
        assert client.get(reverse("meetings:briefing-read", args=[forged])).status_code == 404


def test_reminder_carries_the_same_link_and_skips_those_who_read(world, leaders,
                                                                 django_capture_on_commit_callbacks, client):
    secretary, mayor = leaders
    with django_capture_on_commit_callbacks():
        briefing = _issued(world)
    first_links = {row.address: _link_in(row.body) for row in Delivery.objects.filter(channel="sms",
                                                                                      address__startswith="138")}
    client.get(first_links[secretary.mobile].removeprefix("https://zxld.example.gov.cn"))
    with django_capture_on_commit_callbacks():
        services.remind_unread(actor=world.committee, briefing=briefing)
    reminders = Delivery.objects.filter(channel="sms", address__startswith="138", subject__startswith="【未读提醒】")
    assert [row.address for row in reminders] == [mayor.mobile]
    assert _link_in(reminders.get().body) == first_links[mayor.mobile]


def test_withdrawn_briefing_still_opens_marked_withdrawn_and_is_not_read_then(world, leaders, client):
    briefing = _issued(world)
    receipt = BriefingRecipient.objects.filter(briefing=briefing, leader__isnull=False).first()
    services.withdraw_briefing(actor=world.committee, briefing=briefing, reason="数据有误，重新印发")
    page = client.get(services.read_link(receipt))
    assert page.status_code == 200 and "数据有误，重新印发" in page.content.decode()
    receipt.refresh_from_db()
    assert receipt.read_at is None


def test_a_leader_must_be_reachable_and_the_mobile_well_formed(world):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    leader = Leader(jurisdiction=world.court.jurisdiction, post="区长", name="王建明", mobile="12345")
    with pytest.raises(ValidationError, match="手机号码"):
        leader.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Leader.objects.create(jurisdiction=world.court.jurisdiction, post="区长", name="王建明")


def test_the_pdf_copies_the_leaders_by_post(world, leaders):
    import io

    import pdfplumber

    from meetings.briefing_views import briefing_pdf_bytes

    briefing = _issued(world)
    with pdfplumber.open(io.BytesIO(briefing_pdf_bytes(briefing))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages).replace(" ", "")
    assert "抄送：区委书记，区长" in text
    assert "原区长" not in text


def test_a_units_system_marks_its_briefing_read_by_api(world, api_for):
    briefing = _issued(world)
    liaison = world.liaisons[0]
    url = reverse("api-briefing-read", args=[briefing.pk])
    first = api_for(liaison).post(url)
    assert first.status_code == 200 and first.json()["read_at"]
    again = api_for(liaison).post(url)
    assert again.json()["read_at"] == first.json()["read_at"]  # the first read is kept
    assert api_for(world.committee).post(url).status_code == 404  # not an addressee
    draft = services.draft_briefing(actor=world.committee, period_from=timezone.localdate().replace(day=1),
                                    period_to=timezone.localdate())
    assert api_for(liaison).post(reverse("api-briefing-read", args=[draft.pk])).status_code == 404
