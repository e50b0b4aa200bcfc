"""Contacts: the A/B invariant held by the database, and the change request → approval → effective flow."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from members import selectors, services
from members.models import ChangeRequestState, Contact, ContactChangeRequest
from tests import factories

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_current_a_contact(unit):
    factories.ContactFactory(organisation=unit, role="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Straight to the table, bypassing every form and service: the constraint itself must refuse.
        Contact.objects.bulk_create([Contact(organisation=unit, role="A", name="李四", started_on=datetime.date(2026, 2, 1))])
    assert Contact.objects.filter(organisation=unit, role="A").count() == 1


def test_database_allows_past_contacts_beside_the_current_one(unit):
    factories.ContactFactory(organisation=unit, role="A", ended_on=datetime.date(2026, 3, 1))
    factories.ContactFactory(organisation=unit, role="A", started_on=datetime.date(2026, 3, 1))
    factories.ContactFactory(organisation=unit, role="B")
    assert Contact.objects.filter(organisation=unit).current().count() == 2


def test_unit_without_both_roles_is_incomplete(unit, other_unit):
    factories.ContactFactory(organisation=unit, role="A")
    factories.ContactFactory(organisation=other_unit, role="A")
    factories.ContactFactory(organisation=other_unit, role="B")
    incomplete = set(type(unit).objects.incomplete().values_list("pk", flat=True))
    assert unit.pk in incomplete
    assert other_unit.pk not in incomplete


def _request(liaison, **overrides):
    data = dict(role="A", name="周新", position="科长", landline="020-81234567", mobile="13800138000",
                email="zhou@example.cn", reason="原联系人调岗")
    data.update(overrides)
    return services.request_contact_change(actor=liaison, organisation=liaison.organisation, **data)


def test_contact_change_goes_request_approval_effective(liaison, committee_user):
    old = factories.ContactFactory(organisation=liaison.organisation, role="A", name="王旧", started_on=datetime.date(2025, 1, 1))
    change = _request(liaison)
    assert change.state == ChangeRequestState.PENDING
    # Pending: the directory still shows the old contact.
    assert [c.name for c in selectors.roster().get(pk=liaison.organisation_id).current_contacts] == ["王旧"]

    services.approve_contact_change(actor=committee_user, change_request=change, reason="同意")

    change.refresh_from_db()
    old.refresh_from_db()
    assert change.state == ChangeRequestState.APPROVED
    assert change.decided_by == committee_user and change.decided_at is not None
    assert old.ended_on is not None
    new = Contact.objects.get(organisation=liaison.organisation, role="A", ended_on__isnull=True)
    assert (new.name, new.mobile, new.change_request) == ("周新", "13800138000", change)
    assert [c.name for c in selectors.roster().get(pk=liaison.organisation_id).current_contacts] == ["周新"]
    history = list(selectors.contact_history(liaison.organisation))
    assert [(c.name, c.ended_on is None) for c in history] == [("周新", True), ("王旧", False)]


def test_rejection_needs_a_reason_and_keeps_the_contact(liaison, committee_user):
    factories.ContactFactory(organisation=liaison.organisation, role="A", name="王旧")
    change = _request(liaison)
    with pytest.raises(ApplicationError) as error:
        services.reject_contact_change(actor=committee_user, change_request=change, reason=" ")
    assert "理由" in error.value.message
    services.reject_contact_change(actor=committee_user, change_request=change, reason="人选不符合要求")
    change.refresh_from_db()
    assert change.state == ChangeRequestState.REJECTED
    assert Contact.objects.get(organisation=liaison.organisation, ended_on__isnull=True).name == "王旧"


def test_decided_request_cannot_be_decided_again(liaison, committee_user):
    change = _request(liaison)
    services.approve_contact_change(actor=committee_user, change_request=change)
    with pytest.raises(TransitionNotAllowed) as error:
        services.reject_contact_change(actor=committee_user, change_request=change, reason="晚了")
    assert error.value.state == "approved"
    assert Contact.objects.filter(organisation=liaison.organisation).count() == 1


def test_only_the_committee_decides(liaison, clerk):
    change = _request(liaison)
    for actor in (liaison, clerk):
        with pytest.raises(PermissionDenied):
            services.approve_contact_change(actor=actor, change_request=change)
    change.refresh_from_db()
    assert change.state == ChangeRequestState.PENDING


def test_liaison_may_only_ask_for_its_own_unit(liaison, other_unit):
    with pytest.raises(PermissionDenied):
        services.request_contact_change(actor=liaison, organisation=other_unit, role="A", name="某某",
                                        mobile="13800138000", reason="x")
    assert not ContactChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"name": ""}, "name", "姓名"),
        ({"mobile": "1380013800"}, "mobile", "11位"),
        ({"landline": "abc"}, "landline", "固定电话"),
        ({"email": "not-an-email"}, "email", "邮箱"),
        ({"mobile": "", "landline": ""}, "mobile", "至少"),
        ({"reason": ""}, "reason", "原因"),
        ({"role": "C"}, "role", "A角、B角或责任领导"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(liaison, overrides, field, fragment):
    with pytest.raises(ApplicationError) as error:
        _request(liaison, **overrides)
    assert error.value.field == field
    assert fragment in error.value.message
    assert not ContactChangeRequest.objects.exists()


def test_second_pending_request_for_the_same_role_is_refused(liaison):
    _request(liaison)
    with pytest.raises(ApplicationError) as error:
        _request(liaison, name="另一人")
    assert "待审批" in error.value.message
    assert ContactChangeRequest.objects.count() == 1


def test_requester_can_cancel_a_pending_request(liaison):
    change = _request(liaison)
    services.cancel_contact_change(actor=liaison, change_request=change)
    change.refresh_from_db()
    assert change.state == ChangeRequestState.CANCELLED
    _request(liaison)  # a new request is possible again


def test_change_request_visibility(liaison, other_liaison, committee_user, clerk, admin_user):
    mine = _request(liaison)
    theirs = _request(other_liaison)
    assert set(selectors.change_requests_visible_to(liaison)) == {mine}
    assert set(selectors.change_requests_visible_to(other_liaison)) == {theirs}
    assert set(selectors.change_requests_visible_to(committee_user)) == {mine, theirs}
    assert set(selectors.change_requests_visible_to(admin_user)) == {mine, theirs}
    assert not selectors.change_requests_visible_to(clerk).exists()


def test_deactivating_a_unit_keeps_it(admin_user, unit):
    services.set_organisation_active(actor=admin_user, organisation=unit, active=False)
    unit.refresh_from_db()
    assert unit.active is False
    assert type(unit).objects.filter(pk=unit.pk).exists()
