"""A grid liaison logs in on a phone (390 px wide) by mobile number and the SMS code (issue 25): the code is read
from the logging SMS gateway, as the phone would show it, and the login lands on the grid home (GRID_HOME_URL) with a
session that outlives the browser (a persistent cookie of SMS_LOGIN_SESSION_DAYS)."""

import logging
import re
import time

import pytest

from members.models import Community, User
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13912340001"


@pytest.fixture
def grid(db):
    subdistrict = factories.OrganisationFactory(code="br-street", name="测试街道办事处", short_name="测试街道",
                                                kind="subdistrict", level="township")
    community = Community.objects.create(subdistrict=subdistrict, code="br-c1", name="东风社区")
    user = User.objects.create(username="grid-br-c1", full_name="网格员甲", role="grid", mobile=MOBILE,
                               organisation=subdistrict, community=community)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _code_sent(caplog):
    for _ in range(50):  # the live server logs in its own thread
        for record in caplog.records:
            match = re.search(rf"SMS to {MOBILE} \[[0-9a-f-]+\]: .*验证码为(\d{{6}})", record.getMessage())
            if match:
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError("no SMS code was logged")


def test_a_grid_liaison_logs_in_by_sms_on_a_phone(grid, new_page, caplog, settings):
    page = new_page(width=390, height=844)
    page.goto(f"{page.base_url}/accounts/login/")
    with page.expect_navigation():
        page.click("#sms-login-link")
    assert page.url.endswith("/accounts/sms-login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on the phone
    with caplog.at_level(logging.INFO, logger="linkage.notify"):
        page.fill("#id_mobile", MOBILE)
        with page.expect_navigation():
            page.click("#sms-send")
        assert page.url.endswith("/accounts/sms-login/code/")
        assert "139****0001" in page.text_content("#sms-sent")
        code = _code_sent(caplog)
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    with page.expect_navigation():
        page.click("#sms-login")
    assert "还可尝试4次" in page.text_content("#code-error")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("#sms-login")
    assert page.url == f"{page.base_url}{settings.GRID_HOME_URL}"
    session = next(cookie for cookie in page.context.cookies() if cookie["name"] == settings.SESSION_COOKIE_NAME)
    assert session["expires"] - time.time() > 29 * 24 * 3600  # a persistent cookie, not one for the browser's life
    # Logged in as the grid liaison: the account menu names it (whatever the grid home shows on this branch).
    assert "网格员甲" in page.text_content("#account-menu")
    page.goto(f"{page.base_url}/cases/")
    assert "页面不存在" in page.content()
