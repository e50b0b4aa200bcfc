"""Uploads survive a crash of the server: a scan uploaded through gunicorn (large enough to be streamed to a temporary
file on the way in) is stored under MEDIA_ROOT, and after the server is killed with SIGKILL and started again it is
still downloadable, byte for byte, through the API and through the page."""

import hashlib
import json

import pytest
import requests
from django.conf import settings
from django.test import Client

from assistance.models import Attachment, Reply

from .conftest import acknowledged_notice, pdf_bytes, port_refuses, token_session

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def page_session(user):
    """A browser-like session: Django's session row (committed) and its cookie."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return session


def test_uploaded_scan_is_byte_identical_after_the_server_is_killed_and_restarted(people, web_server):
    liaison = people["liaison"]
    notice = acknowledged_notice(people)
    scan = pdf_bytes(3 * 1024 * 1024 + 17)  # over FILE_UPLOAD_MAX_MEMORY_SIZE: written to a temporary file first
    api, page = token_session(liaison), page_session(liaison)
    web_server.start()

    response = api.post(
        web_server.url(f"/api/v1/notices/{notice.pk}/reply/"),
        data={"outcome": "done", "text": "已查询，回执附后。",
              "results": json.dumps([{"property_kind": "bank_account", "identifier": "6222000011112222"}])},
        files=[("attachments", ("回执（盖章）.pdf", scan, "application/pdf"))],
        timeout=60,
    )
    assert response.status_code == 200, response.text
    attachment = Attachment.objects.get(reply=Reply.objects.get(notice=notice))
    assert (attachment.size, attachment.sha256) == (len(scan), sha256(scan))
    stored = web_server.media_root / attachment.file.name
    assert stored.is_file() and sha256(stored.read_bytes()) == sha256(scan)

    def downloads():
        by_api = api.get(web_server.url(f"/api/v1/attachments/{attachment.pk}/"), timeout=60)
        by_page = page.get(web_server.url(f"/attachments/{attachment.pk}/"), timeout=60)
        assert by_api.status_code == by_page.status_code == 200, (by_api.text[:500], by_page.text[:500])
        assert "attachment" in by_page.headers["Content-Disposition"]
        return sha256(by_api.content), sha256(by_page.content)

    assert downloads() == (sha256(scan), sha256(scan))

    web_server.kill()
    assert port_refuses(web_server.port)
    web_server.start()

    assert downloads() == (sha256(scan), sha256(scan))
    assert [a.sha256 for a in Attachment.objects.filter(notice=notice)] == [sha256(scan)]
