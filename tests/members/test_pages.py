"""Roster pages in the browser's shoes: who sees what, forms that refuse bad input and change nothing."""

import pytest
from django.urls import reverse

from members.models import ChangeRequestState, Contact, ContactChangeRequest
from tests import factories

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("members:roster"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_demo_login_with_password(client, liaison):
    response = client.post(reverse("login"), {"username": liaison.username, "password": "demo-pass-2026"})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert liaison.organisation.name in home.content.decode()


def test_wrong_password_says_so_in_chinese(client, liaison):
    response = client.post(reverse("login"), {"username": liaison.username, "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["liaison", "clerk", "committee_user", "admin_user", "leader"])
def test_everybody_logged_in_sees_roster_and_directory(request, client_for, unit, role_fixture):
    user = request.getfixturevalue(role_fixture)
    factories.ContactFactory(organisation=unit, role="A", name="王堃")
    client = client_for(user)
    for name in ("members:roster", "members:directory"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert unit.name in response.content.decode()
    assert "王堃" in client.get(reverse("members:directory")).content.decode()


def test_roster_query_count_does_not_grow_with_units(client_for, liaison, django_assert_max_num_queries):
    client = client_for(liaison)
    client.get(reverse("members:roster"))  # warm the session
    for _ in range(3):
        factories.OrganisationFactory(measures=["inquiry"], jurisdiction=liaison.organisation.jurisdiction)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("members:roster"))
    for _ in range(12):
        unit = factories.OrganisationFactory(measures=["inquiry", "freeze"], jurisdiction=liaison.organisation.jurisdiction)
        factories.ContactFactory(organisation=unit, role="A")
    with django_assert_max_num_queries(12) as large:
        client.get(reverse("members:roster"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_inactive_unit_is_404_for_everybody_but_the_administrator(client_for, liaison, other_unit, admin_user):
    other_unit.active = False
    other_unit.save()
    url = reverse("members:organisation", args=[other_unit.code])
    assert client_for(liaison).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 200


def test_liaison_requests_a_change_for_its_unit_only(client_for, liaison, other_unit):
    client = client_for(liaison)
    assert client.get(reverse("members:request-change", args=[other_unit.code])).status_code == 404
    response = client.post(
        reverse("members:request-change", args=[liaison.organisation.code]),
        {"role": "B", "name": "钱新", "mobile": "13912345678", "reason": "人员调整"},
    )
    assert response.status_code == 302
    assert ContactChangeRequest.objects.get().name == "钱新"


def test_bad_change_request_shows_chinese_error_and_writes_nothing(client_for, liaison):
    response = client_for(liaison).post(
        reverse("members:request-change", args=[liaison.organisation.code]),
        {"role": "A", "name": "钱新", "mobile": "12345", "reason": "人员调整"},
    )
    assert response.status_code == 400
    assert "手机号码应为以1开头的11位数字" in response.content.decode()
    assert not ContactChangeRequest.objects.exists()


def test_committee_approves_on_its_page_and_directory_shows_it(client_for, liaison, committee_user):
    factories.ContactFactory(organisation=liaison.organisation, role="A", name="王旧")
    client_for(liaison).post(
        reverse("members:request-change", args=[liaison.organisation.code]),
        {"role": "A", "name": "钱新", "mobile": "13912345678", "reason": "人员调整"},
    )
    change = ContactChangeRequest.objects.get()
    committee = client_for(committee_user)
    page = committee.get(reverse("members:change-requests")).content.decode()
    assert "钱新" in page
    response = committee.post(reverse("members:decide-change", args=[change.pk]), {"decision": "approve", "reason": "同意"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == ChangeRequestState.APPROVED
    directory = committee.get(reverse("members:directory")).content.decode()
    assert "钱新" in directory and "王旧" not in directory
    detail = committee.get(reverse("members:organisation", args=[liaison.organisation.code])).content.decode()
    assert "王旧" in detail and "钱新" in detail  # the history keeps both


def test_change_requests_of_another_unit_are_404(client_for, liaison, other_liaison):
    client_for(liaison).post(
        reverse("members:request-change", args=[liaison.organisation.code]),
        {"role": "A", "name": "钱新", "mobile": "13912345678", "reason": "人员调整"},
    )
    change = ContactChangeRequest.objects.get()
    other = client_for(other_liaison)
    assert other.post(reverse("members:decide-change", args=[change.pk]), {"decision": "approve"}).status_code == 404
    assert other.post(reverse("members:cancel-change", args=[change.pk])).status_code == 404
    assert "钱新" not in other.get(reverse("members:change-requests")).content.decode()


def test_liaison_cannot_approve_its_own_request(client_for, liaison):
    client = client_for(liaison)
    client.post(
        reverse("members:request-change", args=[liaison.organisation.code]),
        {"role": "A", "name": "钱新", "mobile": "13912345678", "reason": "人员调整"},
    )
    change = ContactChangeRequest.objects.get()
    response = client.post(reverse("members:decide-change", args=[change.pk]), {"decision": "approve"}, follow=True)
    assert "政法委审批" in response.content.decode()
    change.refresh_from_db()
    assert change.state == ChangeRequestState.PENDING
    assert not Contact.objects.exists()


def test_clerk_has_no_change_request_page(client_for, clerk):
    assert client_for(clerk).get(reverse("members:change-requests")).status_code == 404


def test_home_shows_each_role_what_waits(client_for, liaison, committee_user, admin_user):
    client_for(liaison).post(
        reverse("members:request-change", args=[liaison.organisation.code]),
        {"role": "A", "name": "钱新", "mobile": "13912345678", "reason": "人员调整"},
    )
    assert "钱新" in client_for(committee_user).get(reverse("home")).content.decode()
    admin_home = client_for(admin_user).get(reverse("home")).content.decode()
    assert "联系人不全的成员单位" in admin_home and liaison.organisation.name in admin_home

