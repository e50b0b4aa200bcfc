"""Issue 20 item 5: the decision date of a listing is never after today, the debtor's age is counted on it from the
birth date in the resident ID number, and the approval checks both again (法释〔2017〕7号 art. 3: no minors).

The issue's report ("a minor is published by giving a future date: proposal 201, approval 200, age 20") is replayed
through the API and the page first; then every path that sets the date or the age: the form, the serializer, the
service, a correction of the identity number, the approval."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from blacklist.listings import rules, services
from blacklist.listings.forms import ProposeForm
from blacklist.listings.serializers import ListingCreateSerializer
from blacklist.models import Listing, ListingState, RestrictionOrder
from cases import services as case_services
from linkage.errors import ApplicationError
from linkage.identifiers import resident_id_check_char

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 15)
NOON = datetime.datetime(2026, 6, 15, 12, tzinfo=SH)


def resident_id(born, serial="123"):
    body = f"440103{born:%Y%m%d}{serial}"
    return body + resident_id_check_char(body)


ADULT = resident_id(datetime.date(1985, 6, 15))
MINOR = resident_id(datetime.date(2010, 3, 1), "456")  # 20 on 2030-03-01: the "age recorded as 20"
EIGHTEEN_TODAY = resident_id(datetime.date(2008, 6, 15), "135")  # 18th birthday on TODAY
EIGHTEEN_TOMORROW = resident_id(datetime.date(2008, 6, 16), "246")
LEAP = resident_id(datetime.date(2008, 2, 29), "357")


@pytest.fixture
def case(clerk):
    return case_services.create_case(
        actor=clerk, number="（2026）粤0103执2020号", amount="90000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初2020号", filed_on="2026-01-05", obligation="给付货款90000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[
            {"kind": "person", "name": "张伟", "id_number": ADULT},
            {"kind": "person", "name": "小明", "id_number": MINOR},
            {"kind": "person", "name": "成年", "id_number": EIGHTEEN_TODAY},
            {"kind": "person", "name": "明天", "id_number": EIGHTEEN_TOMORROW},
            {"kind": "person", "name": "闰生", "id_number": LEAP},
            {"kind": "organisation", "name": "某某贸易有限公司", "credit_code": "91110000600037341L",
             "legal_representative": "李四"},
        ],
    )


@pytest.fixture
def today():
    with time_machine.travel(NOON, tick=False):
        yield TODAY


def debtor(case, name):
    return case.parties.get(name=name)


def propose(clerk, case, name="张伟", **extra):
    return services.propose_listing(actor=clerk, debtor=debtor(case, name), ground=3, facts="转移财产", **extra)


def page(user):
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------------------ the report


def test_the_report_a_minor_with_a_future_date_is_refused_by_the_api_and_writes_nothing(api_for, clerk, case, today):
    api = api_for(clerk)
    response = api.post("/api/v1/listings/", {"debtor": debtor(case, "小明").pk, "ground": 3, "facts": "转移财产",
                                              "decided_on": "2030-03-01"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"decided_on": ["决定日期不能晚于今天。"]}
    # Without the future date the same minor is refused on today's age.
    response = api.post("/api/v1/listings/", {"debtor": debtor(case, "小明").pk, "ground": 3, "facts": "转移财产"},
                        format="json")
    assert response.status_code == 400
    assert response.json()["debtor"] == ["被执行人在决定之日（2026年6月15日）未满十八周岁（16周岁），不得纳入失信被执行人名单。"]
    assert not Listing.objects.exists() and not RestrictionOrder.objects.exists()


def test_the_report_a_minor_with_a_future_date_is_refused_by_the_page(clerk, case, today):
    response = page(clerk).post(f"/cases/{case.pk}/listings/new/", {
        "debtor": debtor(case, "小明").pk, "ground": 3, "facts": "转移财产", "decided_on": "2030-03-01"})
    assert response.status_code == 400
    assert "决定日期不能晚于今天。" in response.content.decode()
    assert not Listing.objects.exists()


def test_the_report_a_minor_made_by_correcting_the_identity_number_is_not_published(api_for, clerk, leader, case,
                                                                                   today):
    """The way the report's minor still reached the list: an adult proposed, the number corrected to a minor's,
    approved with the adult's age. The correction is refused, and so is an approval of a stale row."""
    lid = api_for(clerk).post("/api/v1/listings/", {"debtor": debtor(case, "张伟").pk, "ground": 3,
                                                    "facts": "转移财产"}, format="json").json()["id"]
    response = api_for(clerk).post(f"/api/v1/listings/{lid}/correct/",
                                   {"changes": {"id_number": MINOR}, "reason": "号码录入错误"}, format="json")
    assert response.status_code == 400 and "未满十八周岁（16周岁）" in response.json()["changes"][0]
    Listing.objects.filter(pk=lid).update(id_number=MINOR)  # a row corrected before the rule
    response = api_for(leader).post(f"/api/v1/listings/{lid}/approve/", {}, format="json")
    assert response.status_code == 400
    assert "未满十八周岁" in response.json()["detail"] and "不能批准发布" in response.json()["detail"]
    assert Listing.objects.get(pk=lid).state == ListingState.PROPOSED and not RestrictionOrder.objects.exists()


# ------------------------------------------------------------------------------------------ the decision date


def test_today_is_accepted_and_tomorrow_refused_by_the_service(clerk, case, today):
    with pytest.raises(ApplicationError) as error:
        propose(clerk, case, decided_on=TODAY + datetime.timedelta(days=1))
    assert (error.value.field, error.value.message) == ("decided_on", "决定日期不能晚于今天。")
    assert propose(clerk, case, decided_on=TODAY).decided_on == TODAY
    assert Listing.objects.count() == 1


def test_no_date_is_today(clerk, case, today):
    assert propose(clerk, case).decided_on == TODAY


def test_today_is_the_local_day_of_shanghai(clerk, case):
    """At 23:30 UTC Shanghai is already on the next day: that day is today, the one after is the future."""
    with time_machine.travel(datetime.datetime(2026, 6, 14, 23, 30, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(ApplicationError):
            propose(clerk, case, decided_on=datetime.date(2026, 6, 16))
        assert propose(clerk, case, decided_on=datetime.date(2026, 6, 15)).decided_on == TODAY


def test_the_form_and_the_serializer_refuse_a_future_date_themselves(case, today):
    base = {"debtor": debtor(case, "张伟").pk, "ground": 3, "facts": "转移财产"}
    form = ProposeForm({**base, "decided_on": "2026-06-16"}, case=case)
    assert not form.is_valid() and form.errors["decided_on"] == ["决定日期不能晚于今天。"]
    assert ProposeForm({**base, "decided_on": "2026-06-15"}, case=case).is_valid()
    serializer = ListingCreateSerializer(data={**base, "decided_on": "2026-06-16"})
    assert not serializer.is_valid() and serializer.errors["decided_on"] == ["决定日期不能晚于今天。"]
    assert ListingCreateSerializer(data={**base, "decided_on": "2026-06-15"}).is_valid()


def test_the_api_refuses_tomorrow_and_accepts_today(api_for, clerk, case, today):
    api = api_for(clerk)
    body = {"debtor": debtor(case, "张伟").pk, "ground": 3, "facts": "转移财产"}
    response = api.post("/api/v1/listings/", {**body, "decided_on": "2026-06-16"}, format="json")
    assert response.status_code == 400 and response.json() == {"decided_on": ["决定日期不能晚于今天。"]}
    response = api.post("/api/v1/listings/", {**body, "decided_on": "2026-06-15"}, format="json")
    assert response.status_code == 201 and response.json()["decided_on"] == "2026-06-15"


def test_the_model_field_carries_the_rule(case, today):
    field = Listing._meta.get_field("decided_on")
    with pytest.raises(Exception) as error:
        field.run_validators(TODAY + datetime.timedelta(days=1))
    assert "决定日期不能晚于今天。" in str(error.value)
    field.run_validators(TODAY)


def test_approval_refuses_a_decision_date_after_today(clerk, leader, case, today):
    listing = propose(clerk, case)
    Listing.objects.filter(pk=listing.pk).update(decided_on=TODAY + datetime.timedelta(days=1))  # imported, say
    with pytest.raises(ApplicationError) as error:
        services.approve_listing(actor=leader, listing=listing)
    assert error.value.message == "决定日期（2026年6月16日）晚于今天，不能批准发布。请撤回后重新提请。"
    listing.refresh_from_db()
    assert listing.state == ListingState.PROPOSED and listing.published_on is None


def test_the_approve_button_shows_the_refusal(clerk, leader, case, today):
    listing = propose(clerk, case)
    Listing.objects.filter(pk=listing.pk).update(decided_on=TODAY + datetime.timedelta(days=1))
    response = page(leader).post(f"/listings/{listing.pk}/approve/", {"approve-reason": "同意"})
    assert response.status_code == 400 and "晚于今天，不能批准发布" in response.content.decode()
    assert Listing.objects.get(pk=listing.pk).state == ListingState.PROPOSED


# ------------------------------------------------------------------------------------------ age on the decision date


def test_the_eighteenth_birthday_on_the_decision_date_is_an_adult(clerk, case, today):
    assert propose(clerk, case, name="成年", decided_on=TODAY).age == 18


def test_the_day_before_the_eighteenth_birthday_is_a_minor(clerk, case, today):
    with pytest.raises(ApplicationError) as error:
        propose(clerk, case, name="明天", decided_on=TODAY)
    assert error.value.field == "debtor"
    assert error.value.message == "被执行人在决定之日（2026年6月15日）未满十八周岁（17周岁），不得纳入失信被执行人名单。"
    # The same person decided on an earlier date is younger still; on a later one (tomorrow) the date is refused.
    with pytest.raises(ApplicationError):
        propose(clerk, case, name="明天", decided_on=datetime.date(2026, 6, 1))
    assert not Listing.objects.exists()


def test_the_age_is_the_age_on_the_decision_date_not_today(clerk, case, today):
    """Born 1985-06-15: 40 on 2026-06-14, 41 on 2026-06-15."""
    assert propose(clerk, case, decided_on=datetime.date(2026, 6, 14)).age == 40
    Listing.objects.update(state=ListingState.WITHDRAWN)
    assert propose(clerk, case, decided_on=TODAY).age == 41


def test_born_on_29_february(clerk, case, today):
    """Born 2008-02-29: still 17 on 28 February 2026 (a common year), 18 on 1 March."""
    assert rules.debtor_age_on(LEAP, datetime.date(2026, 2, 28)) == 17
    assert rules.debtor_age_on(LEAP, datetime.date(2026, 3, 1)) == 18
    assert rules.debtor_age_on(LEAP, datetime.date(2028, 2, 29)) == 20  # the birthday itself in a leap year
    with pytest.raises(ApplicationError):
        propose(clerk, case, name="闰生", decided_on=datetime.date(2026, 2, 28))
    assert propose(clerk, case, name="闰生", decided_on=datetime.date(2026, 3, 1)).age == 18


def test_an_identity_number_with_a_wrong_check_digit_is_refused_not_a_server_error(api_for, clerk, case, today):
    wrong = ADULT[:17] + ("0" if ADULT[17] != "0" else "1")
    party = debtor(case, "张伟")
    type(party).objects.filter(pk=party.pk).update(id_number=wrong)  # a number kept from before validation
    with pytest.raises(ApplicationError) as error:
        propose(clerk, case)
    assert error.value.field == "debtor" and "校验位错误" in error.value.message
    response = page(clerk).post(f"/cases/{case.pk}/listings/new/",
                                {"debtor": party.pk, "ground": 3, "facts": "转移财产"})
    assert response.status_code == 400 and "校验位错误" in response.content.decode()
    response = api_for(clerk).post("/api/v1/listings/", {"debtor": party.pk, "ground": 3, "facts": "转移财产"},
                                   format="json")
    assert response.status_code == 400 and "校验位错误" in response.json()["debtor"][0]
    assert not Listing.objects.exists()


def test_an_organisation_has_no_age(clerk, leader, case, today):
    listing = propose(clerk, case, name="某某贸易有限公司")
    assert listing.age is None
    services.approve_listing(actor=leader, listing=listing)
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED and listing.age is None


# ------------------------------------------------------------------------------------------ corrections and approval


def test_correcting_the_identity_number_recomputes_age_and_sex(clerk, case, today):
    listing = propose(clerk, case)
    assert (listing.age, listing.sex) == (41, "男")
    other = resident_id(datetime.date(1990, 6, 16), "124")  # female (even 17th digit), 35 on TODAY
    services.correct_listing(actor=clerk, listing=listing, changes={"id_number": other}, reason="号码录入错误")
    listing.refresh_from_db()
    assert (listing.id_number, listing.age, listing.sex) == (other, 35, "女")
    event = listing.events.get(action="correct")
    assert event.data["after"] == {"id_number": other, "age": "35", "sex": "女"}


def test_correcting_to_a_minors_number_is_refused_in_every_live_state(clerk, leader, case, today):
    listing = propose(clerk, case)
    for state in (ListingState.PROPOSED, ListingState.PUBLISHED):
        if state == ListingState.PUBLISHED:
            services.approve_listing(actor=leader, listing=listing)
        with pytest.raises(ApplicationError) as error:
            services.correct_listing(actor=clerk, listing=listing, changes={"id_number": EIGHTEEN_TOMORROW},
                                     reason="号码录入错误")
        assert error.value.field == "changes" and "未满十八周岁（17周岁）" in error.value.message
        listing.refresh_from_db()
        assert (listing.id_number, listing.age) == (ADULT, 41)


def test_a_correction_decided_on_a_request_refuses_a_minors_number_too(clerk, leader, case, today):
    from blacklist.corrections import services as corrections

    listing = propose(clerk, case)
    services.approve_listing(actor=leader, listing=listing)
    request = corrections.receive_correction_request(actor=clerk, listing=listing, applicant="张伟", content="号码错")
    with pytest.raises(ApplicationError) as error:
        corrections.decide_correction_request(actor=clerk, request=request, corrected=True, reason="核实",
                                              changes={"id_number": MINOR})
    assert "未满十八周岁" in error.value.message
    listing.refresh_from_db()
    assert listing.id_number == ADULT


def test_approval_publishes_the_age_on_the_decision_date(clerk, leader, case, today):
    listing = propose(clerk, case, decided_on=datetime.date(2026, 6, 14))
    Listing.objects.filter(pk=listing.pk).update(age=99)  # a stale age from before the rule
    services.approve_listing(actor=leader, listing=listing)
    listing.refresh_from_db()
    assert (listing.state, listing.age) == (ListingState.PUBLISHED, 40)


def test_approval_of_a_person_without_an_identity_number_is_refused(clerk, leader, case, today):
    listing = propose(clerk, case)
    Listing.objects.filter(pk=listing.pk).update(id_number="", credit_code="91110000600037341L")
    with pytest.raises(ApplicationError) as error:
        services.approve_listing(actor=leader, listing=listing)
    assert "没有公民身份号码" in error.value.message
