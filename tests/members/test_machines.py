"""A contact change's table: the unit's liaison (or the administrator) withdraws a pending request, the committee of
the unit's jurisdiction (or the administrator) approves or rejects it; a committee reviewer of another jurisdiction,
another unit's liaison and a court's staff get none, and a decided request offers nothing."""

import pytest

from linkage.errors import PermissionDenied
from members.machines import CONTACT_CHANGE
from members.models import ChangeRequestState, ContactChangeRequest
from tests import factories


@pytest.fixture
def people(unit, liaison, other_liaison, committee_user, admin_user, clerk):
    elsewhere = factories.JurisdictionFactory(code="elsewhere", name="别处")
    return {
        "liaison": liaison, "other_liaison": other_liaison, "committee": committee_user, "admin": admin_user,
        "clerk": clerk,
        "stranger": factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=elsewhere)),
    }


@pytest.mark.parametrize("state, liaison_moves, committee_moves, admin_moves", [
    (ChangeRequestState.PENDING, ["cancel"], ["approve", "reject"], ["approve", "reject", "cancel"]),
    (ChangeRequestState.APPROVED, [], [], []),
    (ChangeRequestState.REJECTED, [], [], []),
    (ChangeRequestState.CANCELLED, [], [], []),
])
def test_each_role_gets_exactly_its_moves(people, unit, state, liaison_moves, committee_moves, admin_moves):
    change = ContactChangeRequest(organisation=unit, role="A", state=state)
    assert {name: CONTACT_CHANGE.actions_for(user, change) for name, user in people.items()} == {
        "liaison": liaison_moves, "other_liaison": [], "committee": committee_moves, "admin": admin_moves, "clerk": [],
        "stranger": [],
    }


def test_the_refusal_says_why(people, unit):
    change = ContactChangeRequest(organisation=unit, role="A", state=ChangeRequestState.PENDING)
    with pytest.raises(PermissionDenied, match="只能审批本辖区成员单位的联系人变更"):
        CONTACT_CHANGE.check(change, "approve", people["stranger"])
    with pytest.raises(PermissionDenied, match="联系人变更由政法委审批"):
        CONTACT_CHANGE.check(change, "approve", people["clerk"])
