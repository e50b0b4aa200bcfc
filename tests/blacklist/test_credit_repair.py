"""Credit repair (信用修复, issue 22 item 2): the state machine of an application (applied → granted, deleting or
suspending the listing with its restriction order lifted and the change pushed, and a certificate; applied → refused
with reasons, nothing pushed), the events and feed entries each move writes, its refusals, its working-day deadline
and its reminders."""

import datetime
import io

import pdfplumber
import pytest
from django.utils import timezone

from blacklist.listings import services as listing_services
from blacklist.models import (
    CreditRepair,
    CreditRepairEvent,
    ListingEvent,
    RestrictionOrder,
)
from blacklist.repair import documents
from blacklist.repair import services as repairs
from cases import services as case_services
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification, Reminder
from linkage.workdays import TIMEZONE, add_working_days
from tests import factories
from tests.blacklist.test_public import resident_id

pytestmark = pytest.mark.django_db

DEBTOR_ID = resident_id(11)


def pdf_text(content):
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def make_case(clerk, number=801, debtors=None):
    return case_services.create_case(
        actor=clerk, number=f"（2026）粤0103执{number}号", amount="50000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初18号", filed_on="2026-01-05", obligation="给付货款50000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": resident_id(1)}],
        debtors=debtors or [{"kind": "person", "name": "王堃", "id_number": DEBTOR_ID}],
    )


def publish(clerk, leader, debtor):
    listing = listing_services.propose_listing(actor=clerk, debtor=debtor, ground=3, facts="转移财产",
                                               decided_on=datetime.date(2026, 9, 1))
    return listing_services.approve_listing(actor=leader, listing=listing)


@pytest.fixture
def listing(clerk, leader):
    return publish(clerk, leader, make_case(clerk).parties.debtors().get())


def receive(clerk, listing, **overrides):
    arguments = {"ground": "performed", "applicant_name": "王堃", "phone": "13800138000",
                 "statement": "已于2026年11月30日履行全部给付义务。", **overrides}
    return repairs.receive_repair(actor=clerk, listing=listing, **arguments)


def pushed(listing):
    return list(ListingEvent.objects.filter(listing=listing, pushed=True).order_by("id"))


def test_applied_then_granted_by_deletion(clerk, leader, listing):
    before = pushed(listing)
    repair = receive(clerk, listing)

    # Applied: pending, due in 10 working days, one `apply` event, nothing pushed; the leaders and the proposing
    # clerk are told once.
    assert repair.state == "pending" and repair.channel == "paper" and repair.received_by == clerk
    start = datetime.datetime.combine(timezone.localdate(), datetime.time(12), tzinfo=TIMEZONE)
    assert repair.due_at == add_working_days(start, 10).due_at
    assert [(e.action, e.from_state, e.to_state) for e in repair.events.all()] == [("apply", "", "pending")]
    assert pushed(listing) == before
    told = Notification.objects.filter(kind="credit_repair_applied")
    assert {n.recipient for n in told} == {leader, clerk} and told.count() == 2

    granted = repairs.grant_repair(actor=leader, repair=repair, outcome="deleted", reason="已履行完毕。")

    listing.refresh_from_db()
    assert granted.state == "granted" and granted.outcome == "deleted" and granted.decided_by == leader
    assert listing.state == "deleted" and listing.deletion_ground == "credit_repaired"
    assert RestrictionOrder.objects.get(listing=listing).state == "lifted"
    # One feed entry, the deletion, with the listing's fields as the units received them.
    new = pushed(listing)[len(before):]
    assert [(e.action, e.to_state, e.published_fields["state"]) for e in new] == [("delete", "deleted", "deleted")]
    assert new[0].data["ground"] == "credit_repaired"
    assert [e.action for e in CreditRepairEvent.objects.filter(repair=repair).order_by("at", "id")] == ["apply", "grant"]
    assert granted.events.last().to_state == "granted" and granted.events.last().actor == leader
    assert granted.certificate_number == f"（{timezone.localdate().year}）粤0103执信修1号"
    assert Notification.objects.filter(kind="credit_repair_decided", recipient=clerk).count() == 1

    text = pdf_text(documents.certificate_pdf(granted))
    for fragment in ("信用修复证明", granted.certificate_number, "王堃", DEBTOR_ID, "（2026）粤0103执801号",
                     "2026年9月1日", "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行", "已履行全部义务",
                     "提前删除", listing.court.name):
        assert fragment in text.replace("\n", ""), fragment


def test_granted_by_suspension_pushes_suspend_and_lifts_the_order(clerk, leader, listing):
    before = pushed(listing)
    repair = receive(clerk, listing, ground="settlement", statement="正在按和解协议分期履行。")
    granted = repairs.grant_repair(actor=leader, repair=repair, outcome="suspended")
    listing.refresh_from_db()
    assert listing.state == "suspended" and granted.outcome == "suspended"
    assert RestrictionOrder.objects.get(listing=listing).state == "lifted"
    new = pushed(listing)[len(before):]
    assert [(e.action, e.to_state, e.published_fields["state"]) for e in new] == [("suspend", "suspended",
                                                                                   "suspended")]
    assert "暂停公布" in pdf_text(documents.certificate_pdf(granted)).replace("\n", "")


def test_a_suspended_listing_can_then_be_repaired_by_deletion(clerk, leader, listing):
    repairs.grant_repair(actor=leader, repair=receive(clerk, listing), outcome="suspended")
    second = repairs.grant_repair(actor=leader, repair=receive(clerk, listing), outcome="deleted")
    listing.refresh_from_db()
    assert listing.state == "deleted"
    assert second.certificate_number.endswith("执信修2号")  # the court's numbering goes on


def test_applied_then_refused_with_reasons(clerk, leader, listing):
    before = pushed(listing)
    repair = receive(clerk, listing)
    with pytest.raises(ApplicationError) as error:
        repairs.refuse_repair(actor=leader, repair=repair, reason="  ")
    assert error.value.field == "reason"
    repair.refresh_from_db()
    assert repair.state == "pending" and repair.events.count() == 1

    refused = repairs.refuse_repair(actor=leader, repair=repair, reason="尚有30000元未履行，和解协议未提交。")
    listing.refresh_from_db()
    assert refused.state == "refused" and refused.outcome == "" and refused.certificate_number == ""
    assert refused.decision_reason == "尚有30000元未履行，和解协议未提交。"
    assert [(e.action, e.to_state, e.reason) for e in refused.events.order_by("at", "id")] == [
        ("apply", "pending", "已履行全部义务"), ("refuse", "refused", "尚有30000元未履行，和解协议未提交。")]
    assert listing.state == "published" and RestrictionOrder.objects.get(listing=listing).state == "active"
    assert pushed(listing) == before
    # Decided: neither move again.
    with pytest.raises(TransitionNotAllowed):
        repairs.grant_repair(actor=leader, repair=refused, outcome="deleted")
    # A refused application does not block a new one.
    assert receive(clerk, listing).state == "pending"


def test_who_may_decide(clerk, leader, listing):
    repair = receive(clerk, listing)
    other_leader = factories.LeaderFactory(organisation=factories.CourtFactory(jurisdiction=listing.court.jurisdiction))
    for actor in (clerk, other_leader, factories.CommitteeUserFactory()):
        with pytest.raises(PermissionDenied):
            repairs.grant_repair(actor=actor, repair=repair, outcome="deleted")
        with pytest.raises(PermissionDenied):
            repairs.refuse_repair(actor=actor, repair=repair, reason="不符合条件。")
    repair.refresh_from_db()
    listing.refresh_from_db()
    assert repair.state == "pending" and listing.state == "published"
    with pytest.raises(ApplicationError) as error:
        repairs.grant_repair(actor=leader, repair=repair, outcome="forgiven")
    assert error.value.field == "outcome"


def test_who_may_register_and_for_what(clerk, leader, listing):
    other_clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=listing.court.jurisdiction))
    with pytest.raises(PermissionDenied):
        receive(other_clerk, listing)
    for field, overrides in (("ground", {"ground": "forgiven"}), ("phone", {"phone": "12"}),
                             ("statement", {"statement": " "}), ("applicant_name", {"applicant_name": ""}),
                             ("received_on", {"received_on": timezone.localdate() + datetime.timedelta(days=1)}),
                             ("received_on", {"received_on": datetime.date(2026, 8, 31)})):
        with pytest.raises(ApplicationError) as error:
            receive(clerk, listing, **overrides)
        assert error.value.field == field
    receive(clerk, listing)
    with pytest.raises(ApplicationError) as error:  # one pending application per listing
        receive(clerk, listing)
    assert error.value.field == "listing"
    assert CreditRepair.objects.count() == 1


def test_only_a_live_listing_can_be_repaired(clerk, leader, listing):
    case = make_case(clerk, number=802, debtors=[{"kind": "person", "name": "李四", "id_number": resident_id(12)},
                                                 {"kind": "person", "name": "赵五", "id_number": resident_id(13)}])
    first, second = case.parties.debtors().order_by("id")
    proposed = listing_services.propose_listing(actor=clerk, debtor=first, ground=3, facts="转移财产",
                                                decided_on=datetime.date(2026, 9, 1))
    with pytest.raises(ApplicationError, match="不能申请信用修复"):
        receive(clerk, proposed, applicant_name="李四")
    # A shielded listing may apply, but it cannot be suspended (only deleted).
    shielded = listing_services.shield_listing(actor=clerk, reason="核查中。", listing=publish(clerk, leader, second))
    repair = receive(clerk, shielded, applicant_name="赵五")
    with pytest.raises(ApplicationError, match="不能暂停公布"):
        repairs.grant_repair(actor=leader, repair=repair, outcome="suspended")
    # The listing left the list meanwhile: the grant is refused, nothing changes.
    listing_services.delete_listing(actor=clerk, listing=shielded, ground="performed", arose_on=timezone.localdate())
    with pytest.raises(ApplicationError, match="不能准予信用修复"):
        repairs.grant_repair(actor=leader, repair=repair, outcome="deleted")
    repair.refresh_from_db()
    assert repair.state == "pending"
    with pytest.raises(ApplicationError, match="不能申请信用修复"):
        receive(clerk, shielded, applicant_name="赵五")


def test_online_application_by_the_listed_party_only(clerk, leader, listing):
    debtor = listing.debtor
    applicant = listing.case.parties.applicants().get()
    with pytest.raises(PermissionDenied):
        repairs.apply_online(party=applicant, listing=listing, ground="performed", phone="13800138000",
                             statement="已履行。")
    repair = repairs.apply_online(party=debtor, listing=listing, ground="security", phone="020-8888 1234",
                                  statement="已提供银行保函。")
    assert (repair.channel, repair.received_by, repair.applicant_name, repair.phone) == ("online", None, "王堃",
                                                                                        "02088881234")
    assert repair.received_on == timezone.localdate()
    event = repair.events.get()
    assert event.action == "apply" and event.actor is None and event.data["channel"] == "online"


def test_the_deadline_counts_working_days_over_the_national_day(clerk, leader, listing):
    repair = receive(clerk, listing, received_on=datetime.date(2026, 9, 28))
    due = timezone.localtime(repair.due_at, TIMEZONE)
    # Ten weekdays would end on 12 October; the National Day holidays push it past the 15th.
    assert due.date() > datetime.date(2026, 10, 15) and due.time() == datetime.time(23, 59, 59)


def test_the_deadline_follows_the_setting(settings, clerk, leader, listing):
    settings.CREDIT_REPAIR_WORKING_DAYS = 3
    repair = receive(clerk, listing, received_on=datetime.date(2026, 11, 27))  # a Friday
    assert timezone.localtime(repair.due_at, TIMEZONE).date() == datetime.date(2026, 12, 2)


def test_the_priority_queue_reminds_the_leaders_before_the_deadline_and_once_overdue(clerk, leader, listing):
    """A pending repair is on the credit-error queue (one ladder for every credit error): its leaders, whose
    decision it is, hear of it within a working day of its deadline and again once it is overdue, each once."""
    from blacklist.corrections.reminders import remind_priority_queue

    repair = receive(clerk, listing)
    far = repair.due_at - datetime.timedelta(days=6)
    assert remind_priority_queue(now=far) == 0
    soon = timezone.localtime(repair.due_at, TIMEZONE).replace(hour=10, minute=0)  # the deadline's day, morning
    # the leaders (one here) and the clerk who registered it, each once
    assert remind_priority_queue(now=soon) == 2 and remind_priority_queue(now=soon) == 0
    late = soon + datetime.timedelta(days=3)  # the next working day's morning (the deadline is a Friday)
    assert remind_priority_queue(now=late) == 2 and remind_priority_queue(now=late) == 0
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"queue_due_soon", "queue_overdue"}
    assert leader in {n.recipient for n in Notification.objects.filter(kind="credit_queue_due")}
    assert leader in {n.recipient for n in Notification.objects.filter(kind="credit_queue_overdue")}
    repairs.refuse_repair(actor=leader, repair=repair, reason="不符合条件。")
    assert remind_priority_queue(now=late + datetime.timedelta(days=1)) == 0


def test_the_units_read_each_granted_repair_in_the_feed(api_for, clerk, leader, listing):
    """What a joint-punishment unit's system receives: the suspension, then the deletion, each with the listing's
    state at that event and, for the deletion, its legal ground."""
    liaison = factories.LiaisonFactory(organisation=factories.OrganisationFactory(
        measures=["restrict_qualification"], jurisdiction=listing.court.jurisdiction))
    after = pushed(listing)[-1].pk
    repairs.grant_repair(actor=leader, repair=receive(clerk, listing), outcome="suspended")
    repairs.grant_repair(actor=leader, repair=receive(clerk, listing), outcome="deleted")
    events = api_for(liaison).get(f"/api/v1/listings/feed/?after_id={after}").json()["results"]
    assert [(e["action"], e["listing"]["state"]) for e in events] == [("suspend", "suspended"), ("delete", "deleted")]
    assert events[1]["legal_ground"] == "credit_repaired"
