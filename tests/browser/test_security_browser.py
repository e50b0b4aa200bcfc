"""The Content-Security-Policy in a real browser: logging in through the page, the forms' scripts (now files) still
work, the API documentation (Swagger UI from the sidecar package) renders, and nothing is refused on the way (the
new_page fixture fails the test on any CSP refusal)."""

import pytest
from django.core.management import call_command

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


def test_pages_and_their_scripts_work_under_the_policy(liwan, new_page):
    page = new_page()
    response = page.goto(f"{page.base_url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page, "clerk")
    page.goto(f"{page.base_url}/cases/new/")
    kind = page.locator("select[id$='-kind']").first
    prefix = kind.get_attribute("id").removesuffix("-kind")
    kind.select_option("organisation")
    assert page.locator(f"#{prefix}-id_number").is_disabled()  # js/case_form.js ran
    assert page.locator(f"#{prefix}-credit_code").is_enabled()
    kind.select_option("person")
    assert page.locator(f"#{prefix}-credit_code").is_disabled()

    page.goto(f"{page.base_url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "执行联动 API" in page.text_content(".swagger-ui .info .title")

    page.goto(f"{page.base_url}/otp-nonexistent/")  # a 404 page is under the policy too
    page.goto(f"{page.base_url}/accounts/otp/")
    page.wait_for_selector("#otp-secret")
    assert page.evaluate("document.querySelector('img[alt=双重验证二维码]').naturalWidth") > 0
