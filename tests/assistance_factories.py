"""Factories for cases, parties and notices. A notice made here starts as a draft; `served_notice` walks it
through the real services (sign, serve) so its clock and its events are the ones production writes."""

import datetime
from decimal import Decimal

import factory

from assistance import services as assistance_services
from assistance.models import Notice, NoticeBatch, NoticeItem
from cases.models import Case, Party
from members.models import Measure, User
from tests import factories

PERSON_ID = "11010519491231002X"
CREDIT_CODE = "91110000600037341L"


def _clerk_of(court):
    return User.objects.filter(organisation=court, role="clerk").first() or factories.ClerkFactory(organisation=court)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"（2026）粤0103执{n + 1}号")
    court = factory.SubFactory(factories.CourtFactory)
    amount = Decimal("100000.00")
    basis_issuer = "广州市荔湾区人民法院"
    basis_number = factory.Sequence(lambda n: f"（2025）粤0103民初{n + 1}号")
    filed_on = datetime.date(2026, 3, 2)
    officer_name = "王法官"
    created_by = factory.LazyAttribute(lambda case: _clerk_of(case.court))


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    role = "applicant"
    kind = "person"
    name = factory.Sequence(lambda n: f"申请人{n}")
    id_number = PERSON_ID


class DebtorFactory(ApplicantFactory):
    role = "debtor"
    name = factory.Sequence(lambda n: f"被执行人{n}")


class OrganisationDebtorFactory(DebtorFactory):
    kind = "organisation"
    id_number = ""
    credit_code = CREDIT_CODE
    legal_representative = "赵某"


class NoticeFactory(factory.django.DjangoModelFactory):
    """A draft notice with one item, straight into the table (use `served_notice` for a served one)."""

    class Meta:
        model = Notice
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    batch = factory.LazyAttribute(
        lambda notice: NoticeBatch.objects.create(case=notice.case, created_by=notice.created_by)
    )
    court = factory.LazyAttribute(lambda notice: notice.case.court)
    unit = factory.SubFactory(factories.OrganisationFactory, measures=["inquiry"])
    measure = factory.LazyFunction(lambda: Measure.objects.get(code="inquiry"))
    debtor = factory.LazyAttribute(lambda notice: DebtorFactory(case=notice.case))
    ruling_number = "（2026）粤0103执1号"
    created_by = factory.LazyAttribute(lambda notice: notice.case.created_by)

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create:
            NoticeItem.objects.create(
                notice=self, position=1, property_kind="bank_account", description="查询被执行人名下银行存款"
            )


def served_notice(*, clerk, leader, unit, case=None, debtor=None, measure="inquiry"):
    """A notice drafted, signed and served through the services, as the API would have done it."""
    case = case or CaseFactory(court=clerk.organisation, created_by=clerk)
    debtor = debtor or DebtorFactory(case=case)
    _, (notice,) = assistance_services.draft_notices(
        actor=clerk,
        case=case,
        units=[unit],
        measure=measure,
        debtor=debtor,
        items=[{"property_kind": "bank_account", "description": "查询被执行人名下银行存款"}],
        ruling_number="（2026）粤0103执1号",
    )
    assistance_services.sign_notice(actor=leader, notice=notice)
    return assistance_services.serve_notice(actor=clerk, notice=notice)
