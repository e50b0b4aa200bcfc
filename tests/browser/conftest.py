"""Headless Chromium (Debian's, driven by Playwright) against a live server on loopback."""

import base64
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between page
# actions are still plain synchronous calls, so Django's async-safety guard is lifted for these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LINKAGE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) at a given viewport; returns a page factory.

    Every page listens for what the Content-Security-Policy refused (an inline script or style, a resource from
    elsewhere): any such refusal fails the test, so every page the browser tests visit is shown to meet the policy."""
    contexts, refused = [], []

    def make(width=1366, height=768):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert refused == [], "页面违反内容安全策略（CSP）：\n" + "\n".join(refused)


def login(page, username, password="demo-pass-2026"):
    """Log in through the page, as a person would: with the authenticator's current code when the account has
    enrolled one, and enrolling first when its role must (LINKAGE_OTP_REQUIRED_ROLES sends it to /accounts/otp/)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        page.fill("#id_otp_token", f"{totp(device.bin_key):06d}")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: url in (f"{page.base_url}/", f"{page.base_url}/accounts/otp/"))
    if page.url.endswith("/accounts/otp/"):
        secret = page.text_content("#otp-secret").replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_otp_token", f"{totp(key):06d}")
        page.click("#otp-enable")
        page.wait_for_selector("#otp-state.text-success")
        page.goto(f"{page.base_url}/")


def open_nav(page, text):
    """Click a main navigation item by its exact text, as a person would: on a phone the menu is behind the toggler,
    and an item of a group (成员单位, a liaison's 失信名单) is behind its dropdown."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.wait_for_selector("#mainnav.show")
    link = f"a:not(.dropdown-toggle):text-is('{text}')"
    item = page.locator(f"#mainnav {link}")
    if not item.is_visible():
        page.locator("#mainnav li.dropdown", has=page.locator(link)).locator(".dropdown-toggle").click()
    with page.expect_navigation():
        item.click()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Transactional tests start from the data-migration rows (see tests/conftest.py: reference_data)."""


def liwan_overdue_notice(number, *, days, amount="50000", basis_number="（2025）粤0103民初1201号"):
    """Liwan, the demo accounts, and an inquiry notice of case `number` served on the market regulator `days` ago
    and never answered (overdue once past its time limit)."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from assistance import services
    from cases import services as case_services
    from members.models import Organisation, User

    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    clerk, leader = User.objects.get(username="clerk"), User.objects.get(username="leader")
    case = case_services.create_case(
        actor=clerk, number=number, amount=amount, basis_issuer="广州市荔湾区人民法院", basis_number=basis_number,
        filed_on="2026-03-02", applicants=[{"kind": "person", "name": "陈申请", "id_number": "44010319850615123X"}],
        debtors=[{"kind": "person", "name": "欧阳燊", "id_number": "11010519491231002X"}])
    _, (notice,) = services.draft_notices(
        actor=clerk, case=case, units=[Organisation.objects.get(code="lw-market")], measure="inquiry",
        debtor=case.parties.debtors().get(), ruling_number=number,
        items=[{"property_kind": "equity", "description": "查询被执行人持有的公司股权登记信息"}])
    notice = services.sign_notice(actor=leader, notice=notice)
    return services.serve_notice(actor=clerk, notice=notice, at=timezone.now() - datetime.timedelta(days=days))
