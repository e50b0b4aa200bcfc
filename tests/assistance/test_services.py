"""The notice state machine: every move is one service that checks the move and records an event; bad input
changes nothing; deadlines follow the working-day calendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import ProgrammingError, connection
from django.utils import timezone

from assistance import services
from assistance.models import (
    Attachment,
    DeadlineRule,
    Notice,
    NoticeEvent,
    NoticeState,
    Reply,
    ReviewState,
)
from cases import services as case_services
from cases.models import CaseStatus
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="(2026)粤0103执1234号", amount="150000.00", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初456号", filed_on="2026-03-02",
        applicants=[{"kind": "person", "name": "陈申请", "id_number": "11010519491231002X"}],
        debtors=[
            {"kind": "person", "name": "王堃", "id_number": "44010319850615123X"},
            {"kind": "organisation", "name": "某某贸易有限公司", "credit_code": "91110000600037341L",
             "legal_representative": "李四"},
        ],
    )


@pytest.fixture
def two_units(court):
    return [factories.OrganisationFactory(measures=["inquiry", "freeze"], jurisdiction=court.jurisdiction)
            for _ in range(2)]


def draft(clerk, case, units, measure="inquiry", **overrides):
    data = dict(
        actor=clerk, case=case, units=units, measure=measure, debtor=case.parties.debtors().first(),
        items=[{"property_kind": "bank_account", "identifier": "6222000011112222", "holder": "工商银行荔湾支行",
                "amount": "150000", "description": "查询被执行人名下银行账户及存款余额"}],
        ruling_number="（2026）粤0103执1234号之一",
    )
    data.update(overrides)
    return services.draft_notices(**data)


def served_notice(clerk, leader, case, unit, at=None):
    _, (notice,) = draft(clerk, case, [unit])
    services.sign_notice(actor=leader, notice=notice)
    return services.serve_notice(actor=clerk, notice=notice, at=at)


def test_case_number_is_stored_canonical(case):
    assert case.number == "（2026）粤0103执1234号"
    assert case.parties.debtors().count() == 2


def test_draft_goes_to_several_units_one_notice_each(clerk, case, two_units):
    batch, notices = draft(clerk, case, two_units)
    assert [n.unit for n in notices] == two_units
    assert all(n.batch == batch and n.state == NoticeState.DRAFT for n in notices)
    assert all(n.items.count() == 1 for n in notices)
    assert NoticeEvent.objects.filter(action="create").count() == 2


def test_unit_that_cannot_do_the_measure_is_refused_and_nothing_written(clerk, case, two_units, court):
    police = factories.OrganisationFactory(measures=["locate_person"], jurisdiction=court.jurisdiction)
    with pytest.raises(ApplicationError) as error:
        draft(clerk, case, [two_units[0], police])
    assert "职责范围不包括" in error.value.message and police.name in error.value.message
    assert not Notice.objects.exists()


def test_clerk_of_another_court_cannot_draft(case, two_units):
    other_clerk = factories.ClerkFactory()
    with pytest.raises(PermissionDenied):
        draft(other_clerk, case, two_units)
    assert not Notice.objects.exists()


def test_full_lifecycle_records_each_step(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit)
    assert notice.served_at and notice.due_at and notice.deadline_rule == "3个工作日"
    services.acknowledge_notice(actor=liaison, notice=notice)
    upload = SimpleUploadedFile("回执.pdf", PDF_BYTES, content_type="application/pdf")
    reply = services.reply_to_notice(
        actor=liaison, notice=notice, outcome="done", text="已查询",
        results=[{"property_kind": "bank_account", "identifier": "6222000011112222", "institution": "工商银行",
                  "value": "35000.50"}],
        attachments=[upload],
    )
    assert reply.results.get().value == 35000.50
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.reply == reply
    services.close_notice(actor=clerk, notice=notice)
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    steps = list(notice.events.values_list("action", "from_state", "to_state"))
    assert steps == [
        ("create", "", "draft"), ("sign", "draft", "signed"), ("serve", "signed", "served"),
        ("acknowledge", "served", "acknowledged"), ("reply", "acknowledged", "replied"), ("close", "replied", "closed"),
    ]
    assert all(e.actor_id for e in notice.events.all())


def test_reply_before_acknowledgement_is_refused(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit)
    with pytest.raises(TransitionNotAllowed) as error:
        services.reply_to_notice(actor=liaison, notice=notice, outcome="not_found", text="未查到")
    assert "请先签收" in error.value.message and error.value.state == "served"
    assert not Reply.objects.exists()


@pytest.mark.parametrize("action", ["serve", "close", "acknowledge"])
def test_moves_from_the_wrong_state_are_refused(clerk, case, two_units, action):
    _, (notice,) = draft(clerk, case, two_units[:1])
    liaison = factories.LiaisonFactory(organisation=two_units[0])
    call = {
        "serve": lambda: services.serve_notice(actor=clerk, notice=notice),
        "close": lambda: services.close_notice(actor=clerk, notice=notice),
        "acknowledge": lambda: services.acknowledge_notice(actor=liaison, notice=notice),
    }[action]
    with pytest.raises(TransitionNotAllowed) as error:
        call()
    assert error.value.state == "draft" and "草稿" in error.value.message
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT and notice.events.count() == 1


def test_only_the_court_leader_signs(clerk, case, two_units):
    _, (notice,) = draft(clerk, case, two_units[:1])
    with pytest.raises(PermissionDenied):
        services.sign_notice(actor=clerk, notice=notice)
    with pytest.raises(PermissionDenied):
        services.sign_notice(actor=factories.LeaderFactory(), notice=notice)  # a leader of another court


def test_only_the_addressed_unit_acknowledges(clerk, leader, case, two_units):
    notice = served_notice(clerk, leader, case, two_units[0])
    with pytest.raises(PermissionDenied):
        services.acknowledge_notice(actor=factories.LiaisonFactory(organisation=two_units[1]), notice=notice)


def test_a_move_whose_audit_entry_cannot_be_written_is_rolled_back(clerk, leader, case, two_units, monkeypatch):
    """A change and its audit entry commit together or not at all. The entry's INSERT is made to fail in PostgreSQL
    itself (it names a column the table does not have): the move raises, and the notice, its history and the log are
    as they were."""
    notice = served_notice(clerk, leader, case, two_units[0])
    liaison = factories.LiaisonFactory(organisation=two_units[0])
    entries = AuditEntry.objects.count()
    table = f'INSERT INTO "{AuditEntry._meta.db_table}"'

    def broken_audit_insert(execute, sql, params, many, context):
        if sql.startswith(table):
            sql = sql.replace('"changes"', '"no_such_column"')
        return execute(sql, params, many, context)

    with connection.execute_wrapper(broken_audit_insert), pytest.raises(ProgrammingError):
        services.acknowledge_notice(actor=liaison, notice=notice)
    notice.refresh_from_db()
    assert (notice.state, notice.acknowledged_by) == (NoticeState.SERVED, None)
    assert not notice.events.filter(action="acknowledge").exists()
    assert AuditEntry.objects.count() == entries


def test_a_move_reads_its_notice_once_and_logs_the_change(clerk, leader, case, two_units, django_assert_num_queries):
    """The notice is read once, locked (the audit's "before" picture comes from that read, not from a second
    SELECT), updated, and the update and the event are each logged — the log shows the fields that changed."""
    notice = served_notice(clerk, leader, case, two_units[0])
    liaison = factories.LiaisonFactory(organisation=two_units[0])
    with django_assert_num_queries(7) as captured:  # savepoint, SELECT ... FOR UPDATE, UPDATE, INSERT ×3, release
        services.acknowledge_notice(actor=liaison, notice=notice)
    executed = [query["sql"] for query in captured.captured_queries]
    locked = [sql for sql in executed if "FOR UPDATE" in sql]
    assert len(locked) == 1 and locked[0].endswith('FOR UPDATE OF "assistance_notice"')
    change = AuditEntry.objects.filter(action="update", content_type__model="notice", object_id=str(notice.pk)).first()
    assert change.changes["state"] == ["served", "acknowledged"]
    assert change.changes["acknowledged_by_id"] == [None, liaison.pk]
    assert set(change.changes) == {"state", "acknowledged_at", "acknowledged_by_id", "updated_at"}


def test_serving_before_national_day_counts_working_days(clerk, leader, case, two_units):
    # Served on Wednesday 2026-09-30, the last working day before the National Day holiday (10-01..10-07);
    # 3 working days: 10-08 (Thu), 10-09 (Fri), 10-10 (make-up Saturday).
    notice = served_notice(clerk, leader, case, two_units[0], at=datetime.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))
    due = notice.due_at.astimezone(SHANGHAI)
    assert (due.date(), due.hour, due.minute) == (datetime.date(2026, 10, 10), 23, 59)
    assert notice.deadline_provisional is False
    assert "2026-10-10" in notice.deadline_explanation["makeup_days"]


def test_unit_specific_rule_overrides_the_default(clerk, leader, case, two_units):
    from members.models import Measure

    DeadlineRule.objects.create(measure=Measure.objects.get(code="inquiry"), unit=two_units[0], count=24,
                                count_unit="hours")
    served_at = datetime.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
    notice = served_notice(clerk, leader, case, two_units[0], at=served_at)
    assert notice.due_at == served_at + datetime.timedelta(hours=24)
    assert notice.deadline_rule == "24小时"


def test_deadline_in_an_unknown_year_is_provisional(clerk, leader, case, two_units):
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, tzinfo=SHANGHAI), tick=False):
        notice = served_notice(clerk, leader, case, two_units[0], at=datetime.datetime(2027, 3, 1, 9, tzinfo=SHANGHAI))
    assert notice.deadline_provisional is True


def test_service_in_the_future_is_refused(clerk, leader, case, two_units):
    _, (notice,) = draft(clerk, case, two_units[:1])
    services.sign_notice(actor=leader, notice=notice)
    with pytest.raises(ApplicationError) as error:
        services.serve_notice(actor=clerk, notice=notice, at=timezone.now() + datetime.timedelta(hours=1))
    assert "不能晚于现在" in error.value.message
    notice.refresh_from_db()
    assert notice.state == NoticeState.SIGNED


def test_review_upheld_after_the_reply_asks_for_lifting(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit)
    services.acknowledge_notice(actor=liaison, notice=notice)
    suggestion = services.raise_review_suggestion(actor=liaison, notice=notice, reason="账户不属于被执行人")
    services.reply_to_notice(actor=liaison, notice=notice, outcome="not_found", text="未查到")
    with pytest.raises(TransitionNotAllowed) as error:
        services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=True, resolution="withdrawn",
                                          reason="成立")
    assert "请解除" in error.value.message
    suggestion.refresh_from_db()
    assert suggestion.state == ReviewState.PENDING


def test_units_of_another_jurisdiction_are_refused(clerk, case):
    elsewhere = factories.OrganisationFactory(
        measures=["inquiry"], jurisdiction=factories.JurisdictionFactory(code="elsewhere", name="别处"))
    with pytest.raises(ApplicationError) as error:
        draft(clerk, case, [elsewhere])
    assert "本辖区" in error.value.message
    assert not Notice.objects.exists()


def test_extension_granted_moves_the_deadline_by_working_days(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit, at=datetime.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: datetime.datetime(2026, 10, 9, 9, tzinfo=SHANGHAI))
        request = services.request_extension(actor=liaison, notice=notice, days=2, reason="需调取档案")
        services.decide_extension(actor=clerk, request=request, granted=True, reason="同意")
    notice.refresh_from_db()
    # From the close of Saturday 10-10 (make-up day): 2 working days → Mon 10-12, Tue 10-13.
    assert notice.due_at.astimezone(SHANGHAI).date() == datetime.date(2026, 10, 13)
    assert notice.events.filter(action="extension_granted").get().data["due_at"].startswith("2026-10-13")


@pytest.mark.parametrize("days", [0, 31, "x"])
def test_extension_days_out_of_range_are_refused(clerk, leader, case, two_units, days):
    unit = two_units[0]
    notice = served_notice(clerk, leader, case, unit)
    with pytest.raises(ApplicationError) as error:
        services.request_extension(actor=factories.LiaisonFactory(organisation=unit), notice=notice, days=days,
                                   reason="x")
    assert error.value.field == "days"
    assert not notice.extension_requests.exists()


def test_review_suggestion_not_upheld_keeps_the_clock(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit)
    due = notice.due_at
    suggestion = services.raise_review_suggestion(actor=liaison, notice=notice, reason="该账户已被他院冻结")
    with pytest.raises(ApplicationError):
        services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=False, reason="")
    services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=False, reason="轮候冻结仍应办理")
    notice.refresh_from_db()
    suggestion.refresh_from_db()
    assert suggestion.state == ReviewState.NOT_UPHELD
    assert notice.state == NoticeState.SERVED and notice.due_at == due


def test_review_suggestion_upheld_with_amendment_withdraws_and_redrafts(clerk, leader, case, two_units):
    unit = two_units[0]
    notice = served_notice(clerk, leader, case, unit)
    suggestion = services.raise_review_suggestion(actor=factories.LiaisonFactory(organisation=unit), notice=notice,
                                                  reason="账号有误")
    _, new_draft = services.decide_review_suggestion(actor=clerk, suggestion=suggestion, upheld=True,
                                                     resolution="amended", reason="核实账号后重发")
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN
    assert new_draft.state == NoticeState.DRAFT and new_draft.supersedes == notice
    assert new_draft.items.count() == notice.items.count()


def test_lift_records_the_ground(clerk, leader, case, two_units):
    notice = served_notice(clerk, leader, case, two_units[0])
    with pytest.raises(ApplicationError):
        services.lift_notice(actor=clerk, notice=notice, ground="because")
    with pytest.raises(ApplicationError, match="解除裁定书文号"):
        services.lift_notice(actor=clerk, notice=notice, ground="performed", ruling_number="第一号裁定")
    services.lift_notice(actor=clerk, notice=notice, ground="performed", reason="已全部履行",
                         ruling_number="（2026）粤0103执1号之一")
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTING and notice.lift_ground == "performed" and not notice.lifted_at
    services.sign_lifting(actor=leader, notice=notice)
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTED and notice.lifted_at and notice.lift_signed_by == leader


def test_concluding_a_case_lifts_every_measure_still_in_force(clerk, leader, case, two_units):
    live = served_notice(clerk, leader, case, two_units[0])
    _, (still_draft,) = draft(clerk, case, two_units[1:])
    case_services.set_case_status(actor=clerk, case=case, status=CaseStatus.CONCLUDED, reason="已全部履行",
                                  lifting_ruling_number="（2026）粤0103执1号之一")
    live.refresh_from_db()
    still_draft.refresh_from_db()
    assert live.state == NoticeState.LIFTING and live.lift_ground == "concluded"
    assert live.lifting_ruling_number == "（2026）粤0103执1号之一"
    assert still_draft.state == NoticeState.WITHDRAWN


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 100, "不是可接受的文件类型"),
        ("run.pdf", b"\x7fELF" + b"\x00" * 100, "不是可接受的文件类型"),
        ("scan.png", PDF_BYTES, "扩展名与文件内容"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_written(clerk, leader, case, two_units, name, content, fragment):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit)
    services.acknowledge_notice(actor=liaison, notice=notice)
    with pytest.raises(ApplicationError) as error:
        services.reply_to_notice(actor=liaison, notice=notice, outcome="not_found", text="未查到",
                                 attachments=[SimpleUploadedFile(name, content)])
    assert fragment in error.value.message
    notice.refresh_from_db()
    assert notice.state == NoticeState.ACKNOWLEDGED
    assert not Reply.objects.exists() and not Attachment.objects.exists()


def test_thirty_megabyte_attachment_is_refused(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit)
    services.acknowledge_notice(actor=liaison, notice=notice)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024))
    with pytest.raises(ApplicationError) as error:
        services.reply_to_notice(actor=liaison, notice=notice, outcome="not_found", text="未查到", attachments=[big])
    assert "超过上限" in error.value.message
    assert not Reply.objects.exists()


def test_inquiry_done_needs_structured_results(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    notice = served_notice(clerk, leader, case, unit)
    services.acknowledge_notice(actor=liaison, notice=notice)
    with pytest.raises(ApplicationError) as error:
        services.reply_to_notice(actor=liaison, notice=notice, outcome="done", results=[])
    assert "查询到的财产" in error.value.message
    with pytest.raises(ApplicationError) as error:
        services.reply_to_notice(actor=liaison, notice=notice, outcome="done",
                                 results=[{"property_kind": "bank_account"}])
    assert "账号" in error.value.message
    assert not Reply.objects.exists()


def test_freeze_reply_records_the_period(clerk, leader, case, two_units):
    unit = two_units[0]
    liaison = factories.LiaisonFactory(organisation=unit)
    _, (notice,) = draft(clerk, case, [unit], measure="freeze")
    services.sign_notice(actor=leader, notice=notice)
    services.serve_notice(actor=clerk, notice=notice)
    services.acknowledge_notice(actor=liaison, notice=notice)
    with pytest.raises(ApplicationError) as error:
        services.reply_to_notice(actor=liaison, notice=notice, outcome="done", results=[
            {"identifier": "6222", "amount": "1000", "start_on": "2026-03-02", "end_on": "2026-03-01"}])
    assert "届满日期不能早于起始日期" in error.value.message
    reply = services.reply_to_notice(actor=liaison, notice=notice, outcome="done", results=[
        {"identifier": "6222", "amount": "1000", "start_on": "2026-03-02", "end_on": "2027-03-01"}])
    result = reply.results.get()
    assert (result.kind, result.end_on) == ("freeze", datetime.date(2027, 3, 1))


def test_wrong_debtor_id_is_refused_when_filing(clerk):
    with pytest.raises(ApplicationError) as error:
        case_services.create_case(
            actor=clerk, number="（2026）粤0103执2000号", amount="1", basis_issuer="某院", basis_number="（2025）粤0103民初1号",
            filed_on="2026-03-02", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
            debtors=[{"kind": "person", "name": "乙", "id_number": "110105194912310021"}],
        )
    assert error.value.field == "debtors" and "校验" in error.value.message
    from cases.models import Case

    assert not Case.objects.exists()


def test_overdue_is_derived(clerk, leader, case, two_units):
    notice = served_notice(clerk, leader, case, two_units[0], at=datetime.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))
    before = datetime.datetime(2026, 10, 10, 23, 0, tzinfo=SHANGHAI)
    after = datetime.datetime(2026, 10, 11, 0, 0, tzinfo=SHANGHAI)
    assert not notice.is_overdue(before) and notice.is_overdue(after)
    assert list(Notice.objects.overdue(on=after)) == [notice]
    assert not Notice.objects.overdue(on=before).exists()


def test_visibility(clerk, leader, case, two_units, committee_user, admin_user):
    _, (notice,) = draft(clerk, case, two_units[:1])
    own = factories.LiaisonFactory(organisation=two_units[0])
    other = factories.LiaisonFactory(organisation=two_units[1])
    assert list(Notice.objects.visible_to(clerk)) == [notice]
    assert not Notice.objects.visible_to(own).exists()  # a draft is not the unit's business yet
    services.sign_notice(actor=leader, notice=notice)
    assert not Notice.objects.visible_to(own).exists()
    services.serve_notice(actor=clerk, notice=notice)
    assert list(Notice.objects.visible_to(own)) == [notice]
    assert not Notice.objects.visible_to(other).exists()
    assert not Notice.objects.visible_to(factories.ClerkFactory()).exists()
    assert list(Notice.objects.visible_to(committee_user)) == [notice]
    assert not Notice.objects.visible_to(admin_user).exists()


def test_serving_just_before_the_spring_festival(clerk, leader, case, two_units):
    # Served Friday 2026-02-13; Saturday 02-14 is a make-up working day (1), 02-15..02-23 the holiday,
    # then Tue 02-24 (2) and Wed 02-25 (3).
    notice = served_notice(clerk, leader, case, two_units[0], at=datetime.datetime(2026, 2, 13, 10, tzinfo=SHANGHAI))
    assert notice.due_at == datetime.datetime(2026, 2, 25, 23, 59, 59, tzinfo=SHANGHAI)
    assert "2026-02-14" in notice.deadline_explanation["makeup_days"]
    skipped = {entry["date"] for entry in notice.deadline_explanation["skipped"]}
    assert {"2026-02-15", "2026-02-23"} <= skipped


def test_hours_rule_runs_through_a_holiday(clerk, leader, case, court):
    """A locate request's 24 hours run from the recorded finding, not from service (assistance/tracking.py), and
    through a holiday."""
    from assistance.services import tracking as tracking_services

    police = factories.OrganisationFactory(measures=["locate_person"], jurisdiction=court.jurisdiction)
    liaison = factories.LiaisonFactory(organisation=police, liaison_role="A")
    _, (notice,) = draft(clerk, case, [police], measure="locate_person",
                         tracking={"reason": "absconded", "contact_person": "林佩文", "contact_phone": "13912345678"})
    services.sign_notice(actor=leader, notice=notice)
    served_at = datetime.datetime(2026, 9, 29, 9, tzinfo=SHANGHAI)
    notice = services.serve_notice(actor=clerk, notice=notice, at=served_at)
    assert notice.due_at == datetime.datetime(2026, 10, 29, 9, tzinfo=SHANGHAI)  # the first status reply
    tracking_services.record_finding(actor=liaison, notice=notice, found_at=datetime.datetime(2026, 9, 30, 20,
                                                                                              tzinfo=SHANGHAI),
                                     place="荔湾区")
    notice.refresh_from_db()
    # 24 clock hours from the finding: the National Day holiday does not stop the clock.
    assert notice.due_at == datetime.datetime(2026, 10, 1, 20, tzinfo=SHANGHAI)
    assert notice.deadline_rule == "发现后24小时内通知法院" and notice.deadline_provisional is False
