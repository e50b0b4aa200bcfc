"""Issue 17, item 1: the second factor cannot be skipped — not by the API's token endpoint, not by the admin's own
login page — and the roles in LINKAGE_OTP_REQUIRED_ROLES must enrol before using the app."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import ClerkFactory, CommitteeUserFactory, CourtFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = settings.DEMO_PASSWORD
TOKEN_URL = "/api/v1/auth/token/"


def _code(device, wrong=False):
    code = totp(device.bin_key)
    return f"{(code + 1) % 1000000 if wrong else code:06d}"


def _fresh(device):
    """The device as stored, its throttle cleared (django-otp delays a retry after a wrong code)."""
    device.refresh_from_db()
    device.throttle_reset()
    return device


@pytest.fixture
def totp_clerk(db):
    user = ClerkFactory(organisation=CourtFactory(), username="clerk-totp")
    device = TOTPDevice.objects.create(user=user, name="验证器应用", confirmed=True)
    return user, device


def test_a_totp_user_gets_no_token_without_the_code(client, totp_clerk):
    user, device = totp_clerk
    response = client.post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "请同时填写验证器应用显示的6位动态口令" in str(response.json())
    assert not user.api_tokens.exists()


def test_a_wrong_code_is_refused_and_the_right_one_gets_a_token(client, totp_clerk):
    user, device = totp_clerk
    wrong = client.post(
        TOKEN_URL,
        {"username": user.username, "password": PASSWORD, "otp": _code(device, wrong=True)},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "动态口令错误" in wrong.json()["otp"][0]
    assert not user.api_tokens.exists()
    _fresh(device)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=60)):
        right = client.post(
            TOKEN_URL,
            {"username": user.username, "password": PASSWORD, "otp": _code(device)},
            content_type="application/json",
        )
        assert right.status_code == 200
        body = right.json()
        assert set(body) == {"token", "expires_at"} and body["expires_at"]
        units = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {body['token']}")
        assert units.status_code == 200
    assert "_auth_user_id" not in client.session  # a token is not a session


def test_the_admin_login_wants_the_code_too(client):
    admin = UserFactory(role="admin", username="admin-totp", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    page = client.get(reverse("admin:login"))
    assert 'name="otp_token"' in page.content.decode()
    alone = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})
    assert alone.status_code == 200 and "_auth_user_id" not in client.session
    assert "请同时填写验证器应用显示的6位动态口令" in alone.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    _fresh(device)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=60)):
        response = client.post(
            reverse("admin:login"), {"username": admin.username, "password": PASSWORD, "otp_token": _code(device)}
        )
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(admin.pk)
        assert client.session["otp_device_id"] == device.persistent_id  # the session is verified
        assert client.get(reverse("admin:index")).status_code == 200


def test_an_administrator_without_a_device_is_sent_to_enrol_and_gets_no_token(client):
    admin = UserFactory(role="admin", username="admin-new", is_staff=True, is_superuser=True, otp_enrolled=False)
    refused = client.post(
        TOKEN_URL, {"username": admin.username, "password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 400 and "须启用双重验证" in str(refused.json())
    assert not admin.api_tokens.exists()
    login = client.post(reverse("login"), {"username": admin.username, "password": PASSWORD})
    assert login.status_code == 302
    for path in ["/", "/members/", "/admin/", "/api/v1/units/"]:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403 and "须启用双重验证" in response.json()["detail"]
        else:
            assert response.status_code == 302 and response["Location"] == reverse("otp-settings"), path
    assert client.get(reverse("otp-settings")).status_code == 200  # where they enrol


@override_settings(LINKAGE_OTP_REQUIRED_ROLES=["committee", "leader"])
def test_the_required_roles_are_a_setting(client):
    committee = CommitteeUserFactory(username="committee-new", otp_enrolled=False)
    refused = client.post(
        TOKEN_URL, {"username": committee.username, "password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 400 and "须启用双重验证" in str(refused.json())
    clerk = ClerkFactory(organisation=CourtFactory(), username="clerk-free")  # not listed: the password suffices
    assert (
        client.post(
            TOKEN_URL, {"username": clerk.username, "password": PASSWORD}, content_type="application/json"
        ).status_code
        == 200
    )
