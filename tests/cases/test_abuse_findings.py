"""Abuse of process on record (issue 22 item 4, 云府 item 17): the court records findings against a party with the
ruling that found them, withdraws one recorded in error (never deleted), and nobody outside the case's court learns
they exist."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.abuse import record_abuse_finding, withdraw_abuse_finding
from cases.models import AbuseFinding, AbuseKind
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from tests import factories
from tests.assistance.helpers import file_case

pytestmark = pytest.mark.django_db

RULING = "（2026）粤5302民初12号之一"


@pytest.fixture
def case(clerk):
    return file_case(clerk)


@pytest.fixture
def debtor(case):
    return case.parties.debtors().get()


def record(actor, party, **overrides):
    fields = {"kind": AbuseKind.SHAM_LEASE, "facts": "被执行人与其亲属倒签租赁合同，对抗拍卖。",
              "ruling_number": "(2026)粤5302民初12号之一", "ruled_on": "2026-05-06", "ruling_court": "云浮市云城区人民法院"}
    return record_abuse_finding(actor=actor, party=party, **{**fields, **overrides})


def test_a_finding_records_the_ruling_normalised(clerk, debtor):
    finding = record(clerk, debtor)
    assert finding.ruling_number == RULING  # full-width parentheses, the suffix kept
    assert finding.ruled_on == datetime.date(2026, 5, 6)
    assert (finding.case_id, finding.court_id, finding.recorded_by) == (debtor.case_id, debtor.case.court_id, clerk)
    assert finding.get_kind_display() == "虚假租赁"


def test_a_leader_of_the_court_records_too(leader, debtor):
    assert record(leader, debtor, kind=AbuseKind.MALICIOUS_OBJECTION).kind == "malicious_objection"


@pytest.mark.parametrize("overrides, field", [
    ({"kind": "bribery"}, "kind"),
    ({"facts": "  "}, "facts"),
    ({"facts": "事" * 10001}, "facts"),
    ({"ruling_number": "第12号"}, "ruling_number"),
    ({"ruling_number": ""}, "ruling_number"),
    ({"ruled_on": ""}, "ruled_on"),
    ({"ruled_on": "2026-13-01"}, "ruled_on"),
    ({"ruling_court": ""}, "ruling_court"),
    ({"ruling_court": "院" * 101}, "ruling_court"),
])
def test_bad_input_is_refused_and_nothing_is_written(clerk, debtor, overrides, field):
    with pytest.raises(ApplicationError) as refused:
        record(clerk, debtor, **overrides)
    assert refused.value.field == field
    assert not AbuseFinding.objects.exists()


def test_a_ruling_date_in_the_future_is_refused(clerk, debtor):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        record(clerk, debtor, ruled_on=tomorrow.isoformat())
    assert refused.value.field == "ruled_on" and "不能晚于今天" in refused.value.message


def test_only_the_case_courts_staff_record_or_withdraw(clerk, debtor, liaison, committee_user):
    other_clerk = factories.ClerkFactory(organisation=factories.CourtFactory())
    for actor in (other_clerk, liaison, committee_user):
        with pytest.raises(PermissionDenied):
            record(actor, debtor)
    finding = record(clerk, debtor)
    with pytest.raises(PermissionDenied):
        withdraw_abuse_finding(actor=other_clerk, finding=finding, reason="错误登记。")
    assert AbuseFinding.objects.get().withdrawn_at is None


def test_withdrawal_keeps_the_row_with_who_and_why_and_happens_once(clerk, leader, debtor):
    finding = record(clerk, debtor)
    with pytest.raises(ApplicationError) as refused:
        withdraw_abuse_finding(actor=leader, finding=finding, reason=" ")
    assert refused.value.field == "reason"
    withdrawn = withdraw_abuse_finding(actor=leader, finding=finding, reason="文号登记错误。")
    assert (withdrawn.withdrawn_by, withdrawn.withdraw_reason) == (leader, "文号登记错误。")
    assert withdrawn.withdrawn_at is not None
    with pytest.raises(TransitionNotAllowed):
        withdraw_abuse_finding(actor=clerk, finding=finding, reason="再次撤回。")
    assert AbuseFinding.objects.count() == 1


# ------------------------------------------------------------------------------------------------ pages


def test_the_case_page_shows_the_section_and_its_form_to_the_courts_staff(client_for, clerk, case, debtor):
    record(clerk, debtor)
    page = client_for(clerk).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "妨害诉讼、执行行为记录" in page and RULING in page and 'id="abuse-finding-form"' in page


def test_the_committee_sees_the_case_but_not_the_findings(client_for, clerk, case, debtor):
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(
        jurisdiction=case.court.jurisdiction))
    record(clerk, debtor)
    response = client_for(committee).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "妨害诉讼、执行行为记录" not in page and RULING not in page


def test_recording_and_withdrawing_from_the_page(client_for, clerk, case, debtor):
    client = client_for(clerk)
    response = client.post(reverse("cases:abuse-finding-new", args=[case.pk]), {
        "abuse-party": debtor.pk, "abuse-kind": "hiding_property", "abuse-facts": "将车辆转移至他人名下。",
        "abuse-ruling_number": RULING, "abuse-ruled_on": "2026-06-01", "abuse-ruling_court": "云浮市中级人民法院"})
    assert response.status_code == 302 and response["Location"].endswith("#abuse-findings")
    finding = AbuseFinding.objects.get()
    assert (finding.party, finding.kind, finding.ruling_court) == (debtor, "hiding_property", "云浮市中级人民法院")
    response = client.post(reverse("cases:abuse-finding-withdraw", args=[case.pk, finding.pk]),
                           {f"abuse{finding.pk}-reason": "当事人错误。"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.withdraw_reason == "当事人错误。"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "已撤回" in page and "当事人错误。" in page


def test_a_refused_form_writes_nothing_and_says_why(client_for, clerk, case, debtor):
    client = client_for(clerk)
    response = client.post(reverse("cases:abuse-finding-new", args=[case.pk]), {
        "abuse-party": debtor.pk, "abuse-kind": "forged_evidence", "abuse-facts": "伪造收据。",
        "abuse-ruling_number": "第5号", "abuse-ruled_on": "2026-06-01", "abuse-ruling_court": "某院"}, follow=True)
    assert not AbuseFinding.objects.exists()
    assert "认定文书文号" in response.content.decode()


def test_a_party_of_another_case_cannot_be_named(client_for, clerk, case):
    other = file_case(clerk, number="（2026）粤0103执9号").parties.debtors().get()
    client_for(clerk).post(reverse("cases:abuse-finding-new", args=[case.pk]), {
        "abuse-party": other.pk, "abuse-kind": "forged_evidence", "abuse-facts": "伪造收据。",
        "abuse-ruling_number": RULING, "abuse-ruled_on": "2026-06-01", "abuse-ruling_court": "某院"})
    assert not AbuseFinding.objects.exists()


def test_everybody_outside_the_court_gets_404_on_the_urls(client_for, clerk, case, debtor, liaison):
    finding = record(clerk, debtor)
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(
        jurisdiction=case.court.jurisdiction))
    other_clerk = factories.ClerkFactory(organisation=factories.CourtFactory())
    body = {"abuse-party": debtor.pk, "abuse-kind": "forged_evidence", "abuse-facts": "伪造收据。",
            "abuse-ruling_number": RULING, "abuse-ruled_on": "2026-06-01", "abuse-ruling_court": "某院"}
    for user in (committee, other_clerk, liaison):
        client = client_for(user)
        assert client.post(reverse("cases:abuse-finding-new", args=[case.pk]), body).status_code == 404
        assert client.post(reverse("cases:abuse-finding-withdraw", args=[case.pk, finding.pk]),
                           {f"abuse{finding.pk}-reason": "撤回。"}).status_code == 404
    assert AbuseFinding.objects.count() == 1 and AbuseFinding.objects.get().withdrawn_at is None
