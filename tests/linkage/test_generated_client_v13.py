"""The operations v1.2 and v1.3 added (docs/api-changelog.md), driven through the client openapi-python-client
generates from the live schema, each by the role that uses it: the court reads a listing's grace and registers a
paper credit repair, the joint-punishment unit reads the feed's `suspend` and the grace, the court and a credit
platform read the judicial credit report, a unit's system replies to a suggestion letter, the police and then the
procuratorate answer a crime referral, the discipline body a discipline referral, a liaison lists its briefings.
The answers' typed fields are checked as the client parses them: enums into the generated enum classes, dates and
times into `datetime` objects. The court's own moves that have no API (signing, sending, granting) are set up with
the services, as the court's pages would."""

import datetime

import pytest
from django.utils import timezone

from assistance.services import referrals as referral_services
from assistance.services import suggestions as suggestion_services
from blacklist.grace import services as grace_services
from blacklist.listings import services as listing_services
from cases import services as case_services
from linkage import tokens
from meetings.services import briefings as briefing_services
from tests import factories
from tests.assistance.helpers import advance, draft_notice, file_case

from .generated_client_support import PASSWORD, call, module, user_with_password

pytestmark = pytest.mark.django_db(transaction=True)

INQUIRY = [{"property_kind": "bank_account", "identifier": "6222", "description": "查询被执行人名下银行存款"}]
EVIDENCE = [{"name": "财产报告令及送达回证", "description": "第1-3页"}]
FACTS = "被执行人在本院查封期间将其名下房产转让他人，拒不报告财产。"


@pytest.fixture
def world(client_package):
    court = factories.CourtFactory()
    jurisdiction = court.jurisdiction
    unit = factories.OrganisationFactory(kind="bank", measures=["inquiry"], jurisdiction=jurisdiction)
    platform = factories.OrganisationFactory(kind="market_regulation", measures=["publish"], jurisdiction=jurisdiction)
    police = factories.OrganisationFactory(kind="police", jurisdiction=jurisdiction)
    w = type("World", (), {})()
    w.court, w.unit, w.police = court, unit, police
    w.people = {
        "clerk": user_with_password(factories.ClerkFactory, organisation=court),
        "leader": user_with_password(factories.LeaderFactory, organisation=court),
        "liaison": user_with_password(factories.LiaisonFactory, organisation=unit, liaison_role="A"),
        "platform": user_with_password(factories.LiaisonFactory, organisation=platform, liaison_role="A"),
        "police": user_with_password(factories.LiaisonFactory, liaison_role="A", organisation=police),
        "procuratorate": user_with_password(
            factories.LiaisonFactory,
            liaison_role="A",
            organisation=factories.OrganisationFactory(kind="procuratorate", jurisdiction=jurisdiction),
        ),
        "discipline": user_with_password(
            factories.LiaisonFactory,
            liaison_role="A",
            organisation=factories.OrganisationFactory(kind="discipline", jurisdiction=jurisdiction),
        ),
        "committee": user_with_password(
            factories.CommitteeUserFactory, organisation=factories.CommitteeFactory(jurisdiction=jurisdiction)
        ),
    }
    factories.ContactFactory(organisation=unit, role="A", name="甲联络", user=w.people["liaison"])
    w.system = factories.LiaisonFactory(organisation=unit, liaison_role="A", is_system_account=True)
    w.case = file_case(w.people["clerk"])
    w.debtor = w.case.parties.debtors().get()
    return w


class Clients(dict):
    """An authenticated generated client per role, made when a test first asks for it: the people log in through the
    generated client; the unit's system holds the token without expiry an administrator issued it."""

    def __init__(self, pkg, world, base_url):
        super().__init__()
        self.pkg, self.world, self.base_url = pkg, world, base_url

    def __missing__(self, role):
        pkg = self.pkg
        if role == "system":
            key = tokens.issue_system_token(
                actor=factories.UserFactory(), user=self.world.system, name="单位业务系统"
            ).key
        else:
            user = self.world.people[role]
            key = call(
                pkg,
                "auth.auth_token_create",
                200,
                client=pkg.Client(base_url=self.base_url),
                body=module(pkg, "models").TokenRequestRequest(username=user.username, password=PASSWORD),
            ).token
        self[role] = pkg.AuthenticatedClient(base_url=self.base_url, token=key, prefix="Token")
        return self[role]


@pytest.fixture
def api(client_package, world, live_server):
    return Clients(client_package, world, live_server.url)


def test_grace_feed_and_credit_repair(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    today = timezone.localdate()
    listing = listing_services.propose_listing(
        actor=people["clerk"], debtor=world.debtor, ground=3, facts="转移财产规避执行"
    )
    listing_services.approve_listing(actor=people["leader"], listing=listing)
    grace = grace_services.grant_grace(
        actor=people["leader"],
        listing=listing,
        promisor="debtor",
        promise="本人承诺分两期履行。",
        promised_on=today,
        instalments=[
            {"due_on": today + datetime.timedelta(days=5), "amount": "1000"},
            {"due_on": today + datetime.timedelta(days=9), "amount": "2000"},
        ],
    )

    read = call(pkg, "listings.listings_retrieve", 200, id=listing.pk, client=api["clerk"])
    assert read.state is models.ListingStateEnum.SUSPENDED
    for role in ("clerk", "committee", "platform"):
        graces = call(pkg, "listings.listings_grace_retrieve", 200, id=listing.pk, client=api[role])
        assert graces.listing == listing.pk and [g.id for g in graces.results] == [grace.pk]
        (row,) = graces.results
        assert row.state is models.GraceStateEnum.GRANTED and row.promisor is models.GracePromisorEnum.DEBTOR
        assert row.was_published is True and isinstance(row.granted_at, datetime.datetime)
        assert (row.promised_on, row.starts_on) == (today, today) and isinstance(row.ends_on, datetime.date)
        assert [(i.number, i.due_on, i.amount, i.paid_on, i.overdue) for i in row.instalments] == [
            (1, today + datetime.timedelta(days=5), "1000.00", None, False),
            (2, today + datetime.timedelta(days=9), "2000.00", None, False),
        ]
    hidden = module(pkg, "api.listings.listings_grace_retrieve").sync_detailed(id=listing.pk, client=api["liaison"])
    assert hidden.status_code == 404 and hidden.parsed.detail

    # The joint-punishment unit's feed says the published listing's punishment is suspended.
    feed = call(pkg, "listings.listings_feed_retrieve", 200, client=api["platform"], limit=200)
    assert [event.action for event in feed.results] == [models.FeedActionEnum.PUBLISH, models.FeedActionEnum.SUSPEND]
    assert feed.results[-1].listing.state is models.ListingStateEnum.SUSPENDED

    # The court registers the debtor's paper application for credit repair, and lists the listing's applications.
    repair = call(
        pkg,
        "listings.listings_credit_repairs_create",
        201,
        id=listing.pk,
        client=api["clerk"],
        body=models.CreditRepairCreateRequest(
            ground=models.RepairGroundEnum.SETTLEMENT,
            applicant_name="王堃",
            phone="13800138000",
            statement="已与申请执行人达成和解并按期履行。",
            received_on=today,
        ),
    )
    assert repair.ground is models.RepairGroundEnum.SETTLEMENT and repair.channel is models.ChannelEnum.PAPER
    assert repair.state is models.CreditRepairStateEnum.PENDING and repair.received_on == today
    assert isinstance(repair.due_at, datetime.datetime) and repair.due_at.date() > today
    assert repair.decided_at is None and repair.certificate_number == ""
    listed = call(pkg, "listings.listings_credit_repairs_list", 200, id=listing.pk, client=api["clerk"])
    assert [row.id for row in listed] == [repair.id]
    twice = module(pkg, "api.listings.listings_credit_repairs_create").sync_detailed(
        id=listing.pk,
        client=api["clerk"],
        body=models.CreditRepairCreateRequest(
            ground=models.RepairGroundEnum.PERFORMED, applicant_name="王堃", phone="13800138000", statement="已履行。"
        ),
    )
    assert twice.status_code == 400 and "待审查" in twice.parsed["listing"][0]  # one pending application per listing
    for role in ("committee", "platform"):
        refused = module(pkg, "api.listings.listings_credit_repairs_list").sync_detailed(
            id=listing.pk, client=api[role]
        )
        assert refused.status_code == 404 and refused.parsed.detail


def test_the_court_and_a_credit_platform_read_the_credit_report(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    party = world.debtor.pk
    first = call(pkg, "parties.parties_credit_report_retrieve", 200, party_id=party, client=api["clerk"])
    assert isinstance(first, models.CreditReport) and isinstance(first.generated_at, datetime.datetime)
    assert first.reason is models.CreditReportReasonEnum.REQUESTED and first.abuse_findings_withheld is False
    assert first.party.name == "王堃" and first.performance.amount == "386500.00"
    again = call(pkg, "parties.parties_credit_report_create", 201, party_id=party, client=api["clerk"])
    assert again.number != first.number and again.reason is models.CreditReportReasonEnum.REQUESTED
    pdf = module(pkg, "api.parties.parties_credit_report_pdf_retrieve").sync_detailed(
        party_id=party, client=api["clerk"]
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # A credit platform reads nothing of an open case; once concluded, the report without the abuse findings.
    before = module(pkg, "api.parties.parties_credit_report_retrieve").sync_detailed(
        party_id=party, client=api["platform"]
    )
    assert before.status_code == 404 and before.parsed.detail
    case_services.set_case_status(actor=people["clerk"], case=world.case, status="concluded", reason="已履行完毕。")
    report = call(pkg, "parties.parties_credit_report_retrieve", 200, party_id=party, client=api["platform"])
    assert report.reason is models.CreditReportReasonEnum.CONCLUDED and report.reason_display
    assert report.abuse_findings == [] and report.abuse_findings_withheld is True
    regenerate = module(pkg, "api.parties.parties_credit_report_create").sync_detailed(
        party_id=party, client=api["platform"]
    )
    assert regenerate.status_code == 404 and regenerate.parsed.detail


def test_a_units_system_replies_to_a_suggestion_letter(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    notice = draft_notice(people["clerk"], world.case, world.unit, measure="inquiry", items=INQUIRY)
    notice = advance(
        notice,
        "served",
        clerk=people["clerk"],
        leader=people["leader"],
        served_at=timezone.now() - datetime.timedelta(days=40),
    )
    letter = suggestion_services.draft_letter(
        actor=people["clerk"],
        case=world.case,
        unit=world.unit,
        notice=notice,
        suggestions="建议你单位立即按照协助执行通知书的要求办理。",
    )
    suggestion_services.sign_letter(actor=people["leader"], letter=letter)
    suggestion_services.serve_letter(actor=people["clerk"], letter=letter)

    inbox = call(pkg, "suggestion_letters.suggestion_letters_list", 200, client=api["system"])
    assert [row.id for row in inbox.results] == [letter.pk]
    read = call(pkg, "suggestion_letters.suggestion_letters_retrieve", 200, id=letter.pk, client=api["system"])
    assert read.state is models.SuggestionStateEnum.SERVED and read.ground is models.SuggestionGroundEnum.OVERDUE
    assert isinstance(read.served_at, datetime.datetime) and read.due_at > read.served_at
    assert read.replied_at is None and read.notice == notice.pk and read.unit == world.unit.code
    refused = module(pkg, "api.suggestion_letters.suggestion_letters_reply_create").sync_detailed(
        id=letter.pk, client=api["committee"], body=models.SuggestionReplyRequest(text="政法委不能代为回复。")
    )
    assert refused.status_code == 403 and refused.parsed.detail
    replied = call(
        pkg,
        "suggestion_letters.suggestion_letters_reply_create",
        200,
        id=letter.pk,
        client=api["system"],
        body=models.SuggestionReplyRequest(text="已采纳建议，完成整改并对责任人员批评教育。"),
    )
    assert replied.state is models.SuggestionStateEnum.REPLIED and replied.replied_in_time is True
    assert isinstance(replied.replied_at, datetime.datetime) and replied.reply_text.startswith("已采纳建议")
    assert replied.events[-1].to_state == "replied" and isinstance(replied.events[-1].at, datetime.datetime)
    again = module(pkg, "api.suggestion_letters.suggestion_letters_reply_create").sync_detailed(
        id=letter.pk, client=api["liaison"], body=models.SuggestionReplyRequest(text="再次回复。")
    )
    assert again.status_code == 409 and again.parsed.state == "replied"
    court_view = call(pkg, "suggestion_letters.suggestion_letters_list", 200, client=api["committee"])
    assert [row.state for row in court_view.results] == [models.SuggestionStateEnum.REPLIED]


def test_the_police_and_the_procuratorate_answer_a_crime_referral(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    referral = referral_services.draft_crime_referral(
        actor=people["clerk"], case=world.case, debtor=world.debtor, facts=FACTS, evidence=EVIDENCE, police=world.police
    )
    referral_services.sign_crime_referral(actor=people["leader"], referral=referral)
    referral_services.send_crime_referral(actor=people["clerk"], referral=referral)

    listed = call(pkg, "crime_referrals.crime_referrals_list", 200, client=api["police"])
    assert [row.id for row in listed.results] == [referral.pk]
    read = call(pkg, "crime_referrals.crime_referrals_retrieve", 200, id=referral.pk, client=api["police"])
    assert read.state is models.CrimeReferralStateEnum.SENT and isinstance(read.due_at, datetime.datetime)
    assert [(line.name, line.description) for line in read.evidence] == [("财产报告令及送达回证", "第1-3页")]
    assert read.police_filed_on is None and read.supervision_outcome is models.BlankEnum.VALUE_0
    incomplete = module(pkg, "api.crime_referrals.crime_referrals_answer_create").sync_detailed(
        id=referral.pk,
        client=api["police"],
        body=models.CrimeAnswerRequest(
            result=models.CrimeReferralResultEnum.REFUSED, decision_number="荔公不立字〔2026〕12号"
        ),
    )
    assert incomplete.status_code == 400 and incomplete.parsed["reasons"] == ["请填写不予立案理由。"]
    refused = call(
        pkg,
        "crime_referrals.crime_referrals_answer_create",
        200,
        id=referral.pk,
        client=api["police"],
        body=models.CrimeAnswerRequest(
            result=models.CrimeReferralResultEnum.REFUSED,
            decision_number="荔公不立字〔2026〕12号",
            reasons="现有证据不足。",
        ),
    )
    assert refused.state is models.CrimeReferralStateEnum.REFUSED and refused.refusal_reasons == "现有证据不足。"
    assert isinstance(refused.answered_at, datetime.datetime)

    hidden = module(pkg, "api.crime_referrals.crime_referrals_retrieve").sync_detailed(
        id=referral.pk, client=api["procuratorate"]
    )
    assert hidden.status_code == 404
    referral_services.request_supervision(
        actor=people["clerk"], referral=referral, reasons="被执行人转移房产，证据充分。"
    )
    supervised = call(
        pkg,
        "crime_referrals.crime_referrals_answer_create",
        200,
        id=referral.pk,
        client=api["procuratorate"],
        body=models.CrimeAnswerRequest(
            result=models.CrimeReferralResultEnum.NOTIFY_FILING, text="已通知公安机关立案。"
        ),
    )
    assert supervised.state is models.CrimeReferralStateEnum.SUPERVISED
    assert supervised.supervision_outcome is models.SupervisionOutcomeEnum.NOTIFY_FILING
    assert isinstance(supervised.supervised_at, datetime.datetime) and supervised.supervision_answer


def test_the_police_files_a_referred_case(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    referral = referral_services.draft_crime_referral(
        actor=people["clerk"], case=world.case, debtor=world.debtor, facts=FACTS, evidence=EVIDENCE, police=world.police
    )
    referral_services.sign_crime_referral(actor=people["leader"], referral=referral)
    referral_services.send_crime_referral(actor=people["clerk"], referral=referral)
    today = timezone.localdate()
    filed = call(
        pkg,
        "crime_referrals.crime_referrals_answer_create",
        200,
        id=referral.pk,
        client=api["police"],
        body=models.CrimeAnswerRequest(
            result=models.CrimeReferralResultEnum.FILED, case_number="荔公刑立字〔2026〕88号", filed_on=today
        ),
    )
    assert filed.state is models.CrimeReferralStateEnum.FILED and filed.police_filed_on == today


def test_the_discipline_body_answers_a_referral(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    world.debtor.is_public_servant = True
    world.debtor.save(update_fields=["is_public_servant"])
    referral = referral_services.draft_discipline_referral(
        actor=people["clerk"],
        case=world.case,
        party=world.debtor,
        facts=FACTS,
        evidence=EVIDENCE,
        ruling_number="（2025）粤0103民初4567号",
    )
    referral_services.send_discipline_referral(actor=people["leader"], referral=referral)

    listed = call(pkg, "discipline_referrals.discipline_referrals_list", 200, client=api["discipline"])
    assert [row.id for row in listed.results] == [referral.pk]
    read = call(
        pkg, "discipline_referrals.discipline_referrals_retrieve", 200, id=referral.pk, client=api["discipline"]
    )
    assert read.state is models.DisciplineReferralStateEnum.SENT and read.answer is models.BlankEnum.VALUE_0
    assert isinstance(read.sent_at, datetime.datetime) and read.party_name == "王堃"
    answered = call(
        pkg,
        "discipline_referrals.discipline_referrals_answer_create",
        200,
        id=referral.pk,
        client=api["discipline"],
        body=models.DisciplineAnswerRequest(answer=models.DisciplineAnswerEnum.SANCTION, text="给予党内警告处分。"),
    )
    assert answered.state is models.DisciplineReferralStateEnum.ANSWERED
    assert answered.answer is models.DisciplineAnswerEnum.SANCTION and isinstance(
        answered.answered_at, datetime.datetime
    )
    not_theirs = module(pkg, "api.discipline_referrals.discipline_referrals_retrieve").sync_detailed(
        id=referral.pk, client=api["police"]
    )
    assert not_theirs.status_code == 404


def test_a_liaison_lists_and_reads_its_briefings(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    today = timezone.localdate()
    briefing = briefing_services.draft_briefing(
        actor=people["committee"], period_from=today.replace(day=1), period_to=today
    )
    briefing_services.issue_briefing(actor=people["committee"], briefing=briefing)

    listed = call(pkg, "briefings.briefings_list", 200, client=api["liaison"])
    (row,) = listed.results
    assert row.id == briefing.pk and row.state is models.BriefingStateEnum.ISSUED and row.document_number
    assert (row.period_from, row.period_to) == (today.replace(day=1), today)
    assert isinstance(row.issued_at, datetime.datetime) and isinstance(row.delivered_at, datetime.datetime)
    assert row.read_at is None and row.withdrawn_at is None and row.sections
    assert all(section.heading and section.text for section in row.sections)
    briefing_services.mark_read(user=people["liaison"], briefing=briefing)  # the liaison opens its page
    (row,) = call(pkg, "briefings.briefings_list", 200, client=api["liaison"]).results
    assert isinstance(row.read_at, datetime.datetime) and row.read_at >= row.delivered_at
    committee = call(pkg, "briefings.briefings_list", 200, client=api["committee"])
    assert [r.id for r in committee.results] == [briefing.pk] and committee.results[0].read_at is None
    assert call(pkg, "briefings.briefings_list", 200, client=api["police"]).count == 1


def test_the_civil_affairs_bureau_answers_a_marriage_inquiry_with_structured_lines(client_package, world, api):
    pkg, people = client_package, world.people
    models = module(pkg, "models")
    civil_affairs = factories.OrganisationFactory(
        kind="civil_affairs", measures=["marriage_inquiry"], jurisdiction=world.court.jurisdiction
    )
    people["civil"] = user_with_password(factories.LiaisonFactory, organisation=civil_affairs, liaison_role="A")
    items = [{"property_kind": "other", "description": "查询被执行人王堃的婚姻登记信息"}]
    notice = draft_notice(people["clerk"], world.case, civil_affairs, measure="marriage_inquiry", items=items)
    advance(notice, "acknowledged", clerk=people["clerk"], leader=people["leader"], liaison=people["civil"])

    lines = [
        models.ReplyResultInputRequest(
            kind=models.ResultKindEnum.MARRIAGE,
            marital_status=models.MaritalStatusEnum.DIVORCED,
            spouse_name="李娜",
            married_on=datetime.date(2010, 5, 20),
            divorced_on=datetime.date(2018, 3, 1),
            registry="广州市荔湾区民政局婚姻登记处",
        ),
        models.ReplyResultInputRequest(
            kind=models.ResultKindEnum.MARRIAGE,
            marital_status=models.MaritalStatusEnum.MARRIED,
            spouse_name="张敏",
            spouse_id_number="44010319900101002X",
            married_on=datetime.date(2020, 10, 1),
        ),
    ]
    wrong = models.ReplyResultInputRequest(
        kind=models.ResultKindEnum.MARRIAGE,
        marital_status=models.MaritalStatusEnum.MARRIED,
        spouse_name="张敏",
        married_on=datetime.date(2020, 10, 1),
        divorced_on=datetime.date(2021, 1, 1),
    )
    refused = module(pkg, "api.notices.notices_reply_create").sync_detailed(
        id=notice.pk,
        client=api["civil"],
        body=models.ReplyInputRequest(outcome=models.OutcomeEnum.DONE, results=[wrong]),
    )
    assert refused.status_code == 400 and "不应填写离婚日期" in refused.parsed["results"][0]
    replied = call(
        pkg,
        "notices.notices_reply_create",
        200,
        id=notice.pk,
        client=api["civil"],
        body=models.ReplyInputRequest(outcome=models.OutcomeEnum.DONE, text="婚姻登记信息如下。", results=lines),
    )
    assert replied.state.value == "replied"
    read = call(pkg, "notices.notices_retrieve", 200, id=notice.pk, client=api["clerk"])
    rows = [
        (r.kind, r.marital_status, r.spouse_name, r.married_on, r.divorced_on, r.relief_accepted)
        for r in read.reply.results
    ]
    assert rows == [
        (
            models.ResultKindEnum.MARRIAGE,
            models.MaritalStatusEnum.DIVORCED,
            "李娜",
            datetime.date(2010, 5, 20),
            datetime.date(2018, 3, 1),
            None,
        ),
        (
            models.ResultKindEnum.MARRIAGE,
            models.MaritalStatusEnum.MARRIED,
            "张敏",
            datetime.date(2020, 10, 1),
            None,
            None,
        ),
    ]
    assert read.reply.results[1].relief_kind is models.BlankEnum.VALUE_0
