"""Production settings and the defences around logging in (issue 8): `check --deploy` clean, secrets only from the
environment, the Content-Security-Policy without inline script or style, login lockout, the optional TOTP factor."""

import datetime
import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import ClerkFactory, CourtFactory

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "Zhixing-Liandong-2026"


def _production_env(**extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "k3y-" + "x7Qp9mZ2" * 8,
        "DJANGO_ALLOWED_HOSTS": "zxld.example.gov.cn",
        "DATABASE_URL": "postgres://linkage:secret@db.internal:5432/linkage",
    })
    env.update(extra)
    return env


def _manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_is_clean_under_the_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_hold_the_secure_values():
    code = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
            "getattr(s, k) for k in ['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
            "'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_HTTPONLY', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', "
            "'SESSION_COOKIE_AGE', 'X_FRAME_OPTIONS', 'SECRET_KEY']}))")
    env = _production_env(DJANGO_SETTINGS_MODULE="linkage.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                            timeout=60)
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["SESSION_COOKIE_AGE"] <= 8 * 3600  # a session ends after a working day at most
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECRET_KEY"] == env["DJANGO_SECRET_KEY"]  # from the environment, nothing in the code


def test_production_refuses_to_start_without_a_secret_key_from_the_environment():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "生产环境必须" in result.stderr


# -- Content-Security-Policy ----------------------------------------------------------------------------------------


def _csp(response):
    header = response["Content-Security-Policy"]
    return dict((part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in header.split(";")) if part)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/public/debtors/", "/api/v1/docs/"])
def test_every_page_carries_a_policy_without_inline_script_or_style(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # no inline script in what was served


@functools.cache
def _is_pdf_template(path):
    """Templates for WeasyPrint (paged media) are never served to a browser; the CSP does not apply to them."""
    text = path.read_text(encoding="utf-8")
    parent = re.search(r'{%\s*extends\s+"([^"]+)"', text)
    parent_path = BASE_DIR / "templates" / parent.group(1) if parent else None
    return "@page" in text or "templates/pdf/" in path.as_posix() or bool(
        parent_path and parent_path != path and parent_path.exists() and _is_pdf_template(parent_path))


def test_no_page_template_has_inline_script_style_or_event_handler():
    offending = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        if _is_pdf_template(path):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=\"", r"\son[a-z]+=\"", r"<style[\s>]"):
            if re.search(pattern, text):
                offending.append(f"{path.relative_to(BASE_DIR)}: {pattern}")
    assert offending == []


# -- lockout ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def clerk_with_password(db):
    user = ClerkFactory(organisation=CourtFactory(), username="clerk-lock")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password, address="10.1.1.1", **extra):
    return client.post(reverse("login"), {"username": "clerk-lock", "password": password, **extra},
                       REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_that_name_from_that_address(client, clerk_with_password):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "wrong")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    assert "连续登录失败次数过多" in locked.content.decode()
    right_password = _login(client, PASSWORD)
    assert right_password.status_code == 429 and "_auth_user_id" not in client.session  # the right one too
    elsewhere = _login(client, PASSWORD, address="10.2.2.2")
    assert elsewhere.status_code == 302 and client.session["_auth_user_id"] == str(clerk_with_password.pk)


def test_the_lock_lifts_after_the_cool_off(client, clerk_with_password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 429
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + settings.AXES_COOLOFF_TIME
                             + datetime.timedelta(minutes=1)):
        assert _login(client, PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_locked_the_same_way(client, clerk_with_password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "clerk-lock", "password": "wrong"},
                    content_type="application/json", REMOTE_ADDR="10.3.3.3")
    response = client.post("/api/v1/auth/token/", {"username": "clerk-lock", "password": PASSWORD},
                           content_type="application/json", REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 429
    assert "连续登录失败次数过多" in response.json()["detail"]


# -- the optional second factor -------------------------------------------------------------------------------------


def _enrol(client, user):
    client.force_login(user)
    page = client.get(reverse("otp-settings"))
    assert page.status_code == 200 and "未启用" in page.content.decode()
    qr = client.get(reverse("otp-qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("otp-settings"), {"otp_token": "000000" if totp(device.bin_key) else "111111"})
    assert "动态口令错误" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()
    client.post(reverse("otp-settings"), {"otp_token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed
    client.logout()
    return device


def test_with_a_second_factor_the_password_alone_no_longer_logs_in(client, clerk_with_password):
    device = _enrol(client, clerk_with_password)
    response = _login(client, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "请同时填写验证器应用显示的6位动态口令" in response.content.decode()
    response = _login(client, PASSWORD, otp_token="12345")
    assert "_auth_user_id" not in client.session and "动态口令错误" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=60)):
        response = _login(client, PASSWORD, otp_token=f"{totp(device.bin_key):06d}")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(clerk_with_password.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_without_a_second_factor_the_password_logs_in(client, clerk_with_password):
    assert _login(client, PASSWORD).status_code == 302


def test_turning_the_second_factor_off_needs_a_current_code_and_keeps_the_device_row(client, clerk_with_password):
    device = _enrol(client, clerk_with_password)
    client.force_login(clerk_with_password)
    page = client.post(reverse("otp-settings"), {"otp_token": "999999" if totp(device.bin_key) != 999999 else "1"})
    assert "动态口令错误" in page.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    device.throttle_reset()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=60)):
        client.post(reverse("otp-settings"), {"otp_token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert not device.confirmed and TOTPDevice.objects.filter(pk=device.pk).exists()
