"""Chinese is the default language; English is available through the footer switcher."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_chinese_by_default(client_for, liaison):
    client = client_for(liaison)
    home = client.get("/").content.decode()
    assert 'lang="zh-hans"' in home
    assert "成员单位" in home
    assert "通讯录" in home
    assert "Member units" not in home
    roster = client.get("/members/").content.decode()
    assert "成员单位名册" in roster
    assert "联系人不全" in roster or "齐全" in roster or "没有符合条件的单位。" in roster
    assert "Member unit roster" not in roster


def test_english_after_switching(client_for, liaison):
    client = client_for(liaison)
    switch_to_english(client)
    home = client.get("/").content.decode()
    assert 'lang="en"' in home
    assert "Member units" in home
    assert "Contact directory" in home
    assert "Working-day calendar" in home
    assert "Log out" in home
    assert "工作台" not in home
    roster = client.get("/members/").content.decode()
    assert "Member unit roster" in roster
    assert "Export roster (Excel)" in roster
    assert "成员单位名册" not in roster
    directory = client.get(reverse("members:directory")).content.decode()
    assert "Member unit contact directory" in directory


def test_login_page_in_english_for_anonymous_visitor(client):
    switch_to_english(client)
    page = client.get(reverse("login")).content.decode()
    assert "Username" in page
    assert "Password" in page
    assert "Enforcement Linkage Information Platform" in page


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client_for, liaison):
    client = client_for(liaison)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "成员单位" in page
