"""Issue 20 item 6, 法释〔2017〕7号 第十条: a deletion at the applicant's written request (第一款第三项) records who asked
and when; 第十条第二款: within six months of that deletion the applicant may not apply again to list the debtor, and
the refusal names the day from which they may. The court may still relist of its own motion, and another applicant
of the case is not barred. Six months are calendar months: the same day six months on, the month's last day when
there is none (31 August → 28 or 29 February), the day of deletion not counted (民法典 arts. 201-202)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from blacklist.listings import rules, services
from blacklist.listings.forms import DeleteForm, ProposeForm
from blacklist.models import DeletionGround, Listing, ListingState
from cases import services as case_services
from linkage.errors import ApplicationError

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ADULT = "44010319850615123X"


def at(year, month, day, hour=10):
    return time_machine.travel(datetime.datetime(year, month, day, hour, tzinfo=SH), tick=False)


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执2021号", amount="90000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初2021号", filed_on="2026-01-05", obligation="给付货款90000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"},
                    {"kind": "organisation", "name": "乙银行股份有限公司", "credit_code": "91110000600037341L",
                     "legal_representative": "王五"}],
        debtors=[{"kind": "person", "name": "张伟", "id_number": ADULT}],
    )


@pytest.fixture
def other_case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执2022号", amount="1000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初2022号", filed_on="2026-01-05", obligation="给付货款1000元",
        applicants=[{"kind": "person", "name": "丙", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "赵六", "id_number": ADULT}],
    )


def party(case, name):
    return case.parties.get(name=name)


def page(user):
    client = Client()
    client.force_login(user)
    return client


def listed(clerk, leader, case, applicant=None, **extra):
    listing = services.propose_listing(actor=clerk, debtor=party(case, "张伟"), ground=3, facts="转移财产",
                                       applicant=applicant, **extra)
    services.approve_listing(actor=leader, listing=listing)
    return listing


def deleted_at_request(clerk, leader, case, *, deleted=(2026, 6, 3), requested=datetime.date(2026, 6, 1),
                       arose=datetime.date(2026, 6, 2), applicant="甲"):
    with at(*deleted):
        listing = listed(clerk, leader, case, applicant=party(case, applicant), applied_on=requested)
        services.delete_listing(actor=clerk, listing=listing, ground=DeletionGround.APPLICANT_REQUEST, arose_on=arose,
                                applicant=party(case, applicant), requested_on=requested)
    listing.refresh_from_db()
    return listing


def apply_again(clerk, case, applicant="甲", **extra):
    return services.propose_listing(actor=clerk, debtor=party(case, "张伟"), ground=3, facts="再次转移财产",
                                    applicant=party(case, applicant), **extra)


# ------------------------------------------------------------------------------------------ calendar months


@pytest.mark.parametrize("day, months, expected", [
    (datetime.date(2026, 6, 1), 6, datetime.date(2026, 12, 1)),
    (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
    (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
    (datetime.date(2026, 7, 31), 6, datetime.date(2027, 1, 31)),
    (datetime.date(2026, 12, 31), 6, datetime.date(2027, 6, 30)),
    (datetime.date(2026, 3, 31), 6, datetime.date(2026, 9, 30)),
    (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
])
def test_calendar_months(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_the_applicant_may_apply_again_the_day_after_the_six_months():
    assert rules.reapply_from(datetime.date(2026, 6, 1)) == datetime.date(2026, 12, 2)
    assert rules.reapply_from(datetime.date(2026, 8, 31)) == datetime.date(2027, 3, 1)
    assert rules.reapply_from(datetime.date(2027, 8, 31)) == datetime.date(2028, 3, 1)


# ------------------------------------------------------------------------------------------ recording the deletion


def test_a_deletion_at_the_applicants_request_records_who_asked_and_when(clerk, leader, case):
    listing = deleted_at_request(clerk, leader, case)
    assert (listing.state, listing.deletion_ground) == (ListingState.DELETED, DeletionGround.APPLICANT_REQUEST)
    assert listing.deletion_applicant == party(case, "甲")
    assert listing.deletion_requested_on == datetime.date(2026, 6, 1)
    data = listing.events.get(action="delete").data
    assert (data["applicant"], data["requested_on"], data["reapply_from"]) == ("甲", "2026-06-01", "2026-12-04")


@pytest.mark.parametrize("extra, field, message", [
    ({}, "applicant", "请选择书面申请删除的申请执行人。"),
    ({"applicant": "甲"}, "requested_on", "请填写申请执行人书面申请删除的日期。"),
    ({"applicant": "张伟", "requested_on": datetime.date(2026, 6, 1)}, "applicant", "应为本案的申请执行人。"),
    ({"applicant": "甲", "requested_on": datetime.date(2026, 6, 3)}, "requested_on",
     "书面申请删除日期不能晚于事由发生日期（人民法院审查同意之日）。"),
    ({"applicant": "甲", "requested_on": datetime.date(2026, 6, 4)}, "requested_on", "书面申请删除日期不能晚于今天。"),
])
def test_a_deletion_at_the_applicants_request_must_name_them(clerk, leader, case, extra, field, message):
    with at(2026, 6, 3):
        listing = listed(clerk, leader, case)
        if "applicant" in extra:
            extra["applicant"] = party(case, extra["applicant"])
        with pytest.raises(ApplicationError) as error:
            services.delete_listing(actor=clerk, listing=listing, ground=DeletionGround.APPLICANT_REQUEST,
                                    arose_on=datetime.date(2026, 6, 2), **extra)
    assert (error.value.field, error.value.message) == (field, message)
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED and listing.deletion_applicant is None


def test_an_applicant_of_another_case_is_refused(clerk, leader, case, other_case):
    listing = listed(clerk, leader, case)
    with pytest.raises(ApplicationError) as error:
        services.delete_listing(actor=clerk, listing=listing, ground=DeletionGround.APPLICANT_REQUEST,
                                arose_on=datetime.date(2026, 6, 2), applicant=party(other_case, "丙"),
                                requested_on=datetime.date(2026, 6, 1))
    assert error.value.message == "应为本案的申请执行人。"


def test_other_grounds_name_no_applicant(clerk, leader, case):
    listing = listed(clerk, leader, case)
    with pytest.raises(ApplicationError) as error:
        services.delete_listing(actor=clerk, listing=listing, ground=DeletionGround.PERFORMED,
                                arose_on=datetime.date(2026, 6, 2), applicant=party(case, "甲"))
    assert error.value.field == "applicant"
    services.delete_listing(actor=clerk, listing=listing, ground=DeletionGround.PERFORMED,
                            arose_on=datetime.date(2026, 6, 2))
    listing.refresh_from_db()
    assert listing.state == ListingState.DELETED and listing.deletion_applicant is None


# ------------------------------------------------------------------------------------------ the six-month bar


def test_a_second_application_within_six_months_is_refused_with_the_date(clerk, leader, case):
    deleted_at_request(clerk, leader, case)  # asked 2026-06-01, deleted 2026-06-03
    with at(2026, 12, 3):  # the last day of the six months
        with pytest.raises(ApplicationError) as error:
            apply_again(clerk, case)
    assert error.value.field == "applicant"
    assert error.value.message == (
        "申请执行人甲于2026年6月1日书面申请删除该被执行人的失信信息，本院已于2026年6月3日删除；依照法释〔2017〕7号第十条第二款，"
        "六个月内（至2026年12月3日）申请执行人不得再次申请将其纳入失信被执行人名单，自2026年12月4日起方可申请。")
    assert Listing.objects.filter(state=ListingState.PROPOSED).count() == 0
    with at(2026, 12, 4):
        again = apply_again(clerk, case)
    assert (again.state, again.applicant, again.applied_on) == (
        ListingState.PROPOSED, party(case, "甲"), datetime.date(2026, 12, 4))


def test_the_application_date_counts_not_the_proposal_date(clerk, leader, case):
    deleted_at_request(clerk, leader, case)
    with at(2026, 12, 10):
        with pytest.raises(ApplicationError):  # asked within the six months, proposed after them
            apply_again(clerk, case, applied_on=datetime.date(2026, 12, 3), decided_on=datetime.date(2026, 12, 10))
        with pytest.raises(ApplicationError):  # an application from before the deletion cannot ground a new listing
            apply_again(clerk, case, applied_on=datetime.date(2026, 5, 1), decided_on=datetime.date(2026, 12, 10))
        listing = apply_again(clerk, case, applied_on=datetime.date(2026, 12, 4), decided_on=datetime.date(2026, 12, 10))
    assert listing.applied_on == datetime.date(2026, 12, 4)


def test_end_of_month_31_august_runs_to_28_february(clerk, leader, case):
    deleted_at_request(clerk, leader, case, deleted=(2026, 8, 31), requested=datetime.date(2026, 8, 27),
                       arose=datetime.date(2026, 8, 28))
    with at(2027, 2, 28):
        with pytest.raises(ApplicationError) as error:
            apply_again(clerk, case)
    assert "至2027年2月28日" in error.value.message and "自2027年3月1日起方可申请" in error.value.message
    with at(2027, 3, 1):
        assert apply_again(clerk, case).state == ListingState.PROPOSED


def test_the_court_may_relist_of_its_own_motion_within_the_six_months(clerk, leader, case):
    deleted_at_request(clerk, leader, case)
    with at(2026, 7, 1):
        relisted = services.propose_listing(actor=clerk, debtor=party(case, "张伟"), ground=3, facts="又转移财产")
    assert relisted.applicant is None and relisted.applied_on is None
    with at(2026, 7, 2):
        services.approve_listing(actor=leader, listing=relisted)
    assert Listing.objects.get(pk=relisted.pk).state == ListingState.PUBLISHED


def test_another_applicant_of_the_case_is_not_barred(clerk, leader, case):
    deleted_at_request(clerk, leader, case, applicant="甲")
    with at(2026, 7, 1):
        listing = apply_again(clerk, case, applicant="乙银行股份有限公司")
    assert listing.applicant == party(case, "乙银行股份有限公司")


def test_a_deletion_on_another_ground_bars_nobody(clerk, leader, case):
    with at(2026, 6, 3):
        listing = listed(clerk, leader, case, applicant=party(case, "甲"), applied_on=datetime.date(2026, 6, 1))
        services.delete_listing(actor=clerk, listing=listing, ground=DeletionGround.PERFORMED,
                                arose_on=datetime.date(2026, 6, 2))
    with at(2026, 6, 4):
        assert apply_again(clerk, case).applicant == party(case, "甲")


def test_a_deletion_recorded_without_its_applicant_bars_every_applicant_of_the_case(clerk, leader, case):
    """Deletions made before the applicant was recorded do not say who asked: the court checks before relisting."""
    with at(2026, 6, 3):
        listing = listed(clerk, leader, case)
        services.delete_listing(actor=clerk, listing=listing, ground=DeletionGround.PERFORMED,
                                arose_on=datetime.date(2026, 6, 2))
    Listing.objects.filter(pk=listing.pk).update(deletion_ground=DeletionGround.APPLICANT_REQUEST)
    with at(2026, 7, 1):
        for name in ("甲", "乙银行股份有限公司"):
            with pytest.raises(ApplicationError) as error:
                apply_again(clerk, case, applicant=name)
            assert error.value.message.startswith(f"申请执行人{name}书面申请删除") and "自2026年12月4日起" in error.value.message


def test_the_approval_applies_the_bar_again(clerk, leader, case):
    """A deletion at the applicant's request recorded while a proposal waited (imported, say) stops its approval."""
    with at(2026, 7, 1):
        proposal = apply_again(clerk, case)
    Listing.objects.create(**{
        field.name: getattr(proposal, field.name) for field in Listing._meta.concrete_fields
        if field.name not in ("id", "proposed_at", "updated_at")
    } | {"state": ListingState.DELETED, "deletion_ground": DeletionGround.APPLICANT_REQUEST,
         "deletion_applicant": party(case, "甲"), "deletion_requested_on": datetime.date(2026, 5, 1),
         "ended_at": datetime.datetime(2026, 5, 5, 10, tzinfo=SH)})
    with at(2026, 7, 2), pytest.raises(ApplicationError) as error:
        services.approve_listing(actor=leader, listing=proposal)
    assert error.value.field is None and "自2026年11月6日起方可申请" in error.value.message
    assert Listing.objects.get(pk=proposal.pk).state == ListingState.PROPOSED


@pytest.mark.parametrize("extra, field, message", [
    ({"applied_on": datetime.date(2026, 7, 1)}, "applicant", "请选择提出申请的申请执行人；依职权纳入的不填申请日期。"),
    ({"applicant": "张伟"}, "applicant", "应为本案的申请执行人。"),
    ({"applicant": "甲", "applied_on": datetime.date(2026, 7, 2)}, "applied_on", "申请纳入日期不能晚于今天。"),
    ({"applicant": "甲", "applied_on": datetime.date(2026, 6, 30), "decided_on": datetime.date(2026, 6, 29)},
     "applied_on", "申请纳入日期不能晚于决定日期。"),
])
def test_the_application_must_be_an_applicants_and_dated(clerk, case, extra, field, message):
    if "applicant" in extra:
        extra["applicant"] = party(case, extra["applicant"])
    with at(2026, 7, 1), pytest.raises(ApplicationError) as error:
        services.propose_listing(actor=clerk, debtor=party(case, "张伟"), ground=3, facts="x", **extra)
    assert (error.value.field, error.value.message) == (field, message)
    assert not Listing.objects.exists()


# ------------------------------------------------------------------------------------------ forms and pages


def test_the_forms_offer_only_the_cases_applicants(clerk, leader, case, other_case):
    form = ProposeForm(case=case)
    assert list(form.fields["applicant"].queryset) == [party(case, "甲"), party(case, "乙银行股份有限公司")]
    bad = ProposeForm({"debtor": party(case, "张伟").pk, "ground": 3, "facts": "x",
                       "applicant": party(other_case, "丙").pk}, case=case)
    assert not bad.is_valid() and bad.errors["applicant"] == ["应为本案的申请执行人。"]
    listing = listed(clerk, leader, case)
    delete = DeleteForm({"ground": "applicant_request", "arose_on": "2026-06-02", "applicant": party(case, "张伟").pk,
                         "requested_on": "2026-06-01"}, listing=listing)
    assert not delete.is_valid() and delete.errors["applicant"] == ["应为本案的申请执行人。"]
    delete = DeleteForm({"ground": "applicant_request", "arose_on": "2026-06-02", "applicant": party(case, "甲").pk,
                         "requested_on": "2026-06-01"}, listing=listing)
    assert delete.is_valid() and delete.cleaned_data["applicant"] == party(case, "甲")
    with at(2026, 6, 1):
        future = DeleteForm({"ground": "applicant_request", "arose_on": "2026-06-01", "applicant": party(case, "甲").pk,
                             "requested_on": "2026-06-02"}, listing=listing)
        assert not future.is_valid() and future.errors["requested_on"] == ["书面申请删除日期不能晚于今天。"]


def test_the_pages_record_the_deletion_and_refuse_the_second_application(clerk, leader, case):
    with at(2026, 6, 3):
        listing = listed(clerk, leader, case)
        client = page(clerk)
        response = client.post(f"/listings/{listing.pk}/delete/", {
            "delete-ground": "applicant_request", "delete-arose_on": "2026-06-02"})
        assert response.status_code == 400 and "请选择书面申请删除的申请执行人。" in response.content.decode()
        response = client.post(f"/listings/{listing.pk}/delete/", {
            "delete-ground": "applicant_request", "delete-arose_on": "2026-06-02",
            "delete-applicant": party(case, "甲").pk, "delete-requested_on": "2026-06-01"})
        assert response.status_code == 302
        detail = client.get(f"/listings/{listing.pk}/").content.decode()
    assert 'id="reapply-from"' in detail and "申请执行人甲于2026-06-01书面申请删除" in detail
    assert "自2026-12-04起方可申请" in detail
    with at(2026, 9, 1):
        response = page(clerk).post(f"/cases/{case.pk}/listings/new/", {
            "debtor": party(case, "张伟").pk, "ground": 3, "facts": "又转移财产", "applicant": party(case, "甲").pk})
    assert response.status_code == 400 and "自2026年12月4日起方可申请" in response.content.decode()
    assert not Listing.objects.filter(state=ListingState.PROPOSED).exists()
    with at(2026, 12, 4):
        response = page(clerk).post(f"/cases/{case.pk}/listings/new/", {
            "debtor": party(case, "张伟").pk, "ground": 3, "facts": "又转移财产", "applicant": party(case, "甲").pk})
        assert response.status_code == 302
        detail = page(clerk).get(response["Location"]).content.decode()
    assert "申请执行人甲于2026-12-04申请" in detail


# ------------------------------------------------------------------------------------------ API


def test_the_api_records_the_deletion_and_refuses_the_second_application(api_for, clerk, leader, case, other_case):
    api = api_for(clerk)
    with at(2026, 6, 3):
        body = {"debtor": party(case, "张伟").pk, "ground": 3, "facts": "转移财产",
                "applicant": party(other_case, "丙").pk}
        response = api.post("/api/v1/listings/", body, format="json")
        assert response.status_code == 400 and response.json() == {"applicant": ["应为本案的申请执行人。"]}
        response = api.post("/api/v1/listings/", {**body, "applicant": party(case, "甲").pk,
                                                  "applied_on": "2026-06-01"}, format="json")
        assert response.status_code == 201, response.json()
        created = response.json()
        assert (created["applicant"], created["applied_on"]) == (party(case, "甲").pk, "2026-06-01")
        lid = created["id"]
        api_for(leader).post(f"/api/v1/listings/{lid}/approve/", {}, format="json")
        delete = {"ground": "applicant_request", "arose_on": "2026-06-02"}
        response = api.post(f"/api/v1/listings/{lid}/delete/", delete, format="json")
        assert response.status_code == 400 and response.json() == {"applicant": ["请选择书面申请删除的申请执行人。"]}
        response = api.post(f"/api/v1/listings/{lid}/delete/", {**delete, "applicant": party(case, "甲").pk,
                                                                 "requested_on": "2026-06-04"}, format="json")
        assert response.status_code == 400 and response.json() == {"requested_on": ["书面申请删除日期不能晚于今天。"]}
        response = api.post(f"/api/v1/listings/{lid}/delete/", {**delete, "applicant": party(case, "甲").pk,
                                                                 "requested_on": "2026-06-01"}, format="json")
        assert response.status_code == 200, response.json()
        body_after = response.json()
    assert (body_after["state"], body_after["deletion_applicant"], body_after["deletion_requested_on"]) == (
        "deleted", party(case, "甲").pk, "2026-06-01")
    assert body_after["events"][-1]["data"]["reapply_from"] == "2026-12-04"
    with at(2026, 12, 3):
        response = api.post("/api/v1/listings/", {"debtor": party(case, "张伟").pk, "ground": 3, "facts": "又转移",
                                                  "applicant": party(case, "甲").pk}, format="json")
    assert response.status_code == 400
    assert "至2026年12月3日" in response.json()["applicant"][0]
    assert "自2026年12月4日起方可申请" in response.json()["applicant"][0]
