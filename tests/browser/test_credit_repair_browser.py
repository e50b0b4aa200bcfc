"""Issue 22 item 2 in headless Chromium, on a phone: the public credit-repair page shows the app's own captcha (a PNG
the browser loads under the Content-Security-Policy); a wrong identity number with the right captcha answer is
refused with the one message that does not say which part failed; the right one shows the party's listing, the
party applies for credit repair, and the application appears on the court's list for the clerk."""

import time

import pytest
from django.core.cache import cache

from blacklist.models import CreditRepair
from blacklist.public.credit_access import REFUSAL
from tests.blacklist.test_credit_repair import DEBTOR_ID, make_case, publish
from tests.blacklist.test_public import resident_id
from tests.conftest import clear_own_cache

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listing(reference_data, clerk, leader):
    clear_own_cache()
    yield publish(clerk, leader, make_case(clerk).parties.debtors().get())
    clear_own_cache()


def captcha_loaded(page):
    return page.evaluate("() => { const image = document.getElementById('public-captcha-image');"
                         " return image.complete && image.naturalWidth === 160 && image.naturalHeight === 56; }")


def check(page, identity):
    """Fill the check form, with the captcha's answer read from the app's cache by the form's key (what the visitor
    reads off the image)."""
    window = int(time.time() // 60)
    cache.delete_many([f"public-search:127.0.0.1:{window + offset}" for offset in (0, 1)])
    page.fill("#id_case_number", "（2026）粤0103执801号")
    page.fill("#id_identity", identity)
    page.fill("#id_phone", "13800138000")
    key = page.get_attribute("input[name=captcha_key]", "value")
    page.fill("#id_captcha", cache.get(f"public-captcha:{key}"))
    with page.expect_navigation():
        page.click("#public-credit-submit")


def test_the_debtor_applies_online_and_the_court_sees_it(listing, clerk, new_page):
    page = new_page(390, 844)  # a phone
    captcha_types = []
    page.on("response", lambda response: captcha_types.append(response.headers.get("content-type"))
            if "/public/captcha/" in response.url else None)
    page.goto(f"{page.base_url}/public/credit/")
    page.wait_for_selector("#public-captcha-image")
    assert captcha_loaded(page) and captcha_types == ["image/png"]
    screenshot(page, "credit-repair-01-check")

    # A wrong identity number, the captcha solved: the one refusal, a fresh captcha, nothing else.
    check(page, resident_id(99))
    assert page.text_content("#public-credit-message").strip() == REFUSAL
    assert page.locator(".public-credit-listing").count() == 0
    assert captcha_loaded(page)

    # The right one: the party's listing, with the application form.
    check(page, DEBTOR_ID)
    page.wait_for_selector(f"#public-listing-{listing.pk}")
    assert "已发布" in page.text_content(f"#public-listing-{listing.pk} .listing-state")
    form = f"#apply-{listing.pk}"
    page.select_option(f"{form} select[name$=ground]", "performed")
    assert page.input_value(f"{form} input[name$=phone]") == "13800138000"
    page.fill(f"{form} textarea[name$=statement]", "已于2026年11月30日履行全部给付义务，附银行转账凭证。")
    screenshot(page, "credit-repair-02-apply")
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    assert "待审查" in page.text_content("#public-credit-repairs")
    assert page.locator(form).count() == 0  # one pending application per listing
    repair = CreditRepair.objects.get()
    assert (repair.channel, repair.state, repair.listing_id) == ("online", "pending", listing.pk)

    # The court sees it on its list.
    court = new_page()
    login(court, clerk.username)
    court.goto(f"{court.base_url}/listings/credit-repairs/")
    row = court.text_content(f"#repair-{repair.pk}")
    assert "王堃" in row and "网上申请" in row and "待审查" in row
    screenshot(court, "credit-repair-03-court-list")
