"""Sign-off both ways and a concluded case (issue 19, items 3 and 4): the leader returns a draft with a reason and the
clerk amends it; lifting goes through the leader's sign-off and the unit acknowledges it online; a concluded case
withdraws what was never served and puts what is in force into lifting; every hand-over notifies who acts next,
once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from assistance import reminders, services
from assistance.machines import NOTICE_MACHINE
from assistance.models import Notice, NoticeEvent, NoticeState
from cases import services as case_services
from cases.models import CaseStatus
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Delivery, Notification, Reminder
from tests import factories
from tests.assistance.helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ITEMS = [{"property_kind": "bank_account", "identifier": "6222000011112222", "description": "查询存款"}]
RULING = "（2026）粤0103执1234号之一"


@pytest.fixture
def unit(court):
    unit = factories.OrganisationFactory(measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction)
    return unit


@pytest.fixture
def liaison(unit):
    return factories.LiaisonFactory(organisation=unit, liaison_role="A")


@pytest.fixture
def contacts(unit, liaison):
    """The unit's roster: A is the liaison's account, B has no account (mail only), L the responsible leader."""
    return {
        "A": factories.ContactFactory(organisation=unit, role="A", name="甲联络", user=liaison, email="a@unit.cn"),
        "B": factories.ContactFactory(organisation=unit, role="B", name="乙联络", email="b@unit.cn"),
        "L": factories.ContactFactory(organisation=unit, role="L", name="丙领导", email="l@unit.cn"),
    }


@pytest.fixture
def case(clerk):
    return file_case(clerk)


def new_draft(clerk, case, unit):
    return draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS)


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def state_of(notice):
    return Notice.objects.get(pk=notice.pk).state


# ------------------------------------------------------------------------------------------- the table


def test_each_role_gets_exactly_its_moves_in_every_state(clerk, leader, liaison, case, unit):
    """The whole table, state by state: the court's clerk, its leader, the unit's liaison, and people of elsewhere."""
    notice = new_draft(clerk, case, unit)
    other_clerk, other_leader = factories.ClerkFactory(), factories.LeaderFactory()
    other_liaison = factories.LiaisonFactory()
    expected = {
        "draft": {"clerk": ["withdraw", "amend"], "leader": ["sign", "return"], "liaison": []},
        "returned": {"clerk": ["resubmit", "withdraw"], "leader": [], "liaison": []},
        "signed": {"clerk": ["serve", "withdraw"], "leader": [], "liaison": []},
        "served": {"clerk": ["lift", "withdraw"], "leader": [],
                   "liaison": ["acknowledge", "extension_requested", "review_raised"]},
        "acknowledged": {"clerk": ["lift", "withdraw"], "leader": [],
                         "liaison": ["reply", "extension_requested", "review_raised"]},
        "replied": {"clerk": ["close", "lift"], "leader": [], "liaison": []},
        "closed": {"clerk": ["lift"], "leader": [], "liaison": []},
        "lifting": {"clerk": [], "leader": ["sign_lifting", "return_lifting"], "liaison": []},
        "lifted": {"clerk": [], "leader": [], "liaison": ["acknowledge_lifting"]},
        "lift_acknowledged": {"clerk": [], "leader": [], "liaison": []},
        "withdrawn": {"clerk": [], "leader": [], "liaison": []},
    }
    assert set(expected) == set(NoticeState.values)
    people = {"clerk": clerk, "leader": leader, "liaison": liaison}
    for state, by_role in expected.items():
        notice.state = state
        for role, moves in by_role.items():
            assert NOTICE_MACHINE.actions_for(people[role], notice) == moves, (state, role)
        for stranger in (other_clerk, other_leader, other_liaison):
            assert NOTICE_MACHINE.actions_for(stranger, notice) == [], (state, stranger.role)


def test_a_concluded_case_offers_no_signing_serving_or_redrafting(clerk, leader, case, unit):
    notice = new_draft(clerk, case, unit)
    case.status = CaseStatus.TERMINATED_ROUND
    notice.case = case
    for state, person, move in (("draft", leader, "sign"), ("signed", clerk, "serve"), ("draft", clerk, "amend"),
                                ("returned", clerk, "resubmit")):
        notice.state = state
        assert move not in NOTICE_MACHINE.actions_for(person, notice)
        with pytest.raises(TransitionNotAllowed, match="案件已终结本次执行程序，不能再"):
            NOTICE_MACHINE.check(notice, move, person)
    notice.state = "draft"
    assert NOTICE_MACHINE.actions_for(clerk, notice) == ["withdraw"]  # it can still be withdrawn


# ---------------------------------------------------------------------------------------- return a draft


def test_the_leader_returns_a_draft_and_the_clerk_amends_it(clerk, leader, case, unit):
    notice = new_draft(clerk, case, unit)
    assert kinds(leader) == ["notice_waiting_sign"]
    with pytest.raises(ApplicationError, match="请填写退回理由"):
        services.return_draft(actor=leader, notice=notice, reason="  ")
    assert state_of(notice) == NoticeState.DRAFT

    services.return_draft(actor=leader, notice=notice, reason="裁定书文号有误")

    notice.refresh_from_db()
    assert notice.state == NoticeState.RETURNED
    event = notice.events.get(action="return")
    assert (event.actor, event.reason, event.from_state, event.to_state) == (leader, "裁定书文号有误", "draft",
                                                                             "returned")
    message = Notification.objects.get(recipient=clerk, kind="notice_returned")
    assert "裁定书文号有误" in message.body and case.number in message.body and f"第{notice.pk}号" in message.body
    assert message.link == f"/notices/{notice.pk}/"
    with pytest.raises(TransitionNotAllowed):
        services.sign_notice(actor=leader, notice=notice)  # a returned draft is not signed

    services.amend_draft(actor=clerk, notice=notice, ruling_number=RULING)

    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT and notice.ruling_number == RULING
    assert notice.events.filter(action="resubmit", from_state="returned", to_state="draft").count() == 1
    assert kinds(leader) == ["notice_waiting_sign", "notice_waiting_sign"]
    services.sign_notice(actor=leader, notice=notice)
    assert state_of(notice) == NoticeState.SIGNED


@pytest.mark.parametrize("who", ["clerk", "other_leader", "liaison"])
def test_only_the_courts_leader_returns_a_draft(who, clerk, leader, liaison, case, unit):
    notice = new_draft(clerk, case, unit)
    actor = {"clerk": clerk, "other_leader": factories.LeaderFactory(), "liaison": liaison}[who]
    with pytest.raises(PermissionDenied, match="只有本院执行局领导"):
        services.return_draft(actor=actor, notice=notice, reason="不对")
    assert state_of(notice) == NoticeState.DRAFT and not notice.events.filter(action="return").exists()
    assert not Notification.objects.filter(kind="notice_returned").exists()


def test_a_signed_notice_is_not_returned_and_a_returned_draft_is_not_returned_again(clerk, leader, case, unit):
    notice = new_draft(clerk, case, unit)
    services.return_draft(actor=leader, notice=notice, reason="请补充")
    with pytest.raises(TransitionNotAllowed, match="退回修改"):
        services.return_draft(actor=leader, notice=notice, reason="再退")  # a retried request: refused, told once
    assert Notification.objects.filter(kind="notice_returned").count() == 1
    signed = advance(new_draft(clerk, case, unit), NoticeState.SIGNED, clerk=clerk, leader=leader)
    with pytest.raises(TransitionNotAllowed):
        services.return_draft(actor=leader, notice=signed, reason="不对")


# ----------------------------------------------------------------------------------------------- lifting


def test_lifting_goes_through_the_leaders_sign_off_and_the_units_acknowledgement(
        clerk, leader, liaison, contacts, case, unit):
    notice = advance(new_draft(clerk, case, unit), NoticeState.ACKNOWLEDGED, clerk=clerk, leader=leader,
                     liaison=liaison)
    Delivery.objects.all().delete()  # the messages of drafting and service are tested elsewhere
    Notification.objects.all().delete()

    services.lift_notice(actor=clerk, notice=notice, ground="security", reason="被执行人提供担保",
                         ruling_number="(2026)粤0103执1234号之一")

    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTING and notice.lifted_from == NoticeState.ACKNOWLEDGED
    assert notice.lifting_ruling_number == RULING and notice.lifting_by == clerk and notice.lifted_at is None
    assert kinds(leader) == ["lifting_waiting_sign"] and kinds(liaison) == []
    assert RULING in Notification.objects.get(kind="lifting_waiting_sign").body

    services.sign_lifting(actor=leader, notice=notice)

    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTED and notice.lift_signed_by == leader and notice.lifted_at
    assert notice.lift_due_at > notice.lifted_at
    served = Notification.objects.get(kind="lifting_served")
    assert served.recipient == liaison and RULING in served.body and case.number in served.body
    with pytest.raises(PermissionDenied):
        services.acknowledge_lifting(actor=clerk, notice=notice)

    services.acknowledge_lifting(actor=liaison, notice=notice)

    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFT_ACKNOWLEDGED and notice.lift_acknowledged_by == liaison
    assert list(notice.events.values_list("action", flat=True))[-3:] == ["lift", "sign_lifting",
                                                                         "acknowledge_lifting"]
    with pytest.raises(TransitionNotAllowed):
        services.acknowledge_lifting(actor=liaison, notice=notice)


def test_a_returned_lifting_puts_the_notice_back_where_it_was(clerk, leader, case, unit):
    notice = advance(new_draft(clerk, case, unit), NoticeState.CLOSED, clerk=clerk, leader=leader,
                     liaison=factories.LiaisonFactory(organisation=unit), outcome="not_found")
    services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number=RULING)
    with pytest.raises(ApplicationError, match="退回理由"):
        services.return_lifting(actor=leader, notice=notice, reason="")
    with pytest.raises(PermissionDenied):
        services.return_lifting(actor=clerk, notice=notice, reason="我自己退")
    assert state_of(notice) == NoticeState.LIFTING
    assert Notice.objects.get(pk=notice.pk).lifting_at is not None  # the unit's clock stopped with the draft

    services.return_lifting(actor=leader, notice=notice, reason="尚未全部履行")

    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED and notice.lifting_ruling_number == "" and notice.lifted_from == ""
    assert notice.lifting_at is None  # and runs again
    event = notice.events.get(action="return_lifting")
    assert (event.from_state, event.to_state, event.reason) == ("lifting", "closed", "尚未全部履行")
    returned = Notification.objects.get(kind="notice_returned")
    assert returned.recipient == clerk and "尚未全部履行" in returned.body


@pytest.mark.parametrize(("ruling", "message"), [("", "请填写解除裁定书文号"), ("粤0103执1号", "解除裁定书文号：")])
def test_a_lifting_needs_a_well_formed_ruling_number(ruling, message, clerk, leader, case, unit):
    notice = advance(new_draft(clerk, case, unit), NoticeState.SERVED, clerk=clerk, leader=leader)
    with pytest.raises(ApplicationError, match=message):
        services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number=ruling)
    assert state_of(notice) == NoticeState.SERVED and not Notification.objects.filter(
        kind="lifting_waiting_sign").exists()


def test_an_unacknowledged_lifting_is_reminded_once_per_stage(clerk, leader, liaison, contacts, case, unit):
    notice = advance(new_draft(clerk, case, unit), NoticeState.SERVED, clerk=clerk, leader=leader)
    services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number=RULING)
    services.sign_lifting(actor=leader, notice=notice)
    due = datetime.datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)  # a Tuesday
    Notice.objects.filter(pk=notice.pk).update(lift_due_at=due)
    content_type = ContentType.objects.get_for_model(Notice)

    def names(kind):
        return sorted(Reminder.objects.filter(content_type=content_type, object_id=notice.pk, kind=kind)
                      .values_list("recipient_name", flat=True))

    assert reminders.scan_lifting_reminders(datetime.datetime(2026, 10, 12, 10, tzinfo=SH))["reminders"] == 0
    for _ in range(2):  # a redelivered scan sends nothing twice
        reminders.scan_lifting_reminders(datetime.datetime(2026, 10, 13, 10, tzinfo=SH))
    assert names("lifting_due_day") == ["乙联络", "甲联络"]
    for _ in range(2):
        reminders.scan_lifting_reminders(datetime.datetime(2026, 10, 14, 10, tzinfo=SH))
    assert names("lifting_overdue") == ["丙领导", "乙联络", "甲联络"]
    message = Notification.objects.filter(recipient=liaison, kind="reminder_overdue").get()
    assert "确认解除" in message.title and RULING in message.body
    services.acknowledge_lifting(actor=liaison, notice=notice)
    assert reminders.scan_lifting_reminders(datetime.datetime(2026, 10, 15, 10, tzinfo=SH))["notices"] == 0


# ------------------------------------------------------------------------------------------ a concluded case


def test_a_concluded_case_stops_everything_it_started(clerk, leader, liaison, contacts, case, unit, court):
    other_unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    other_liaison = factories.LiaisonFactory(organisation=other_unit)
    a_draft = new_draft(clerk, case, unit)
    returned = services.return_draft(actor=leader, notice=new_draft(clerk, case, unit), reason="请改")
    signed = advance(new_draft(clerk, case, unit), NoticeState.SIGNED, clerk=clerk, leader=leader)
    served = advance(new_draft(clerk, case, other_unit), NoticeState.SERVED, clerk=clerk, leader=leader)
    acknowledged = advance(new_draft(clerk, case, unit), NoticeState.ACKNOWLEDGED, clerk=clerk, leader=leader,
                           liaison=liaison)
    replied = advance(new_draft(clerk, case, unit), NoticeState.REPLIED, clerk=clerk, leader=leader,
                      liaison=liaison, outcome="not_found")
    Delivery.objects.all().delete()
    Notification.objects.all().delete()

    with pytest.raises(ApplicationError, match="请写明执行完毕的依据"):
        case_services.set_case_status(actor=clerk, case=case, status=CaseStatus.CONCLUDED)
    with pytest.raises(ApplicationError, match="请填写解除裁定书文号"):
        case_services.set_case_status(actor=clerk, case=case, status=CaseStatus.CONCLUDED, reason="已全部履行")
    with pytest.raises(ApplicationError, match="解除裁定书文号："):
        case_services.set_case_status(actor=clerk, case=case, status=CaseStatus.CONCLUDED, reason="已全部履行",
                                      lifting_ruling_number="第一号")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and state_of(a_draft) == NoticeState.DRAFT
    assert not Notification.objects.exists()

    case_services.set_case_status(actor=clerk, case=case, status=CaseStatus.CONCLUDED, reason="已全部履行",
                                  lifting_ruling_number="(2026)粤0103执1234号之一")

    case.refresh_from_db()
    assert case.lifting_ruling_number == RULING
    states = {n: state_of(n) for n in (a_draft, returned, signed, served, acknowledged, replied)}
    assert states == {a_draft: "withdrawn", returned: "withdrawn", signed: "withdrawn", served: "lifting",
                      acknowledged: "lifting", replied: "lifting"}
    withdrawal = NoticeEvent.objects.get(notice=signed, action="withdraw")
    assert withdrawal.reason == "案件执行完毕：已全部履行" and withdrawal.actor == clerk
    for notice in (served, acknowledged, replied):
        notice.refresh_from_db()
        assert notice.lift_ground == "concluded" and notice.lifting_ruling_number == RULING
    # The leader's queue no longer holds the withdrawn drafts; it holds the liftings.
    assert not Notice.objects.visible_to(leader).filter(state="draft").exists()
    # Notified: the leaders once for the case's liftings, each unit still assisting once, nobody for the withdrawn.
    assert kinds(leader) == ["lifting_waiting_sign"]
    assert kinds(liaison) == ["case_concluded"] and kinds(other_liaison) == ["case_concluded"]
    assert "解除协助执行通知书签发后" in Notification.objects.get(recipient=liaison).body
    # Serving, signing or drafting on the concluded case is refused in Chinese.
    with pytest.raises(ApplicationError, match="不能再发出协助执行通知书"):
        new_draft(clerk, case, unit)
    with pytest.raises(TransitionNotAllowed, match="案件已执行完毕"):
        services.return_lifting(actor=leader, notice=served, reason="不解除")
    assert state_of(served) == "lifting"

    for notice in (served, acknowledged, replied):
        services.sign_lifting(actor=leader, notice=notice)
    assert kinds(liaison) == ["case_concluded", "lifting_served", "lifting_served"]
    assert kinds(other_liaison) == ["case_concluded", "lifting_served"]


def test_a_signed_notice_of_a_concluded_case_is_not_served(clerk, leader, case, unit):
    signed = advance(new_draft(clerk, case, unit), NoticeState.SIGNED, clerk=clerk, leader=leader)
    # The case ended without the signed notice being withdrawn (a row from before this rule).
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.TERMINATED)
    with pytest.raises(TransitionNotAllowed, match="案件已终结执行，不能再送达"):
        services.serve_notice(actor=clerk, notice=signed)
    assert state_of(signed) == NoticeState.SIGNED and not Notification.objects.filter(kind="notice_served").exists()


def test_suspending_a_case_withdraws_nothing(clerk, leader, case, unit):
    served = advance(new_draft(clerk, case, unit), NoticeState.SERVED, clerk=clerk, leader=leader)
    a_draft = new_draft(clerk, case, unit)
    case_services.set_case_status(actor=clerk, case=case, status=CaseStatus.SUSPENDED)
    assert state_of(served) == NoticeState.SERVED and state_of(a_draft) == NoticeState.DRAFT


# ---------------------------------------------------------------------------------------------- messages


def test_who_is_told_of_each_hand_over_once(clerk, leader, liaison, contacts, case, unit, court):
    second_leader = factories.LeaderFactory(organisation=court)
    other_court_leader = factories.LeaderFactory()
    notice = new_draft(clerk, case, unit)
    assert kinds(leader) == kinds(second_leader) == ["notice_waiting_sign"] and kinds(other_court_leader) == []
    waiting = Notification.objects.get(recipient=leader)
    assert unit.short_name in waiting.body and case.number in waiting.body

    services.sign_notice(actor=leader, notice=notice)
    services.serve_notice(actor=clerk, notice=notice)
    with pytest.raises(TransitionNotAllowed):
        services.serve_notice(actor=clerk, notice=notice)  # a retried request: refused, nobody told twice
    served = Notification.objects.get(kind="notice_served")
    assert served.recipient == liaison and f"第{notice.pk}号" in served.body and unit.name in served.body
    assert "办理期限" in served.body and served.link == f"/notices/{notice.pk}/"
    # B has no account: mailed; the responsible leader (L) is not told of a new notice.
    assert set(Delivery.objects.filter(subject=served.title, channel="email").values_list("address", flat=True)) == {
        "a@unit.cn", "b@unit.cn"}

    services.acknowledge_notice(actor=liaison, notice=notice)
    services.request_extension(actor=liaison, notice=notice, days=3, reason="需调取档案")
    assert kinds(clerk) == ["extension_requested"]
    services.raise_review_suggestion(actor=liaison, notice=notice, reason="文号有误")
    assert kinds(clerk) == ["extension_requested", "review_raised"]
    assert kinds(leader) == ["notice_waiting_sign", "review_raised"]
    assert kinds(second_leader) == ["notice_waiting_sign", "review_raised"]
    services.reply_to_notice(actor=liaison, notice=notice, outcome="not_found", text="未查到。")
    assert kinds(clerk) == ["extension_requested", "notice_replied", "review_raised"]
    assert kinds(liaison) == ["notice_served"]  # the unit is not told of its own moves


@pytest.mark.parametrize(("move", "who"), [
    ("sign_lifting", "clerk"), ("sign_lifting", "other_leader"), ("sign_lifting", "liaison"),
    ("return_lifting", "clerk"), ("return_lifting", "other_leader"),
    ("acknowledge_lifting", "clerk"), ("acknowledge_lifting", "other_liaison"), ("acknowledge_lifting", "leader"),
])
def test_the_lifting_moves_refuse_the_wrong_role_or_court_and_change_nothing(move, who, clerk, leader, liaison, case,
                                                                            unit):
    notice = advance(new_draft(clerk, case, unit), NoticeState.SERVED, clerk=clerk, leader=leader)
    services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number=RULING)
    if move == "acknowledge_lifting":
        services.sign_lifting(actor=leader, notice=notice)
    before = Notice.objects.get(pk=notice.pk)
    events = notice.events.count()
    actor = {"clerk": clerk, "leader": leader, "liaison": liaison, "other_leader": factories.LeaderFactory(),
             "other_liaison": factories.LiaisonFactory()}[who]
    service = getattr(services, move)
    kwargs = {"reason": "理由"} if move == "return_lifting" else {}
    with pytest.raises(PermissionDenied) as refusal:
        service(actor=actor, notice=notice, **kwargs)
    assert "只有" in str(refusal.value)
    after = Notice.objects.get(pk=notice.pk)
    assert (after.state, after.lifted_at, after.lifting_ruling_number) == (
        before.state, before.lifted_at, before.lifting_ruling_number)
    assert notice.events.count() == events


def test_the_lifting_time_is_filled_in_for_liftings_made_before_it_was_recorded(clerk, leader, liaison, case, unit):
    """Migration 0010: a signed lifting stopped the clock when signed (the old rule); one still waiting for the
    leader stopped it when its draft was recorded (its "lift" event); a notice never lifted keeps none."""
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("assistance.migrations.0010_notice_lifting_at").backfill
    waiting = advance(new_draft(clerk, case, unit), NoticeState.ACKNOWLEDGED, clerk=clerk, leader=leader,
                      liaison=liaison)
    services.lift_notice(actor=clerk, notice=waiting, ground="performed", ruling_number=RULING)
    signed = advance(new_draft(clerk, case, unit), NoticeState.SERVED, clerk=clerk, leader=leader)
    services.lift_notice(actor=clerk, notice=signed, ground="performed", ruling_number=RULING)
    services.sign_lifting(actor=leader, notice=signed)
    in_force = advance(new_draft(clerk, case, unit), NoticeState.SERVED, clerk=clerk, leader=leader)
    Notice.objects.filter(pk__in=[waiting.pk, signed.pk]).update(lifting_at=None)

    backfill(apps, None)

    drafted = NoticeEvent.objects.get(notice=waiting, action="lift").at
    signed.refresh_from_db()
    assert Notice.objects.get(pk=waiting.pk).lifting_at == drafted
    assert signed.lifting_at == signed.lifted_at is not None
    assert Notice.objects.get(pk=in_force.pk).lifting_at is None
