"""Consumption-restriction orders beside the list, and the special-debtor notification tasks."""

import datetime

import pytest

from assistance import services as notice_services
from blacklist.listings import services
from blacklist.models import RestrictionOrder
from blacklist.restrictions import services as restrictions
from cases import services as case_services
from cases.models import SpecialDebtorNotification
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执600号", amount="50000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[
            {"kind": "organisation", "name": "某某建设有限公司", "credit_code": "91110000600037341L",
             "legal_representative": "王总", "is_public_servant": True},
            {"kind": "person", "name": "赵代表", "id_number": "44010319850615123X", "is_deputy": True,
             "is_cppcc_member": True},
        ],
    )


def test_every_published_listing_carries_a_restriction_order(clerk, leader, case):
    company = case.parties.get(name="某某建设有限公司")
    listing = services.propose_listing(actor=clerk, debtor=company, ground=3, facts="转移财产")
    assert not RestrictionOrder.objects.exists()
    services.approve_listing(actor=leader, listing=listing)
    order = RestrictionOrder.objects.get()
    assert order.listing == listing and order.state == "active"
    assert order.bound_persons == [{"role": "法定代表人", "name": "王总", "id_number": ""}]
    services.delete_listing(actor=clerk, listing=listing, ground="performed", arose_on=datetime.date(2026, 11, 20))
    order.refresh_from_db()
    assert order.state == "lifted" and "已履行" in order.lift_reason


def test_order_without_listing_binds_the_organisations_people(clerk, case):
    company = case.parties.get(name="某某建设有限公司")
    order = restrictions.issue_restriction_order(actor=clerk, debtor=company, bound_persons=[
        {"role": "实际控制人", "name": "钱老板"}, {"role": "直接责任人员", "name": "孙会计", "id_number": "11010519491231002x"}])
    assert restrictions.bound_names(order) == ["王总", "钱老板", "孙会计"]
    assert order.bound_persons[2]["id_number"] == "11010519491231002X"
    other = case_services.add_party(actor=clerk, case=case, role="debtor", kind="organisation", name="某某投资有限公司",
                                    credit_code="91110000600037341L", legal_representative="周总")
    with pytest.raises(ApplicationError) as error:
        restrictions.issue_restriction_order(actor=clerk, debtor=other, bound_persons=[{"role": "股东", "name": "某"}])
    assert "实际控制人" in error.value.message
    assert RestrictionOrder.objects.count() == 1
    with pytest.raises(PermissionDenied):
        restrictions.issue_restriction_order(actor=factories.ClerkFactory(), debtor=company)
    restrictions.lift_restriction_order(actor=clerk, order=order, reason="提供担保")
    with pytest.raises(TransitionNotAllowed):
        restrictions.lift_restriction_order(actor=clerk, order=order, reason="再次")


def test_special_debtors_become_notification_tasks_once(clerk, leader, case, court):
    """Opened at filing (cases.special); a listing proposal and a measure open no second task."""
    deputy = case.parties.get(name="赵代表")
    tasks = SpecialDebtorNotification.objects.filter(debtor=deputy).order_by("kind")
    assert [(t.kind, t.trigger) for t in tasks] == [("cppcc", "filing"), ("deputy", "filing")]
    services.propose_listing(actor=clerk, debtor=deputy, ground=3, facts="转移财产")
    unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    notice_services.draft_notices(actor=clerk, case=case, units=[unit], measure="inquiry", debtor=deputy,
                                  ruling_number="（2026）粤0103执600号",
                                  items=[{"property_kind": "bank_account", "description": "查询存款"}])
    assert [(t.kind, "人大常委会" in t.recipient or "政协" in t.recipient, t.trigger)
            for t in SpecialDebtorNotification.objects.filter(debtor=deputy).order_by("kind")] == [
        ("cppcc", True, "filing"), ("deputy", True, "filing")]
    company = case.parties.get(name="某某建设有限公司")
    assert SpecialDebtorNotification.objects.get(debtor=company).recipient == "有干部管理权限的组织人事部门"
