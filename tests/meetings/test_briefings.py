"""The committee's briefings (通报): drafted from the record (scoreboard, overdue notices by unit, criticism),
edited while a draft, issued to exactly the addressees with one receipt and one message each, read once (the first
read kept), the unread reminded once a day, withdrawn with a reason; nobody else sees one; the PDF has the sections."""

import datetime
import io

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Assessment, Nomination, ScoreboardVersion
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Delivery, Notification
from meetings.briefing_models import Briefing, BriefingRecipient, BriefingState
from meetings.briefing_views import briefing_pdf_bytes
from meetings.services import briefings as services
from tests import factories
from tests.assistance.helpers import advance, draft_notice

pytestmark = pytest.mark.django_db
INQUIRY = [{"property_kind": "real_estate", "description": "查询被执行人名下不动产"}]


def _overdue(world, unit, days=30):
    notice = draft_notice(world.clerk, world.case, unit, measure="inquiry", items=INQUIRY)
    return advance(notice, "served", clerk=world.clerk, leader=world.leader,
                   served_at=timezone.now() - datetime.timedelta(days=days))


@pytest.fixture
def record(world):
    """Unit 0 has two overdue notices, unit 1 one (and one replied), unit 2 one still within its time; a finalised
    scoreboard; one criticism decided in the period and one before it; and people who must not get the briefing."""
    _overdue(world, world.units[0], 40)
    _overdue(world, world.units[0], 30)
    _overdue(world, world.units[1], 30)
    answered = draft_notice(world.clerk, world.case, world.units[1], measure="inquiry", items=INQUIRY)
    answered = advance(answered, "acknowledged", clerk=world.clerk, leader=world.leader, liaison=world.liaisons[1])
    from assistance import services as notice_services

    notice_services.reply_to_notice(actor=world.liaisons[1], notice=answered, outcome="not_found", text="未查到")
    advance(draft_notice(world.clerk, world.case, world.units[2], measure="inquiry", items=INQUIRY), "served",
            clerk=world.clerk, leader=world.leader)
    jurisdiction = world.court.jurisdiction
    assessment = Assessment.objects.create(jurisdiction=jurisdiction, year=2025, state="finalised")
    ScoreboardVersion.objects.create(assessment=assessment, number=1, finalised_by=world.committee,
                                     finalised_at=timezone.now(), data={"average_total": "88.50", "rows": [
                                         {"unit": {"name": world.units[0].name}, "rank": 3, "total": "70.00"},
                                         {"unit": {"name": world.units[1].name}, "rank": 1, "total": "99.00"},
                                         {"unit": {"name": world.units[2].name}, "rank": 2, "total": "96.50"}]})
    now = timezone.now()
    for unit, decided_at, evidence in ((world.units[0], now, "三份通知书逾期未回复"),
                                       (world.units[2], now - datetime.timedelta(days=400), "去年的批评")):
        Nomination.objects.create(assessment=assessment, kind="criticise_unit", unit=unit, evidence=evidence,
                                  state="approved", proposed_by=world.clerk, proposed_at=decided_at,
                                  decided_by=world.committee, decided_at=decided_at)
    inactive = factories.OrganisationFactory(jurisdiction=jurisdiction, active=False, name="已撤销单位")
    other_jurisdiction = factories.JurisdictionFactory(code="other", name="另一辖区")
    elsewhere = factories.OrganisationFactory(jurisdiction=other_jurisdiction)
    excluded = [
        factories.LiaisonFactory(organisation=inactive),
        factories.LiaisonFactory(organisation=elsewhere),
        factories.LiaisonFactory(organisation=world.units[0], liaison_role="L", is_active=False),
        factories.LiaisonFactory(organisation=world.units[1], liaison_role="A", is_system_account=True),
        factories.LeaderFactory(organisation=factories.CourtFactory(jurisdiction=other_jurisdiction)),
        factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=other_jurisdiction)),
    ]
    world["excluded"] = excluded
    world["expected"] = {*world.liaisons, *world.b_liaisons, world.leader}
    return world


def _draft(world, **kwargs):
    today = timezone.localdate()
    return services.draft_briefing(actor=world.committee, period_from=today.replace(day=1), period_to=today, **kwargs)


def test_draft_is_prefilled_from_the_record(record):
    briefing = _draft(record)
    overdue = [(row["unit"], row["count"]) for row in briefing.figures["overdue"]]
    assert overdue == [(record.units[0].name, 2), (record.units[1].name, 1)]
    assert f"2个单位共有3份协助执行通知书逾期未办理：{record.units[0].name}2份" in briefing.overdue_text
    assert f"{record.units[1].name}1份" in briefing.overdue_text
    assert record.units[2].name not in briefing.overdue_text
    assert briefing.figures["scoreboard"]["year"] == 2025
    assert briefing.scoreboard_text.startswith("2025年度执行联动工作考评已定稿（第1版），3个成员单位参评，平均得分88.50分")
    assert (f"排名前列的单位：{record.units[1].name}（99.00分）、{record.units[2].name}（96.50分）、"
            f"{record.units[0].name}（70.00分）") in briefing.scoreboard_text
    assert [row["unit"] for row in briefing.figures["criticism"]] == [record.units[0].name]
    assert "三份通知书逾期未回复" in briefing.criticism_text and "去年的批评" not in briefing.criticism_text
    assert briefing.state == BriefingState.DRAFT and briefing.issuer == record.committee.organisation
    assert briefing.document_number == ""
    assert briefing.title == f"关于{briefing.period_to.year}年{briefing.period_to.month}月执行联动工作情况的通报"
    assert briefing.criticism_text.startswith(f"经{record.committee.organisation.short_name}研究")
    assert list(briefing.events.values_list("action", flat=True)) == ["create"]


def test_draft_with_an_empty_record_says_so(world):
    briefing = _draft(world)
    assert "无逾期未办理" in briefing.overdue_text
    assert briefing.scoreboard_text == "本期尚无定稿的年度考评结果。"
    assert briefing.criticism_text == "本期无被通报批评的单位。"


def test_draft_rules(record):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.draft_briefing(actor=record.clerk, period_from=today, period_to=today)
    with pytest.raises(ApplicationError, match="截止日期不能早于"):
        services.draft_briefing(actor=record.committee, period_from=today, period_to=today - datetime.timedelta(1))
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        services.draft_briefing(actor=record.committee, period_from=today, period_to=today + datetime.timedelta(1))
    assert not Briefing.objects.exists()


def test_edit_then_issue_freezes(record):
    briefing = _draft(record)
    services.edit_briefing(actor=record.committee, briefing=briefing, title="改过的标题", overdue_text="改过的逾期情况")
    briefing.refresh_from_db()
    assert (briefing.title, briefing.overdue_text) == ("改过的标题", "改过的逾期情况")
    with pytest.raises(ApplicationError, match="导语"):
        services.edit_briefing(actor=record.committee, briefing=briefing, opening="  ")
    other_committee = record.excluded[-1]
    with pytest.raises(PermissionDenied, match="本辖区"):
        services.edit_briefing(actor=other_committee, briefing=briefing, title="x")
    services.issue_briefing(actor=record.committee, briefing=briefing)
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.ISSUED and briefing.issued_by == record.committee
    # the number comes from the committee's register (linkage.document_numbers), taken once at issue
    from linkage.document_numbers import issuer_prefix, number_for
    year = timezone.localtime(briefing.issued_at).year
    prefix = issuer_prefix(record.committee.organisation)
    assert briefing.document_number == f"{prefix}〔{year}〕1号" == number_for(f"meetings.briefing:{briefing.pk}")
    with pytest.raises(TransitionNotAllowed, match="不能再修改"):
        services.edit_briefing(actor=record.committee, briefing=briefing, title="印发后再改")
    with pytest.raises(TransitionNotAllowed):
        services.issue_briefing(actor=record.committee, briefing=briefing)
    assert Briefing.objects.get().title == "改过的标题"


def test_recipients_are_exactly_the_active_units_people_each_told_once(record, django_capture_on_commit_callbacks):
    briefing = _draft(record)
    type(record.liaisons[0]).objects.filter(pk=record.liaisons[0].pk).update(email="a@police.example.cn")
    with django_capture_on_commit_callbacks():
        briefing = services.issue_briefing(actor=record.committee, briefing=briefing)
    receipts = BriefingRecipient.objects.filter(briefing=briefing)
    assert {row.user for row in receipts} == record.expected
    assert all(row.unit_id == row.user.organisation_id and row.delivered_at == briefing.issued_at for row in receipts)
    assert all(row.read_at is None for row in receipts)
    told = Notification.objects.filter(kind="briefing_issued")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(user.pk for user in record.expected)
    assert all(n.link == reverse("meetings:briefing-detail", args=[briefing.pk]) for n in told)
    emails = Delivery.objects.filter(channel="email", notification__kind="briefing_issued")
    assert list(emails.values_list("address", flat=True)) == ["a@police.example.cn"]
    assert briefing.title in emails.get().subject
    assert not Notification.objects.filter(recipient__in=[*record.excluded, record.clerk, record.committee],
                                           kind="briefing_issued").exists()


def test_read_receipt_keeps_the_first_read(record, client_for):
    briefing = _draft(record)
    liaison = record.liaisons[0]
    client = client_for(liaison)
    assert client.get(reverse("meetings:briefing-detail", args=[briefing.pk])).status_code == 404  # a draft
    services.issue_briefing(actor=record.committee, briefing=briefing)
    response = client.get(reverse("meetings:briefing-detail", args=[briefing.pk]))
    assert response.status_code == 200 and "二、逾期未办理协助执行通知书情况" in response.content.decode()
    receipt = BriefingRecipient.objects.get(briefing=briefing, user=liaison)
    first = receipt.read_at
    assert first is not None
    assert Notification.objects.get(recipient=liaison, kind="briefing_issued").read_at is not None
    client.get(reverse("meetings:briefing-detail", args=[briefing.pk]))
    assert services.mark_read(user=liaison, briefing=briefing) is False
    receipt.refresh_from_db()
    assert receipt.read_at == first
    assert BriefingRecipient.objects.filter(briefing=briefing, read_at__isnull=False).count() == 1
    committee = client_for(record.committee)
    page = committee.get(reverse("meetings:briefing-receipts", args=[briefing.pk])).content.decode()
    assert f'<span id="unread-count" class="text-danger">{len(record.expected) - 1}</span>' in page
    assert page.count('class="table-danger text-danger"') == len(record.expected) - 1
    assert not BriefingRecipient.objects.filter(user=record.committee).exists()


def test_remind_the_unread_once_a_day(record):
    briefing = _draft(record)
    with pytest.raises(TransitionNotAllowed, match="已印发"):
        services.remind_unread(actor=record.committee, briefing=briefing)
    services.issue_briefing(actor=record.committee, briefing=briefing)
    services.mark_read(user=record.liaisons[0], briefing=briefing)
    with pytest.raises(PermissionDenied):
        services.remind_unread(actor=record.liaisons[0], briefing=briefing)
    assert services.remind_unread(actor=record.committee, briefing=briefing) == len(record.expected) - 1
    reminded = Notification.objects.filter(kind="briefing_unread")
    assert reminded.count() == len(record.expected) - 1
    assert not reminded.filter(recipient=record.liaisons[0]).exists()
    with pytest.raises(ApplicationError, match="今天已提醒"):
        services.remind_unread(actor=record.committee, briefing=briefing)
    assert reminded.count() == len(record.expected) - 1
    Briefing.objects.filter(pk=briefing.pk).update(last_reminded_on=timezone.localdate() - datetime.timedelta(1))
    for row in BriefingRecipient.objects.filter(briefing=briefing).exclude(user=record.liaisons[0]):
        services.mark_read(user=row.user, briefing=briefing)
    with pytest.raises(ApplicationError, match="均已阅读"):
        services.remind_unread(actor=record.committee, briefing=briefing)


def test_remind_button_next_day(record, client_for):
    briefing = _draft(record)
    services.issue_briefing(actor=record.committee, briefing=briefing)
    client = client_for(record.committee)
    url = reverse("meetings:briefing-remind", args=[briefing.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Notification.objects.filter(kind="briefing_unread").count() == len(record.expected)
    Briefing.objects.filter(pk=briefing.pk).update(last_reminded_on=timezone.localdate() - datetime.timedelta(1))
    client.post(url)
    assert Notification.objects.filter(kind="briefing_unread").count() == 2 * len(record.expected)


def test_withdraw_keeps_the_briefing(record):
    briefing = _draft(record)
    services.issue_briefing(actor=record.committee, briefing=briefing)
    with pytest.raises(ApplicationError, match="撤回理由"):
        services.withdraw_briefing(actor=record.committee, briefing=briefing, reason=" ")
    services.withdraw_briefing(actor=record.committee, briefing=briefing, reason="数据有误")
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.WITHDRAWN and briefing.withdrawal_reason == "数据有误"
    assert services.mark_read(user=record.liaisons[0], briefing=briefing) is False
    with pytest.raises(TransitionNotAllowed):
        services.withdraw_briefing(actor=record.committee, briefing=briefing, reason="再撤一次")
    # its number stays taken: the next briefing gets the next one
    from linkage.document_numbers import DocumentNumber
    assert DocumentNumber.objects.get(subject=f"meetings.briefing:{briefing.pk}").withdrawn_at is not None
    second = _draft(record)
    services.issue_briefing(actor=record.committee, briefing=second)
    second.refresh_from_db()
    assert second.document_number.endswith("〕2号") and briefing.document_number.endswith("〕1号")


def test_visibility(record, client_for):
    briefing = _draft(record)
    services.issue_briefing(actor=record.committee, briefing=briefing)
    detail = reverse("meetings:briefing-detail", args=[briefing.pk])
    pdf = reverse("meetings:briefing-pdf", args=[briefing.pk])
    receipts = reverse("meetings:briefing-receipts", args=[briefing.pk])
    for outsider in [record.clerk, *record.excluded[:2], record.excluded[-2], record.excluded[-1]]:
        client = client_for(outsider)
        for url in (detail, pdf, receipts):
            assert client.get(url).status_code == 404, (outsider, url)
        assert briefing.title not in client.get(reverse("meetings:briefing-list")).content.decode()
    recipient = client_for(record.b_liaisons[2])
    assert recipient.get(receipts).status_code == 404
    assert recipient.post(detail, {"title": "x"}).status_code == 404
    assert recipient.post(reverse("meetings:briefing-withdraw", args=[briefing.pk]), {"reason": "x"}).status_code == 404
    assert briefing.title in recipient.get(reverse("meetings:briefing-list")).content.decode()
    assert client_for(record.committee).get(receipts).status_code == 200


def test_committee_pages_draft_edit_issue(record, client_for):
    client = client_for(record.committee)
    today = timezone.localdate()
    response = client.post(reverse("meetings:briefing-list"), {"period_from": today.replace(day=1).isoformat(),
                                                               "period_to": today.isoformat(), "title": ""})
    briefing = Briefing.objects.get()
    assert response.status_code == 302 and response.url == reverse("meetings:briefing-detail", args=[briefing.pk])
    data = {"title": "页面改的标题", "opening": "导语", "scoreboard_text": "", "overdue_text": "逾期",
            "criticism_text": "", "requirements": "要求"}
    assert client.post(reverse("meetings:briefing-detail", args=[briefing.pk]), data).status_code == 302
    briefing.refresh_from_db()
    assert [heading for heading, _ in briefing.sections] == ["二、逾期未办理协助执行通知书情况", "四、工作要求"]
    assert client.post(reverse("meetings:briefing-issue", args=[briefing.pk])).status_code == 302
    assert BriefingRecipient.objects.filter(briefing=briefing).count() == len(record.expected)
    response = client.post(reverse("meetings:briefing-withdraw", args=[briefing.pk]), {"reason": ""})
    assert response.status_code == 400
    assert Briefing.objects.get().state == BriefingState.ISSUED


def test_pdf_renders_the_sections(record):
    briefing = _draft(record)
    with pdfplumber.open(io.BytesIO(briefing_pdf_bytes(briefing))) as pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace(" ", "").replace("\n", "")
    for heading in ("一、考评情况", "二、逾期未办理协助执行通知书情况", "三、通报批评", "四、工作要求", "草稿"):
        assert heading in text
    assert record.units[0].name in text and "三份通知书逾期未回复" in text
    assert record.committee.organisation.name in text


def test_api_lists_the_addressees_briefings_with_their_receipt(record, client_for):
    draft = _draft(record, title="草稿")
    issued = services.issue_briefing(actor=record.committee, briefing=_draft(record, title="已印发"))
    services.mark_read(user=record.liaisons[0], briefing=issued)

    def listed(user):
        body = client_for(user).get("/api/v1/briefings/").json()
        return {row["id"]: row for row in (body["results"] if isinstance(body, dict) else body)}

    mine = listed(record.liaisons[0])
    assert list(mine) == [issued.pk] and mine[issued.pk]["read_at"] is not None
    assert [section["heading"] for section in mine[issued.pk]["sections"]][0] == "一、考评情况"
    other = listed(record.b_liaisons[0])
    assert list(other) == [issued.pk] and other[issued.pk]["read_at"] is None
    assert set(listed(record.committee)) == {draft.pk, issued.pk}
    assert listed(record.clerk) == {} and listed(record.excluded[0]) == {}
    assert BriefingRecipient.objects.get(briefing=issued, user=record.b_liaisons[0]).read_at is None
