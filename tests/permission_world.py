"""One small world for the permission matrix (tests/test_permission_matrix.py): two courts of one jurisdiction, two
member units, the committee, and one object of every kind a URL can name, each brought to the state its routes act
on through the real services. Everything named here is owned by court 1 or by unit X (the meetings are the
committee's, with unit X invited and responsible for their decisions; the assessment is the jurisdiction's), so
every other role meets "somebody else's" object: the matrix checks that it then gets a 404, never a 403 that
admits the object exists. The world also holds one row of every model the Django admin lists.

The roles, in the order of the matrix's columns:

    anonymous   nobody logged in
    clerk1      clerk (执行员) of court 1, which owns every case, notice, listing and report below
    clerk2      clerk of court 2 (same jurisdiction, so only ownership separates it from court 1)
    leader1     bureau leader (执行局领导) of court 1
    liaison_xa  liaison, A role, of unit X (the unit the notices go to; a joint-punishment unit; the police unit that
                urgent dispatch requests go to)
    liaison_xb  liaison, B role, of unit X
    liaison_y   liaison of unit Y (no notice, no decision, not a joint-punishment unit)
    procurator  liaison of the jurisdiction's procuratorate (检察院), a member unit like Y with none of the notices or
                decisions, that holds django-guardian's object grants on one crime referral of court 1 under
                supervision (`crime_supervision`) and on its case (`referral_case`): it reads those two, answers the
                supervision, and meets everything else of court 1 as another's (404)
    committee   reviewer of the political-legal committee (政法委)
    clerk_j2    clerk of the court of a second jurisdiction
    committee_j2  reviewer of the second jurisdiction's committee: none of the objects below is its business
    admin       system administrator (staff and superuser)

The second jurisdiction also has a joint-punishment unit with a liaison (`liaison_j2`, not a column of the matrix:
tests/test_jurisdictions.py reads its feed and pushes).
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assistance import services as notice_services
from assistance.demo import credit_code, person
from assistance.models import Notice, ReplyOutcome
from assistance.services import dispatch as dispatch_services
from blacklist.corrections import services as correction_services
from blacklist.credit_report import services as credit_report_services
from blacklist.grace import services as grace_services
from blacklist.listings import services as listing_services
from blacklist.models import ListingEvent, RestrictionOrder, ScreeningSource
from blacklist.repair import services as repair_services
from blacklist.screening import services as screening
from cases import abuse
from linkage import verification
from linkage.models import Digest, Notification
from linkage.preferences import save_preferences
from linkage.verification_models import IssuedDocumentKind
from meetings import services as meeting_services
from members import services as member_services
from members.models import ChatChannel, Community, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests import factories
from tests.assistance.helpers import APPLICANT, file_case

ROLES = ("anonymous", "clerk1", "clerk2", "leader1", "liaison_xa", "liaison_xb", "liaison_y", "procurator", "committee",
         "clerk_j2", "committee_j2", "admin")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INQUIRY_ITEMS = [{"property_kind": "bank_account", "description": "查询被执行人名下银行存款"}]


class World(dict):
    """Objects by name, readable as attributes (`world.notice_served`)."""

    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__


def _pdf(name="裁定书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world():
    """Build the world through the services; about two hundred rows, a second or two."""
    w = World()
    _people(w)
    _second_jurisdiction(w)
    _notices(w)
    _dispatches(w)
    _relief(w)
    _suggestions(w)
    _referrals(w)
    _tracking(w)
    _members(w)
    _blacklist(w)
    _meetings(w)
    _assessment(w)
    _accountability(w)
    _admin_rows(w)
    return w


def _people(w):
    court1 = factories.CourtFactory(code="pm-court1", name="测试第一人民法院", short_name="一院")
    court2 = factories.CourtFactory(code="pm-court2", name="测试第二人民法院", short_name="二院")
    committee_org = factories.CommitteeFactory(code="pm-committee", name="测试区委政法委", short_name="区委政法委")
    unit_x = factories.OrganisationFactory(code="pm-unit-x", name="测试公安分局", short_name="公安分局", kind="police",
                                           measures=["inquiry", "freeze", "restrict_qualification",
                                                     "locate_person", "seize_vehicle"])
    unit_y = factories.OrganisationFactory(code="pm-unit-y", name="测试市场监管局", short_name="市场监管局",
                                           kind="market_regulation", measures=["inquiry"])
    subdistrict = factories.OrganisationFactory(code="pm-street", name="测试街道办事处", short_name="测试街道",
                                                kind="subdistrict", level="township", measures=["inquiry"])
    w.update(court1=court1, court2=court2, committee_org=committee_org, unit_x=unit_x, unit_y=unit_y,
             subdistrict=subdistrict)
    w.clerk1 = factories.ClerkFactory(organisation=court1, username="pm-clerk1", full_name="一院执行员")
    w.clerk2 = factories.ClerkFactory(organisation=court2, username="pm-clerk2", full_name="二院执行员")
    w.leader1 = factories.LeaderFactory(organisation=court1, username="pm-leader1", full_name="一院局长")
    w.liaison_xa = factories.LiaisonFactory(organisation=unit_x, liaison_role="A", username="pm-xa", full_name="X甲")
    w.liaison_xb = factories.LiaisonFactory(organisation=unit_x, liaison_role="B", username="pm-xb", full_name="X乙")
    w.liaison_y = factories.LiaisonFactory(organisation=unit_y, liaison_role="A", username="pm-ya", full_name="Y甲")
    w.committee = factories.CommitteeUserFactory(organisation=committee_org, username="pm-committee",
                                                 full_name="政法委审核人")
    w.admin = factories.UserFactory(role="admin", username="pm-admin", full_name="管理员", is_staff=True,
                                    is_superuser=True)
    factories.ContactFactory(organisation=unit_x, role="A", name="X甲", user=w.liaison_xa, email="a@x.test")
    factories.ContactFactory(organisation=unit_x, role="B", name="X乙", user=w.liaison_xb)
    factories.ContactFactory(organisation=unit_y, role="A", name="Y甲", user=w.liaison_y)


def _second_jurisdiction(w):
    """A second jurisdiction with its own court, committee and a joint-punishment unit (which restricts
    qualifications), its court's clerk, its committee's reviewer and the unit's liaison. (Its code sorts after the
    first's, which stays the one an administrator's assessment pages open by default.)"""
    j2 = factories.JurisdictionFactory(code="test-j2", name="第二测试辖区")
    w.court_j2 = factories.CourtFactory(jurisdiction=j2, code="pm-j2-court", name="第二辖区人民法院", short_name="二辖法院")
    w.committee_org_j2 = factories.CommitteeFactory(jurisdiction=j2, code="pm-j2-committee", name="第二辖区政法委",
                                                    short_name="二辖政法委")
    w.unit_j2 = factories.OrganisationFactory(jurisdiction=j2, code="pm-j2-unit", name="第二辖区市场监管局",
                                              short_name="二辖市场监管局", kind="market_regulation",
                                              measures=["inquiry", "restrict_qualification"])
    w.clerk_j2 = factories.ClerkFactory(organisation=w.court_j2, username="pm-clerk-j2", full_name="楚雄执行员")
    w.committee_j2 = factories.CommitteeUserFactory(organisation=w.committee_org_j2, username="pm-committee-j2",
                                                    full_name="楚雄政法委审核人")
    w.liaison_j2 = factories.LiaisonFactory(organisation=w.unit_j2, liaison_role="A", username="pm-cx-a",
                                            full_name="楚雄甲")
    factories.ContactFactory(organisation=w.unit_j2, role="A", name="楚雄甲", user=w.liaison_j2)


def _tracking(w):
    """Court 1's locate and vehicle requests to unit X (查人扣车), one per state a tracking route acts on."""
    from assistance.services import tracking as tracking_services

    def acknowledged(measure, **tracking):
        _, (notice,) = notice_services.draft_notices(
            actor=w.clerk1, case=w.case, units=[w.unit_x], measure=measure, debtor=w.debtors[0],
            items=[{"property_kind": "person", "description": "查找被执行人下落"}], ruling_number=w.case.number,
            tracking={"contact_person": "一院执行员", "contact_phone": "13900000009", **tracking})
        notice_services.sign_notice(actor=w.leader1, notice=notice)
        notice_services.serve_notice(actor=w.clerk1, notice=notice)
        return notice_services.acknowledge_notice(actor=w.liaison_xa, notice=notice)

    def found(measure, **tracking):
        notice = acknowledged(measure, **tracking)
        tracking_services.record_finding(actor=w.liaison_xa, notice=notice, place="荔湾区")
        return notice

    w.locate_searching = acknowledged("locate_person", reason="absconded")
    w.locate_found = found("locate_person", reason="absconded")
    w.locate_detained = found("locate_person", reason="absconded")
    tracking_services.suggest_stop_detention(actor=w.liaison_xa, notice=w.locate_detained, reason="患病。")
    w.vehicle_searching = acknowledged("seize_vehicle")
    w.vehicle_reported = found("seize_vehicle")
    notice_services.reply_to_notice(actor=w.liaison_xa, notice=w.vehicle_reported, outcome="done", text="已查扣。",
                                    results=[{"location": "荔湾区", "found_at": timezone.now().isoformat()}])


def _notices(w):
    """Court 1's case and its notices to unit X, one per state a notice route acts on."""
    clerk, leader, liaison = w.clerk1, w.leader1, w.liaison_xa
    w.case = file_case(
        clerk, number="（2026）粤0103执9001号", applicants=[APPLICANT],
        debtors=[
            person("王堃", "19850615", "123"),
            person("李代表", "19700101", "011", is_deputy=True),
            person("赵某", "19750202", "021"),
            person("钱某", "19760303", "031"),
            {"kind": "organisation", "name": "测试贸易有限公司", "credit_code": credit_code("MA59C1K4"),
             "legal_representative": "孙某"},
        ],
    )
    w.debtors = list(w.case.parties.debtors().order_by("position", "id"))
    w.debtor = w.debtors[0]  # the debtor whose registered subdistrict the routes set

    def drafted(**extra):
        _, (notice,) = notice_services.draft_notices(
            actor=clerk, case=w.case, units=[w.unit_x], measure="inquiry", debtor=w.debtors[0],
            items=INQUIRY_ITEMS, ruling_number=w.case.number, **extra)
        return notice

    def signed(**extra):
        return notice_services.sign_notice(actor=leader, notice=drafted(**extra))

    def served(**extra):
        return notice_services.serve_notice(actor=clerk, notice=signed(**extra))

    def acknowledged():
        return notice_services.acknowledge_notice(actor=liaison, notice=served())

    def replied():
        notice = acknowledged()
        notice_services.reply_to_notice(actor=liaison, notice=notice, outcome=ReplyOutcome.NOT_FOUND, text="未查到。")
        notice.refresh_from_db()
        return notice

    w.notice_draft = drafted()
    w.notice_signed = signed()
    # Signing issued it (issue 24): the public check answers anyone who has its code.
    w.issued_notice = verification.issued(w.notice_signed, IssuedDocumentKind.ASSISTANCE_NOTICE)
    w.notice_served = served(ruling_files=[_pdf()])
    w.attachment = w.notice_served.attachments.get()
    w.notice_acknowledged = acknowledged()
    w.notice_replied = replied()
    lifting = notice_services.lift_notice(actor=clerk, notice=served(), ground="performed",
                                          ruling_number="（2026）粤0103执1号之一")
    w.notice_lifted = notice_services.sign_lifting(actor=leader, notice=lifting)
    # A draft the leader returned to the clerk, and a lifting waiting for the leader's sign-off.
    w.notice_returned = notice_services.return_draft(actor=leader, notice=drafted(), reason="文号有误。")
    w.notice_lifting = notice_services.lift_notice(actor=clerk, notice=served(), ground="performed",
                                                   ruling_number="（2026）粤0103执1号之二")
    # A served notice with a pending extension request and a pending review suggestion, for the court to decide.
    w.notice_contested = served()
    w.extension = notice_services.request_extension(actor=liaison, notice=w.notice_contested, days=5,
                                                     reason="需要调取档案。")
    w.review = notice_services.raise_review_suggestion(actor=liaison, notice=w.notice_contested,
                                                       reason="被执行人姓名与登记信息不一致。")
    # A bank freeze served 340 days ago: its 12-month term ends within the renewal window (issue 20, item 4).
    served_long_ago = timezone.now() - datetime.timedelta(days=340)
    _, (expiring,) = notice_services.draft_notices(
        actor=clerk, case=w.case, units=[w.unit_x], measure="freeze", debtor=w.debtors[0],
        items=[{"property_kind": "bank_account", "identifier": "6222000011112222", "period_months": 12,
                "description": "冻结被执行人银行存款"}], ruling_number=w.case.number)
    notice_services.sign_notice(actor=leader, notice=expiring, at=served_long_ago)
    notice_services.serve_notice(actor=clerk, notice=expiring, at=served_long_ago)
    # The bank answered (the term stays the court's record from service): nothing of the world is overdue today.
    notice_services.acknowledge_notice(actor=liaison, notice=expiring)
    frozen_from = timezone.localdate(served_long_ago)
    notice_services.reply_to_notice(
        actor=liaison, notice=expiring, outcome="done", text="已冻结。",
        results=[{"property_kind": "bank_account", "identifier": "6222000011112222", "amount": "1000.00",
                  "start_on": frozen_from, "end_on": frozen_from + datetime.timedelta(days=364)}])
    w.notice_expiring = Notice.objects.get(pk=expiring.pk)
    w.term = w.notice_expiring.terms.get()
    w.notification = Notification.objects.create(recipient=w.liaison_xa, kind="test", title="测试通知",
                                                 link="/inbox/")
    # The notification side's admin pages (issue 19): a preference, a daily digest, a unit's work-chat group.
    save_preferences(user=w.liaison_xa, quiet_hours_enabled=True, quiet_start=datetime.time(22, 0),
                     quiet_end=datetime.time(7, 30), choices={})
    Digest.objects.create(recipient_key=f"user:{w.liaison_xa.pk}", recipient_name="测试联络员",
                          day=datetime.date(2026, 3, 2), item_count=1)
    ChatChannel.objects.create(organisation=w.unit_x, kind="webhook", name="测试工作群",
                               url="https://127.0.0.1:9/hook", secret="s3cret")
    w.webhook = hook = WebhookEndpoint.objects.create(
        organisation=w.unit_x, name="测试推送", url="https://127.0.0.1:9/events", secret="s3cret-0123456789abcdef",
        event_types=["notice.served"])
    w.webhook_delivery = WebhookDelivery.objects.create(endpoint=hook, event=WebhookEvent.objects.create(
        event_type="notice.served", occurred_at=w.notice_served.served_at, data={"id": w.notice_served.pk}))


def _relief(w):
    """Court 1's applicants in hardship (困难申请执行人): one with a judicial-relief proposal waiting for the leader,
    one with none yet, a third not yet recorded; and the jurisdiction's civil-affairs unit that takes referrals (no liaison)."""
    from assistance.services import relief

    w.civil_affairs = factories.OrganisationFactory(code="pm-civil", name="测试民政局", short_name="民政局",
                                                    kind="civil_affairs", measures=["marriage_inquiry", "social_relief"])
    w.relief_case = file_case(w.clerk1, number="（2026）粤0103执9005号", applicants=[
        person("陈困难", "19490101", "012"), person("林困难", "19500202", "022"), person("周困难", "19510303", "032")])
    first, second, w.relief_applicant = w.relief_case.parties.applicants().order_by("position", "id")
    w.hardship = relief.record_hardship(actor=w.clerk1, case=w.relief_case, applicant=first,
                                        circumstances="独居老人，无收入。", unpaid_amount="1000")
    w.hardship_open = relief.record_hardship(actor=w.clerk1, case=w.relief_case, applicant=second,
                                             circumstances="患重病，无收入。", unpaid_amount="1000")
    w.relief_proposal = relief.propose_judicial_relief(actor=w.clerk1, record=w.hardship, amount="500",
                                                       reason="生活困难")


def _suggestions(w):
    """Judicial suggestion letters of court 1 to unit X on the main case: a draft (unit X cannot see it yet), a signed
    one and a served one waiting for the unit's reply."""
    from assistance.services import suggestions

    def draft(facts):
        return suggestions.draft_letter(actor=w.clerk1, case=w.case, unit=w.unit_x, ground="other", facts=facts,
                                        suggestions="建议依法协助执行。")

    w.suggestion_drafted = draft("测试建议事实甲")
    w.suggestion_signed = suggestions.sign_letter(actor=w.leader1, letter=draft("测试建议事实乙"))
    w.suggestion_served = suggestions.serve_letter(
        actor=w.clerk1, letter=suggestions.sign_letter(actor=w.leader1, letter=draft("测试建议事实丙")))
def _referrals(w):
    """Court 1's referrals (assistance/services/referrals.py), each of its own debtor of one case: crime referrals to
    unit X (the police unit) drafted, signed, sent, refused and under supervision; the jurisdiction's procuratorate
    and discipline body are units with a liaison each. The procuratorate's liaison (`procurator`, a column of the
    matrix) holds the guardian grants on the referral under supervision and on its case, and on nothing else; the
    discipline body's liaison is not a column (tests/assistance/test_referrals.py reads its answer)."""
    from assistance.services import referrals

    w.procuratorate = factories.OrganisationFactory(code="pm-procuratorate", name="测试区人民检察院",
                                                    short_name="区检察院", kind="procuratorate")
    w.discipline_unit = factories.OrganisationFactory(code="pm-discipline", name="测试区纪委监委",
                                                      short_name="区纪委监委", kind="discipline")
    w.procurator = factories.LiaisonFactory(organisation=w.procuratorate, liaison_role="A", username="pm-procurator",
                                            full_name="检察联络员")
    w.disciplinarian = factories.LiaisonFactory(organisation=w.discipline_unit, liaison_role="A",
                                                username="pm-discipline", full_name="纪委联络员")
    w.referral_case = file_case(w.clerk1, number="（2026）粤0103执9030号", applicants=[APPLICANT], debtors=[
        person(f"拒执{n}", "19800101", f"{n}1{n}", is_public_servant=n >= 5) for n in range(1, 7)])
    debtors = w.referral_debtors = list(w.referral_case.parties.debtors().order_by("position", "id"))
    evidence = [{"name": "财产报告令及送达回证", "description": "第1-3页"}]

    def draft(debtor):
        return referrals.draft_crime_referral(actor=w.clerk1, case=w.referral_case, debtor=debtor,
                                              facts="转移查封房产。", evidence=evidence)

    def signed(debtor):
        return referrals.sign_crime_referral(actor=w.leader1, referral=draft(debtor))

    def sent(debtor):
        return referrals.send_crime_referral(actor=w.clerk1, referral=signed(debtor))

    def refused(debtor, number):
        return referrals.record_police_refusal(actor=w.liaison_xa, referral=sent(debtor), decision_number=number,
                                               reasons="证据不足。")

    # Each refusal has its own decision number: the one not put to the procuratorate is a leak marker for it.
    w.crime_drafted, w.crime_signed, w.crime_sent, w.crime_refused = (
        draft(debtors[0]), signed(debtors[1]), sent(debtors[2]), refused(debtors[3], "荔公不立字〔2026〕41号"))
    w.crime_supervision = referrals.request_supervision(
        actor=w.clerk1, referral=refused(debtors[4], "荔公不立字〔2026〕52号"), reasons="理由不成立。")
    w.discipline_drafted = referrals.draft_discipline_referral(
        actor=w.clerk1, case=w.referral_case, party=debtors[5], facts="干预执行。", evidence=evidence,
        ruling_number="（2025）粤0103民初1号")
    w.discipline_sent = referrals.send_discipline_referral(actor=w.leader1, referral=referrals.draft_discipline_referral(
        actor=w.clerk1, case=w.referral_case, party=debtors[4], facts="拒不履行。", evidence=evidence,
        ruling_number="（2025）粤0103民初2号"))


def _dispatches(w):
    """Urgent dispatch requests of court 1 to unit X (a police unit), one per state a route acts on, each on its own
    case (a case has one open request at a time), so the main case stays free for the routes that send one."""
    def requested(number, place):
        case = file_case(w.clerk1, number=number, applicants=[APPLICANT], debtors=[person("周某", "19800404", "041")])
        return dispatch_services.request_dispatch(actor=w.clerk1, case=case, place=place, situation="围堵执行人员。")

    w.dispatch_requested = requested("（2026）粤0103执9002号", "测试出警现场甲")
    w.dispatch_acknowledged = dispatch_services.acknowledge_dispatch(
        actor=w.liaison_xa, dispatch=requested("（2026）粤0103执9003号", "测试出警现场乙"))
    w.dispatch_arrived = dispatch_services.arrive_dispatch(
        actor=w.liaison_xb, dispatch=dispatch_services.acknowledge_dispatch(
            actor=w.liaison_xa, dispatch=requested("（2026）粤0103执9004号", "测试出警现场丙")))


def _members(w):
    w.change_request = member_services.request_contact_change(
        actor=w.liaison_xa, organisation=w.unit_x, role="B", reason="原B角调岗。", name="岑卓远", position="科员",
        mobile="13900000001")


def _blacklist(w):
    clerk, leader = w.clerk1, w.leader1
    # The deputy's listing stays proposed (the case's special-debtor notification task was opened at filing).
    w.listing_proposed = listing_services.propose_listing(actor=clerk, debtor=w.debtors[1], ground=2, facts="转移财产。")
    w.special_notification = w.case.special_notifications.get()
    w.listing_published = listing_services.approve_listing(
        actor=leader, listing=listing_services.propose_listing(actor=clerk, debtor=w.debtors[2], ground=2,
                                                               facts="虚假诉讼规避执行。"))
    w.listing_shielded = listing_services.shield_listing(
        actor=clerk, reason="申请执行人同意暂不公布。",
        listing=listing_services.approve_listing(
            actor=leader, listing=listing_services.propose_listing(actor=clerk, debtor=w.debtors[3], ground=2,
                                                                   facts="违反限制消费令。")))
    w.push_event = ListingEvent.objects.filter(listing=w.listing_published, pushed=True).order_by("id").first()
    w.restriction_order = RestrictionOrder.objects.get(listing=w.listing_published)
    w.correction_pending = correction_services.receive_correction_request(
        actor=clerk, listing=w.listing_published, applicant="赵某", content="已履行部分义务。")
    w.correction_rejected = correction_services.decide_correction_request(
        actor=clerk, reason="理由不成立。", corrected=False,
        request=correction_services.receive_correction_request(actor=clerk, listing=w.listing_published,
                                                            applicant="赵某", content="身份信息有误。"))
    _credit_repairs(w)
    w.correction_reconsidering = correction_services.request_reconsideration(
        actor=clerk, request=correction_services.decide_correction_request(
            actor=clerk, reason="理由不成立。", corrected=False,
            request=correction_services.receive_correction_request(actor=clerk, listing=w.listing_published,
                                                                kind="credit_objection", applicant="赵某",
                                                                content="征信异议。")))
    # A grace on the organisation's listing, granted before approval (so never published; blacklist.grace).
    w.grace = grace_services.grant_grace(
        actor=leader, promisor="debtor", promise="承诺于二十日内履行。", promised_on=timezone.localdate(),
        instalments=[{"due_on": timezone.localdate() + datetime.timedelta(days=20), "amount": "1000"}],
        listing=listing_services.propose_listing(actor=clerk, debtor=w.debtors[4], ground=2, facts="拒不申报财产。"))
    w.screening = screening.screen_applicants(
        actor=w.liaison_xa, source=ScreeningSource.SINGLE,
        applicants=[{"name": "赵某", "identifier": w.debtors[2].id_number}])
    # Abuse of process on record against the published debtor, and its judicial credit report (so reading it writes
    # nothing).
    w.abuse_finding = abuse.record_abuse_finding(
        actor=clerk, party=w.debtors[2], kind="sham_lease", facts="倒签租赁合同对抗拍卖。",
        ruling_number="（2026）粤0103民初5号", ruled_on=timezone.localdate(), ruling_court="测试第一人民法院")
    w.credit_party = w.debtors[2]
    credit_report_services.generate_report(party=w.credit_party, reason="requested", actor=clerk)


def _credit_repairs(w):
    """Court 1's credit-repair applications: one pending on the published listing, one granted (by deletion) on a
    listing of its own case, so the world's other listings stay as they are."""
    clerk, leader = w.clerk1, w.leader1
    w.repair_pending = repair_services.receive_repair(
        actor=clerk, listing=w.listing_published, ground="performed", applicant_name="赵某", phone="13800138000",
        statement="已履行全部义务。")
    case = file_case(clerk, number="（2026）粤0103执9010号", applicants=[APPLICANT],
                     debtors=[person("吴某", "19800606", "061")])
    listing = listing_services.approve_listing(
        actor=leader, listing=listing_services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(),
                                                               ground=2, facts="违反财产报告制度。"))
    w.repair_granted = repair_services.grant_repair(
        actor=leader, outcome="deleted", repair=repair_services.receive_repair(
            actor=clerk, listing=listing, ground="performed", applicant_name="吴某", phone="13800138000",
            statement="已履行全部义务。"))


def _meetings(w):
    committee = w.committee
    now = timezone.now().replace(microsecond=0)

    def meeting(title, *, starts_at, units):
        created = meeting_services.create_meeting(
            actor=committee, kind="coordination", title=title, starts_at=starts_at, place="三楼会议室",
            convenor="区委副书记", chair="政法委常务副书记")
        rows = [meeting_services.add_attendance(actor=committee, meeting=created, organisation=unit,
                                                person_name="参会人", position="副局长") for unit in units]
        return created, rows

    w.meeting_draft, (w.attendance_draft, _) = meeting(
        "筹备中的会议", starts_at=now + datetime.timedelta(days=3), units=[w.unit_x, w.unit_y])
    w.meeting_scheduled, _ = meeting("已通知的会议", starts_at=now - datetime.timedelta(hours=2), units=[w.unit_x])
    meeting_services.schedule_meeting(actor=committee, meeting=w.meeting_scheduled)
    w.meeting_held, (w.attendance_held,) = meeting("已召开的会议", starts_at=now - datetime.timedelta(hours=2),
                                                   units=[w.unit_x])
    meeting_services.schedule_meeting(actor=committee, meeting=w.meeting_held)
    meeting_services.hold_meeting(actor=committee, meeting=w.meeting_held)
    w.meeting_published, _ = meeting("已印发纪要的会议", starts_at=now - datetime.timedelta(days=1),
                                     units=[w.unit_x, w.unit_y])
    meeting_services.schedule_meeting(actor=committee, meeting=w.meeting_published)
    meeting_services.hold_meeting(actor=committee, meeting=w.meeting_published)
    today = timezone.localdate()
    w.decision_open = meeting_services.add_decision(actor=committee, meeting=w.meeting_published,
                                                    responsible_unit=w.unit_x, task="协助查找被执行人下落",
                                                    due_on=today + datetime.timedelta(days=14))
    w.decision_replied = meeting_services.add_decision(actor=committee, meeting=w.meeting_published,
                                                       responsible_unit=w.unit_x, task="提供车辆登记信息",
                                                       due_on=today + datetime.timedelta(days=21))
    meeting_services.publish_minutes(actor=committee, meeting=w.meeting_published, document_number="荔政法纪〔2026〕91号")
    meeting_services.reply_to_decision(actor=w.liaison_xa, decision=w.decision_replied, text="已提供。",
                                       attachment=_pdf("回执.pdf"))
    w.decision_replied.refresh_from_db()
    w.decision_reply = w.decision_replied.replies.get()
    w.item = meeting_services.propose_case_coordination(
        actor=w.clerk1, case=w.case, ground="major", description="被执行人财产难以查控。", enforcement_plan="公安协助查找。")
    w.report = meeting_services.create_annual_report(actor=w.clerk1, year=today.year)
    # The committee's briefings: a draft, and one issued to units X and Y's liaisons and court 1's leader.
    from meetings.services import briefings as briefing_services

    w.briefing_draft = briefing_services.draft_briefing(actor=committee, period_from=today.replace(day=1),
                                                        period_to=today, title="草稿通报")
    from members.models import Leader

    Leader.objects.create(jurisdiction=w.court1.jurisdiction, post="区委书记", name="郑国华", mobile="13800000001")
    w.briefing = briefing_services.issue_briefing(actor=committee, briefing=briefing_services.draft_briefing(
        actor=committee, period_from=today.replace(day=1), period_to=today, title="已印发通报"))
    # The leader's personal read link (no account): whoever holds it reads, the first opening is the receipt.
    w.briefing_read_key = briefing_services.read_link(w.briefing.recipients.get(leader__isnull=False)).split("/")[-2]


def _assessment(w):
    """This year's assessment of the jurisdiction, finalised once (version 1) and reopened, so it is under the
    committee's review with a finalised version behind it, a committee adjustment and a pending nomination."""
    from assessment import services as assessment_services

    w.year = timezone.localdate().year
    assessment = assessment_services.open_assessment(actor=w.admin, jurisdiction=w.court1.jurisdiction, year=w.year)
    assessment_services.start_scoring(actor=w.clerk1, assessment=assessment)
    assessment_services.submit_scores(actor=w.clerk1, assessment=assessment)
    assessment_services.finalise(actor=w.committee, assessment=assessment, confirm_early=True)
    assessment_services.reopen(actor=w.committee, assessment=assessment, reason="补充会议决定落实情况。")
    assessment_services.adjust_score(actor=w.committee, assessment=assessment, unit=w.unit_x, criterion="committee",
                                     points="13", reason="日常配合较好。")
    w.nomination = assessment_services.propose_nomination(
        actor=w.clerk1, assessment=assessment, kind="commend_unit", unit=w.unit_x, evidence="全年按期回复。")
    w.assessment = assessment
    w.assessment_version = assessment.versions.get()


def _accountability(w):
    """Court 1's case against an administrative organ, filed a year ago and unpaid (overdue), and court 1's draft
    report of this year's organs overdue, with that case as its row (issue 23)."""
    from assessment import accountability as accountability_services
    from tests.assistance_factories import ApplicantFactory, CaseFactory, OrganisationDebtorFactory

    case = CaseFactory(court=w.court1, created_by=w.clerk1, number="（2025）粤0103执9901号",
                       filed_on=timezone.localdate() - datetime.timedelta(days=370))
    ApplicantFactory(case=case)  # a case has its applicant and its debtor, as every case filed through the service
    OrganisationDebtorFactory(case=case, name="测试区住房和城乡建设局", is_party_government_organ=True)
    w.organs_report = accountability_services.generate(actor=w.clerk1, kind="organs_report", year=w.year)
    w.organs_row = w.organs_report.rows.get()


def _admin_rows(w):
    """One row of each model the admin lists that the product's services have not made above, so that every
    admin change, history and delete page has an object to show."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from linkage import tokens
    from linkage.models import Delivery, Reminder

    w.group = Group.objects.create(name="测试组")
    w.api_token = tokens.issue_for_login(user=w.liaison_y).token
    w.totp_device = TOTPDevice.objects.create(user=w.admin, name="验证器应用", confirmed=False)
    attempt = {"username": "pm-nobody", "ip_address": "127.0.0.1", "user_agent": "matrix", "path_info": "/"}
    w.access_attempt = AccessAttempt.objects.create(**attempt, http_accept="*/*", failures_since_start=1)
    w.access_log = AccessLog.objects.create(**attempt, http_accept="*/*")
    w.access_failure = AccessFailureLog.objects.create(**attempt, http_accept="*/*")
    w.reminder = Reminder.objects.create(
        content_type=ContentType.objects.get_for_model(w.notice_served), object_id=w.notice_served.pk,
        kind="due_soon", due_at=w.notice_served.due_at, recipient_key=f"user:{w.liaison_xa.pk}",
        recipient_name=w.liaison_xa.full_name, notification=w.notification)
    if not Delivery.objects.exists():
        Delivery.objects.create(channel="email", address="a@x.test", subject="测试", body="测试", notification=w.notification)
    # A community of the world's subdistrict (the grid), unless the world made one already.
    w.community = (Community.objects.filter(subdistrict=w.subdistrict).first()
                   or Community.objects.create(subdistrict=w.subdistrict, code="pm-street-1", name="测试社区"))


def _one_page_pdf():
    """The smallest well-formed PDF (one blank A4 page, a correct cross-reference table): issuing signs what is
    laid out, and a signature (and its stamp's appearance) needs a PDF pyHanko can read."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n% permission matrix\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


ONE_PAGE_PDF = _one_page_pdf()
