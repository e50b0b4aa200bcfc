"""The interface is Chinese only: the English catalogue covers a few pages, so there is no language switch until it
covers them all, and neither a cookie nor the browser's Accept-Language brings half-English pages back."""

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


def test_chinese_by_default(client_for, liaison):
    client = client_for(liaison)
    home = client.get("/").content.decode()
    assert 'lang="zh-hans"' in home
    assert "成员单位" in home
    assert "通讯录" in home
    assert "Member units" not in home
    roster = client.get("/members/").content.decode()
    assert "成员单位名册" in roster
    assert "Member unit roster" not in roster


def test_no_language_switch(client_for, liaison, client):
    with pytest.raises(NoReverseMatch):
        reverse("set_language")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 404
    home = client_for(liaison).get("/").content.decode()
    assert 'name="language"' not in home and "/i18n/" not in home
    assert "English" not in home
    assert client.get(reverse("login")).content.decode().count('name="language"') == 0


def test_an_english_cookie_or_browser_still_gets_chinese(client_for, liaison):
    client = client_for(liaison)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "成员单位" in page and "Member units" not in page
