"""Builders for assessment tests: notices walked through the real services at chosen moments (time-machine), so
their timestamps, deadlines and events are the ones production writes."""

import datetime

import pytest
import time_machine

from assistance import services as notice_services
from assistance.models import ReplyOutcome
from linkage.workdays import TIMEZONE
from tests import factories
from tests.assistance_factories import CaseFactory, DebtorFactory


def at(year, month, day, hour=10, minute=0):
    """An aware moment in Asia/Shanghai."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TIMEZONE)


class NoticeBuilder:
    """Makes notices for a unit: served, signed for, replied, lifted at given local moments."""

    def __init__(self, clerk, leader):
        self.clerk, self.leader = clerk, leader
        self._liaisons = {}

    def use_liaison(self, unit, user):
        self._liaisons[unit.pk] = user

    def liaison(self, unit):
        if unit.pk not in self._liaisons:
            self._liaisons[unit.pk] = factories.LiaisonFactory(organisation=unit, liaison_role="A")
        return self._liaisons[unit.pk]

    def notice(self, unit, served, *, acknowledged=None, replied=None, lifted=None, measure="inquiry"):
        liaison = self.liaison(unit)
        with time_machine.travel(served, tick=False):
            case = CaseFactory(court=self.clerk.organisation, created_by=self.clerk)
            _, (notice,) = notice_services.draft_notices(
                actor=self.clerk, case=case, units=[unit], measure=measure, debtor=DebtorFactory(case=case),
                items=[{"property_kind": "bank_account", "description": "查询被执行人名下银行存款"}],
                ruling_number="（2025）粤0103执1号",
            )
            notice_services.sign_notice(actor=self.leader, notice=notice)
            notice = notice_services.serve_notice(actor=self.clerk, notice=notice)
        if acknowledged or replied:
            with time_machine.travel(acknowledged or replied, tick=False):
                notice_services.acknowledge_notice(actor=liaison, notice=notice)
        if replied:
            with time_machine.travel(replied, tick=False):
                notice_services.reply_to_notice(actor=liaison, notice=notice, outcome=ReplyOutcome.NOT_FOUND,
                                                text="未查到。")
        if lifted:
            with time_machine.travel(lifted, tick=False):
                notice_services.lift_notice(actor=self.clerk, notice=notice, ground="performed",
                                            ruling_number=f"{notice.case.number}之一")
                notice_services.sign_lifting(actor=self.leader, notice=notice)
        notice.refresh_from_db()
        return notice


@pytest.fixture
def notices(clerk, leader):
    return NoticeBuilder(clerk, leader)


@pytest.fixture
def third_unit(db):
    return factories.OrganisationFactory(measures=["inquiry", "freeze"])


def listing_for(clerk):
    """A proposed listing of a debtor of the clerk's court, made through the service (pushes are added by tests)."""
    from blacklist.listings import services as listing_services

    case = CaseFactory(court=clerk.organisation, created_by=clerk)
    debtor = DebtorFactory(case=case)
    return listing_services.propose_listing(actor=clerk, debtor=debtor, ground=2, facts="转移财产规避执行")
