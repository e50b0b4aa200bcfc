"""A member unit's integrator generates a Python client from the live schema with openapi-python-client and works
through the notice's whole life with it, and the committee through a meeting's (issue 21 items 2-3): no patch to the
schema or the generated code, nothing generated committed. The only generator setting is the one its documentation
gives for a binary type it does not know by name (`application/pdf` read as a file)."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from tests import factories

from .generated_client_support import PASSWORD, call, module, user_with_password

PERSON_ID = "44010319850615123X"  # the debtor (an adult)
APPLICANT_ID = "11010519491231002X"

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_generated_client_drives_a_notice_from_draft_to_reply_the_list_feed_and_a_meeting(client_package, live_server):
    pkg = client_package
    models = module(pkg, "models")
    types = module(pkg, "types")
    court = factories.CourtFactory()
    unit = factories.OrganisationFactory(measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction)
    joint_unit = factories.OrganisationFactory(measures=["restrict_qualification"], jurisdiction=court.jurisdiction)
    people = {
        "clerk": user_with_password(factories.ClerkFactory, organisation=court),
        "leader": user_with_password(factories.LeaderFactory, organisation=court),
        "liaison": user_with_password(factories.LiaisonFactory, organisation=unit, liaison_role="A"),
        "joint": user_with_password(factories.LiaisonFactory, organisation=joint_unit, liaison_role="A"),
        "committee": user_with_password(factories.CommitteeUserFactory,
                                        organisation=factories.CommitteeFactory(jurisdiction=court.jurisdiction)),
    }

    # Token: each role logs in with the generated client, then works with an authenticated one.
    anonymous = pkg.Client(base_url=live_server.url)
    api = {}
    for role, user in people.items():
        issued = call(pkg, "auth.auth_token_create", 200, client=anonymous,
                      body=models.TokenRequestRequest(username=user.username, password=PASSWORD))
        api[role] = pkg.AuthenticatedClient(base_url=live_server.url, token=issued.token, prefix="Token")
    refused = module(pkg, "api.units.units_list").sync_detailed(
        client=pkg.AuthenticatedClient(base_url=live_server.url, token="not-a-token", prefix="Token"))
    assert refused.status_code == 401 and refused.parsed.detail
    assert refused.headers["WWW-Authenticate"] == "Token"

    units = call(pkg, "units.units_list", 200, client=api["clerk"], code=unit.code)
    assert [row.id for row in units.results] == [unit.pk]

    # A case and a notice drafted as JSON, another with the ruling's scan as multipart.
    case = call(pkg, "cases.cases_create", 201, client=api["clerk"], body=models.CaseCreateRequest(
        number="（2026）粤0103执8801号", amount="120000.00", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初8801号", filed_on=timezone.localdate() - datetime.timedelta(days=10),
        applicants=[models.PartyInputRequest(kind=models.PartyKindEnum.PERSON, name="陈大文",
                                             id_number=APPLICANT_ID)],
        debtors=[models.PartyInputRequest(kind=models.PartyKindEnum.PERSON, name="王堃", id_number=PERSON_ID)],
    ))
    debtor = case.debtors[0].id
    inquiry = [models.NoticeItemInputRequest(property_kind=models.PropertyKindEnum.BANK_ACCOUNT,
                                             description="查询被执行人名下银行存款")]
    drafted = call(pkg, "notices.notices_create", 201, client=api["clerk"], body=models.NoticeCreateRequest(
        case=case.id, units=[unit.code], measure="inquiry", debtor=debtor, items=inquiry,
        ruling_number="（2026）粤0103执8801号之一"))
    notice = drafted.notices[0].id
    with_scan = call(pkg, "notices.notices_create", 201, client=api["clerk"], body=models.NoticeCreateUploadRequest(
        case=case.id, units=json.dumps([unit.pk]), measure="inquiry", debtor=debtor,
        items=json.dumps([item.to_dict() for item in inquiry]), ruling_number="（2026）粤0103执8801号之二",
        attachments=[types.File(payload=io.BytesIO(SMALL_PDF), file_name="裁定书.pdf", mime_type="application/pdf")]))
    assert [a.kind.value for a in with_scan.notices[0].attachments] == ["ruling"]

    # Sign, serve; the unit finds it in its inbox, signs for it, asks for more time, raises a review suggestion.
    assert call(pkg, "notices.notices_sign_create", 200, id=notice, client=api["leader"]).state.value == "signed"
    assert call(pkg, "notices.notices_serve_create", 200, id=notice, client=api["clerk"]).state.value == "served"
    inbox = call(pkg, "notices.notices_list", 200, client=api["liaison"],
                 state=models.NoticesListState.SERVED, page_size=200)
    assert [row.id for row in inbox.results] == [notice]
    assert call(pkg, "notices.notices_acknowledge_create", 200, id=notice,
                client=api["liaison"]).state.value == "acknowledged"
    extension = call(pkg, "notices.notices_extension_requests_create", 201, id=notice, client=api["liaison"],
                     body=models.ExtensionRequestInputRequest(days=2, reason="需调取三年流水"))
    decided = call(pkg, "notices.notices_extension_requests_decide_create", 200, id=notice, rid=extension.id,
                   client=api["clerk"], body=models.ExtensionDecisionRequest(granted=True))
    assert decided.extension_requests[0].state.value == "granted"
    suggestion = call(pkg, "notices.notices_review_suggestions_create", 201, id=notice, client=api["liaison"],
                      body=models.ReviewSuggestionInputRequest(reason="账户户名与被执行人不一致"))
    detail = call(pkg, "notices.notices_review_suggestions_decide_create", 200, id=notice, sid=suggestion.id,
                  client=api["clerk"], body=models.ReviewDecisionRequest(upheld=False, reason="户名一致"))
    assert detail.review_suggestions[0].state.value == "not_upheld"

    # A wrong move answers 409 with the state, readable through the generated Error model.
    conflict = module(pkg, "api.notices.notices_serve_create").sync_detailed(id=notice, client=api["clerk"])
    assert conflict.status_code == 409 and conflict.parsed.state == "acknowledged" and conflict.parsed.detail

    # The reply: structured results as the JSON string the multipart form documents, and the stamped scan.
    results = [models.ReplyResultInputRequest(property_kind=models.PropertyKindEnum.BANK_ACCOUNT,
                                              identifier="6222000011112222", institution="工商银行荔湾支行",
                                              value="3560.12")]
    replied = call(pkg, "notices.notices_reply_create", 200, id=notice, client=api["liaison"],
                   body=models.ReplyUploadRequest(
                       outcome=models.OutcomeEnum.DONE, text="已查询，回执附后。",
                       results=json.dumps([result.to_dict() for result in results]),
                       attachments=[types.File(payload=io.BytesIO(SMALL_PDF), file_name="回执.pdf",
                                               mime_type="application/pdf")]))
    assert replied.state.value == "replied"
    read = call(pkg, "notices.notices_retrieve", 200, id=notice, client=api["clerk"])
    assert [(r.identifier, r.value) for r in read.reply.results] == [("6222000011112222", "3560.12")]
    scan = next(a for a in read.attachments if a.kind.value == "reply_scan")
    downloaded = module(pkg, "api.attachments.attachments_retrieve").sync_detailed(id=scan.id, client=api["clerk"])
    assert downloaded.status_code == 200 and downloaded.content == SMALL_PDF
    pdf = module(pkg, "api.notices.notices_pdf_retrieve").sync_detailed(id=notice, client=api["clerk"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # The list: proposed and approved; the joint-punishment unit reads the feed to its end.
    listing = call(pkg, "listings.listings_create", 201, client=api["clerk"], body=models.ListingCreateRequest(
        debtor=debtor, ground=models.ListingGroundEnum(3), facts="转移财产规避执行"))
    assert listing.deletion_ground == ""
    approved = call(pkg, "listings.listings_approve_create", 200, id=listing.id, client=api["leader"],
                    body=models.ListingReasonRequest())
    assert approved.state.value == "published"
    events, after = [], types.UNSET
    while True:
        page = call(pkg, "listings.listings_feed_retrieve", 200, client=api["joint"], after_id=after, limit=1)
        events += page.results
        if page.next_after_id is None or not page.results:
            break
        after = page.next_after_id
    assert [event.listing.id for event in events] == [listing.id]

    # Screening by JSON and by file.
    by_json = call(pkg, "screenings.screenings_create", 201, client=api["liaison"], body=models.ScreeningCreateRequest(
        applicants=[models.ApplicantRequest(name="王堃", id_number=PERSON_ID)]))
    assert by_json.hits == 1
    sheet = io.StringIO()
    csv.writer(sheet).writerows([["姓名", "证件号码"], ["王堃", PERSON_ID], ["陈大文", APPLICANT_ID]])
    by_file = call(pkg, "screenings.screenings_create", 201, client=api["liaison"], body=models.ScreeningUploadRequest(
        file=types.File(payload=io.BytesIO(sheet.getvalue().encode()), file_name="申请人.csv", mime_type="text/csv")))
    assert (by_file.total, by_file.hits) == (2, 1), [r.to_dict() for r in by_file.results]

    # The committee reads meetings and the year's board.
    assert call(pkg, "meetings.meetings_list", 200, client=api["committee"]).count == 0
    board = call(pkg, "assessments.assessments_retrieve", 200, year=timezone.localdate().year,
                 client=api["committee"])
    assert unit.pk in {row.unit.id for row in board.rows}

    # The committee prepares a meeting, edits it, invites the unit, holds it, records a decision, publishes the
    # minutes and downloads them; the unit's system replies to its decision and the committee confirms it done.
    meeting = call(pkg, "meetings.meetings_create", 201, client=api["committee"], body=models.MeetingInputRequest(
        kind=models.MeetingKindEnum.COORDINATION, title="2026年第一次执行联动案件协调会议", place="区委政法委三楼会议室",
        starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=3), convenor="区委副书记、政法委书记",
        chair="区委政法委常务副书记"))
    assert meeting.state.value == "draft"
    an_hour_ago = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    edited = call(pkg, "meetings.meetings_partial_update", 200, id=meeting.id, client=api["committee"],
                  body=models.PatchedMeetingInputRequest(starts_at=an_hour_ago, place="区法院第一会议室"))
    assert (edited.place, edited.starts_at) == ("区法院第一会议室", an_hour_ago)
    invited = call(pkg, "meetings.meetings_attendances_create", 201, id=meeting.id, client=api["committee"],
                   body=models.AttendanceInputRequest(organisation=unit.pk, person_name="张三", position="副局长"))
    assert [row.organisation.id for row in invited.attendances] == [unit.pk]
    assert call(pkg, "meetings.meetings_schedule_create", 200, id=meeting.id,
                client=api["committee"]).state.value == "scheduled"
    notice_pdf = module(pkg, "api.meetings.meetings_notice_pdf_retrieve").sync_detailed(id=meeting.id,
                                                                                        client=api["liaison"])
    assert notice_pdf.status_code == 200 and notice_pdf.content.startswith(b"%PDF")
    assert call(pkg, "meetings.meetings_hold_create", 200, id=meeting.id, client=api["committee"]).state.value == "held"
    decision = call(pkg, "meetings.meetings_decisions_create", 201, id=meeting.id, client=api["committee"],
                    body=models.DecisionInputRequest(responsible_unit=unit.pk, task="协助查找被执行人下落",
                                                     due_on=timezone.localdate() + datetime.timedelta(days=14)))
    call(pkg, "meetings.meetings_summary_create", 200, id=meeting.id, client=api["committee"],
         body=models.SummaryInputRequest(summary="会议听取了法院关于案件执行情况的汇报，议定如下。"))
    not_yet = module(pkg, "api.meetings.meetings_minutes_pdf_retrieve").sync_detailed(id=meeting.id,
                                                                                      client=api["liaison"])
    assert not_yet.status_code == 409 and not_yet.parsed.state == "held"
    published = call(pkg, "meetings.meetings_publish_create", 200, id=meeting.id, client=api["committee"],
                     body=models.PublishInputRequest(document_number="荔政法纪〔2026〕1号"))
    assert published.state.value == "published" and [d.id for d in published.decisions] == [decision.id]
    minutes = module(pkg, "api.meetings.meetings_minutes_pdf_retrieve").sync_detailed(id=meeting.id,
                                                                                      client=api["liaison"])
    assert minutes.status_code == 200 and minutes.content.startswith(b"%PDF")
    assert minutes.headers["Content-Type"] == "application/pdf"
    replied = call(pkg, "decisions.decisions_reply_create", 200, id=decision.id, client=api["liaison"],
                   body=models.DecisionReplyInputRequest(text="已协助查找，情况见回复。"))
    assert replied.state.value == "replied"
    done = call(pkg, "decisions.decisions_complete_create", 200, id=decision.id, client=api["committee"],
                body=models.MeetingReasonRequest(reason="确认办结"))
    assert done.state.value == "done"
