"""The grid liaisons' SMS login (issue 25, members/sms_login.py) and their confinement to the grid pages
(members/confinement.py): the code goes out through the logging gateway, only its hash is kept, it works once, five
wrong tries kill it, it expires; unknown numbers get the same answers and no SMS; numbers and addresses are limited;
grid accounts never log in by password or token, and every other page answers them 404."""

import datetime
import logging
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from linkage import tokens
from members import sms_login
from members.models import Community, SmsLoginCode, User
from members.recipients import recipients_by_unit
from members.sms_login_views import SESSION_KEY as MOBILE_KEY
from tests import factories
from tests.conftest import clear_own_cache

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"
SMS = re.compile(r"SMS to (\d+) \[[0-9a-f-]+\]: .*验证码为(\d{6})")


@pytest.fixture(autouse=True)
def _fresh_limits():
    clear_own_cache()  # the per-address limits live in the cache
    yield
    clear_own_cache()


@pytest.fixture
def subdistrict(db):
    return factories.OrganisationFactory(code="sms-street", name="测试街道办事处", short_name="测试街道",
                                         kind="subdistrict", level="township")


@pytest.fixture
def community(subdistrict):
    return Community.objects.create(subdistrict=subdistrict, code="sms-c1", name="东风社区")


@pytest.fixture
def grid(community):
    user = User.objects.create(username="grid-sms-c1", full_name="网格员甲", role="grid", mobile=MOBILE,
                               organisation=community.subdistrict, community=community)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def sent_codes(caplog):
    return [match.groups() for match in (SMS.search(record.getMessage()) for record in caplog.records) if match]


def ask(client, mobile=MOBILE, **extra):
    return client.post("/accounts/sms-login/", {"mobile": mobile}, **extra)


def answer(client, code, **extra):
    return client.post("/accounts/sms-login/code/", {"code": code}, **extra)


def ask_and_read_code(client, caplog, mobile=MOBILE):
    with caplog.at_level(logging.INFO, logger="linkage.notify"):
        caplog.clear()
        response = ask(client, mobile)
    assert response.status_code == 302 and response["Location"] == "/accounts/sms-login/code/"
    codes = sent_codes(caplog)
    assert len(codes) == 1 and codes[0][0] == mobile
    return codes[0][1]


def logged_in_as(client):
    return client.session.get(SESSION_KEY)


def test_the_code_goes_by_sms_and_logs_in_for_a_long_session(client, grid, caplog, settings):
    page = client.get("/accounts/sms-login/")
    assert page.status_code == 200 and "获取验证码" in page.content.decode()
    code = ask_and_read_code(client, caplog)
    row = SmsLoginCode.objects.get()
    assert row.user == grid and row.state == "pending" and code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=5)
    second = client.get("/accounts/sms-login/code/").content.decode()
    assert "139****5678" in second and MOBILE not in second
    response = answer(client, code)
    assert response.status_code == 302 and response["Location"] == settings.GRID_HOME_URL
    assert logged_in_as(client) == str(grid.pk)
    assert client.session.get_expiry_age() == 30 * 24 * 3600
    assert client.session.get_expire_at_browser_close() is False
    assert MOBILE_KEY not in client.session
    row.refresh_from_db()
    assert row.state == "used" and row.used_at is not None


def test_a_code_works_once(client, grid, caplog):
    code = ask_and_read_code(client, caplog)
    assert answer(client, code).status_code == 302
    other = Client()
    session = other.session
    session[MOBILE_KEY] = MOBILE
    session.save()
    response = answer(other, code)
    assert response.status_code == 200 and "已使用过" in response.content.decode()
    assert logged_in_as(other) is None


def test_five_wrong_codes_kill_the_code(client, grid, caplog):
    code = ask_and_read_code(client, caplog)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"还可尝试{left}次" in answer(client, wrong).content.decode()
    assert "错误次数过多" in answer(client, wrong).content.decode()
    response = answer(client, code)  # the right code, too late
    assert "错误次数过多" in response.content.decode() and logged_in_as(client) is None
    row = SmsLoginCode.objects.get()
    assert row.state == "locked" and row.attempts == 5


def test_an_expired_code_is_refused_clearly(client, grid, caplog):
    code = ask_and_read_code(client, caplog)
    SmsLoginCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = answer(client, code)
    assert "验证码已过期，请重新获取" in response.content.decode() and logged_in_as(client) is None


def test_a_new_code_supersedes_the_old_one(client, grid, caplog):
    first = ask_and_read_code(client, caplog)
    SmsLoginCode.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=61))
    second = ask_and_read_code(client, caplog)
    assert list(SmsLoginCode.objects.order_by("id").values_list("state", flat=True)) == ["superseded", "pending"]
    if first != second:
        assert "验证码错误" in answer(client, first).content.decode()
    assert answer(client, second).status_code == 302


def test_an_unknown_number_gets_the_same_answers_and_no_sms(client, grid, caplog):
    with caplog.at_level(logging.INFO, logger="linkage.notify"):
        known, unknown = Client(), Client()
        known_ask, unknown_ask = ask(known), ask(unknown, "13800000000")
        assert sent_codes(caplog) and all(mobile == MOBILE for mobile, _ in sent_codes(caplog))
    assert (known_ask.status_code, known_ask["Location"]) == (unknown_ask.status_code, unknown_ask["Location"])
    known_page = known.get(known_ask["Location"]).content.decode().replace("139****5678", "X")
    unknown_page = unknown.get(unknown_ask["Location"]).content.decode().replace("138****0000", "X")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known_page) == strip.sub("", unknown_page)
    assert "还可尝试4次" in answer(unknown, "123456").content.decode()
    row = SmsLoginCode.objects.get(mobile="13800000000")
    assert row.state == "not_sent" and row.user is None and row.code_hash == "" and row.attempts == 1
    assert "验证码已发送，请" in ask(unknown, "13800000000").content.decode()  # the same per-number limit


def test_a_bad_number_is_refused_in_chinese(client, grid):
    response = ask(client, "1391234")
    assert "手机号码应为以1开头的11位数字" in response.content.decode()
    assert not SmsLoginCode.objects.exists()


def test_one_code_a_minute_and_ten_a_day_per_number(client, grid, caplog, settings):
    ask_and_read_code(client, caplog)
    response = ask(client)
    assert response.status_code == 200 and "秒后再重新获取" in response.content.decode()
    assert SmsLoginCode.objects.count() == 1
    earlier = timezone.now() - datetime.timedelta(hours=2)
    SmsLoginCode.objects.bulk_create([
        SmsLoginCode(mobile=MOBILE, user=grid, code_hash="x" * 64, state="superseded", created_at=earlier,
                     expires_at=earlier) for _ in range(9)])
    SmsLoginCode.objects.filter(state="pending").update(created_at=earlier)
    with caplog.at_level(logging.INFO, logger="linkage.notify"):
        caplog.clear()
        response = ask(client)
    assert "今日获取验证码的次数已达上限" in response.content.decode() and not sent_codes(caplog)


def test_each_address_is_limited(client, grid, settings):
    settings.SMS_LOGIN_RATE_PER_MINUTE = 2
    numbers = ["13800000001", "13800000002", "13800000003"]
    assert [ask(client, number).status_code for number in numbers] == [302, 302, 429]
    assert "请求过于频繁" in ask(client, "13800000004").content.decode()
    assert ask(Client(REMOTE_ADDR="10.0.0.9"), "13800000005").status_code == 302  # another address
    settings.SMS_LOGIN_CHECK_RATE_PER_MINUTE = 1
    assert answer(client, "123456").status_code == 200
    assert answer(client, "123456").status_code == 429


def test_a_gateway_failure_marks_the_row_and_answers_the_same(client, grid, settings):
    settings.SMS_GATEWAY = "tests.members.test_sms_login.BrokenGateway"
    response = ask(client)
    assert response.status_code == 302
    assert SmsLoginCode.objects.get().state == "failed"


class BrokenGateway:
    def send(self, mobile, text, *, idempotency_key=""):
        raise RuntimeError("gateway down")


def test_password_login_refuses_a_grid_account(client, grid):
    grid.set_password("grid-pass-2026")
    grid.save(update_fields=["password"])
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/sms-login/"' in page and "网格员短信登录" in page
    response = client.post("/accounts/login/", {"username": grid.username, "password": "grid-pass-2026"})
    assert response.status_code == 200 and "请使用“网格员短信登录”" in response.content.decode()
    assert logged_in_as(client) is None


def test_a_grid_account_gets_no_api_token(grid):
    grid.set_password("grid-pass-2026")
    grid.save(update_fields=["password"])
    response = APIClient().post("/api/v1/auth/token/", {"username": grid.username, "password": "grid-pass-2026"},
                                format="json")
    assert response.status_code == 400 and "网格员账户不能获取API令牌" in str(response.json())
    with pytest.raises(tokens.ApplicationError):
        tokens.issue_for_login(user=grid)


def test_a_token_from_before_the_account_became_a_grid_liaisons_is_refused(grid, liaison):
    key = tokens.issue_for_login(user=liaison).key
    User.objects.filter(pk=liaison.pk).update(role="grid", community=grid.community, liaison_role="",
                                              organisation=grid.organisation)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/notices/").status_code == 401


def test_sms_login_is_only_for_grid_liaisons(client, liaison, caplog):
    User.objects.filter(pk=liaison.pk).update(mobile=MOBILE)
    with caplog.at_level(logging.INFO, logger="linkage.notify"):
        assert ask(client).status_code == 302
    assert not sent_codes(caplog)
    assert SmsLoginCode.objects.get().state == "not_sent"
    assert "还可尝试4次" in answer(client, "123456").content.decode()


@pytest.mark.parametrize("what", ["community", "subdistrict", "account"])
def test_an_inactive_community_subdistrict_or_account_gets_no_code(client, grid, caplog, what):
    if what == "community":
        Community.objects.filter(pk=grid.community_id).update(active=False)
    elif what == "subdistrict":
        grid.organisation.__class__.objects.filter(pk=grid.organisation_id).update(active=False)
    else:
        User.objects.filter(pk=grid.pk).update(is_active=False)
    with caplog.at_level(logging.INFO, logger="linkage.notify"):
        assert ask(client).status_code == 302
    assert not sent_codes(caplog)


def test_a_community_closed_after_the_code_was_sent_refuses_the_login(client, grid, caplog):
    code = ask_and_read_code(client, caplog)
    Community.objects.filter(pk=grid.community_id).update(active=False)
    response = answer(client, code)
    assert "无法登录" in response.content.decode() and logged_in_as(client) is None


def test_two_accounts_on_one_number_get_no_code(client, grid, community, caplog):
    other = Community.objects.create(subdistrict=community.subdistrict, code="sms-c2", name="西湖社区")
    User.objects.create(username="grid-sms-c2", role="grid", mobile=MOBILE, organisation=other.subdistrict,
                        community=other)
    with caplog.at_level(logging.INFO):
        assert ask(client).status_code == 302
    assert not sent_codes(caplog)


def test_a_grid_liaison_is_confined_to_the_grid_pages(client, grid, caplog):
    code = ask_and_read_code(client, caplog)
    answer(client, code)
    assert client.get("/").status_code == 302 and client.get("/")["Location"] == "/grid/"
    for path in ("/members/", "/cases/", "/notices/", "/calendar/", "/accounts/password/", "/accounts/otp/",
                 "/admin/", "/assessment/", "/api/v1/notices/", "/api/v1/decisions/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/notices/").json() == {"detail": "未找到。"}
    notifications = client.get("/notifications/")
    assert notifications.status_code == 200
    menu = notifications.content.decode()  # the menu offers none of the pages it may not reach
    assert not re.search(r'href="/(members|calendar|accounts/password|accounts/otp)/', menu)
    assert 'href="/notifications/preferences/"' in menu and 'id="nav-logout"' in menu
    assert client.get("/verify/").status_code == 200
    assert client.get("/accounts/login/")["Location"] == "/grid/"
    assert client.get("/accounts/sms-login/")["Location"] == "/grid/"
    assert client.post("/accounts/logout/").status_code == 302
    assert logged_in_as(client) is None


def test_grid_liaisons_are_not_their_subdistricts_people(grid, subdistrict):
    factories.ContactFactory(organisation=subdistrict, role="A", name="街道甲")
    recipients = recipients_by_unit([subdistrict.pk])[subdistrict.pk]
    assert [recipient.name for recipient in recipients] == ["街道甲"]
    assert all(recipient.user_id != grid.pk for recipient in recipients)


def test_a_grid_liaison_need_not_enrol_a_second_factor(client, grid, caplog, settings):
    settings.LINKAGE_OTP_REQUIRED_ROLES = ["grid", "liaison", "administrator"]
    answer(client, ask_and_read_code(client, caplog))
    assert client.get("/notifications/").status_code == 200


def test_the_service_refuses_a_bad_number():
    with pytest.raises(sms_login.ApplicationError):
        sms_login.request_code(mobile="12345")


def test_the_admin_shows_the_codes_read_only_without_their_hash(client, grid, admin_user):
    row = sms_login.request_code(mobile=MOBILE, client_address="10.1.2.3")
    client.force_login(admin_user)
    listing = client.get("/admin/members/smslogincode/").content.decode()
    assert "139****5678" in listing and "10.1.2.3" in listing
    change = client.get(f"/admin/members/smslogincode/{row.pk}/change/").content.decode()
    assert row.code_hash not in change and 'name="mobile"' not in change  # shown, not editable
    assert client.get("/admin/members/smslogincode/add/").status_code == 403
    assert client.post(f"/admin/members/smslogincode/{row.pk}/delete/").status_code == 403
    assert SmsLoginCode.objects.filter(pk=row.pk).exists()


def test_a_code_is_asked_for_on_the_embedded_sqlite_default(tmp_path):
    """`scripts/run` with nothing configured runs on SQLite, which has no advisory locks: asking for a code there
    serialises on SQLite's write lock instead of failing (a 500 on the login page before this test)."""
    import subprocess
    import sys

    from tests.linkage.test_sqlite_default import ROOT, sqlite_env

    env = sqlite_env(tmp_path)
    for app in ("members", "linkage"):
        subprocess.run([sys.executable, "manage.py", "migrate", app, "-v0"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
    asked = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from members import sms_login; from members.sms_login_models import SmsLoginCode; "
         "sms_login.request_code(mobile='13700000001', client_address='127.0.0.1'); "
         "print(SmsLoginCode.objects.filter(mobile='13700000001').count())"],
        env=env, cwd=ROOT, capture_output=True, text=True)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert asked.stdout.strip().splitlines()[-1] == "1"
