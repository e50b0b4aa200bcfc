"""Chinese error pages (issue 17 item 8): 404, 403 and 500 pages, the CSRF failure page, DRF's parse and CSRF
errors, and the favicon."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.error_urls"


def test_404_page_is_chinese(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'lang="zh-hans"' in page
    assert "Not Found" not in page
    assert reverse("home") in page  # a way back


def test_403_page_is_chinese(client_for, liaison, failing_urls):
    response = client_for(liaison).get("/test-errors/forbidden/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in page and 'lang="zh-hans"' in page
    assert "Forbidden" not in page


def test_500_page_is_chinese_and_needs_no_request_context(client, failing_urls):
    client.raise_request_exception = False

    response = client.get("/test-errors/broken/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器内部错误" in page and 'lang="zh-hans"' in page
    assert "Server Error" not in page
    # The page renders with an empty context: no request, no user, no context processors.
    from django.template import loader

    assert "服务器内部错误" in loader.get_template("500.html").render()


def test_csrf_failure_page_is_chinese():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "someone", "password": "secret"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期或安全校验失败" in page and "请返回上一页，刷新后重新提交" in page
    assert "CSRF verification failed" not in page and "Forbidden" not in page


def test_api_csrf_failure_is_chinese(liaison):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(liaison)

    response = api.post("/api/v1/screenings/", {"applicants": []}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "安全校验失败（CSRF）：请刷新页面后重试。"}


def test_api_parse_error_is_chinese(liaison):
    api = APIClient()
    api.force_login(liaison)

    response = api.post("/api/v1/screenings/", data='{"applicants": [', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON，无法解析。"}


def test_favicon_is_served_and_linked(client, liaison):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    client.force_login(liaison)
    assert '<link rel="icon" href="/static/favicon' in client.get("/").content.decode()
