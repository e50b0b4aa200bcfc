"""A PDF that takes longer than LINKAGE_PDF_TIMEOUT to lay out frees its web worker: the render process is killed at
the bound, the page answers 503 in Chinese (the API a 503 with the same message), the failure is logged, and the
next PDF is rendered by a fresh render process. The slow document is a real one, a notice of 400 items (seconds of
layout), against a bound of a fraction of a second."""

import os
import time

import pytest
from django.urls import reverse

from linkage import pdf_process
from tests import factories

from .helpers import draft_notice, file_case

pytestmark = pytest.mark.django_db

BOUND = 0.3
MARGIN = 1.5  # the template rendered in the web process, the queries, the kill


@pytest.fixture
def unit(court):
    return factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)


@pytest.fixture
def notices(clerk, unit):
    case = file_case(clerk)
    small = draft_notice(
        clerk, case, unit, measure="inquiry", items=[{"property_kind": "other", "description": "查询"}]
    )
    items = [{"property_kind": "other", "description": f"查询被执行人第{n}处财产"} for n in range(1, 401)]
    large = draft_notice(clerk, case, unit, measure="inquiry", items=items)
    return small, large


def killed_pid(caplog):
    (record,) = [record for record in caplog.records if "exceeded LINKAGE_PDF_TIMEOUT" in record.getMessage()]
    return record.args[-1]


def test_a_pdf_past_the_bound_answers_503_and_frees_the_worker(notices, clerk, client_for, settings, caplog):
    small, large = notices
    client = client_for(clerk)
    assert client.get(reverse("assistance:pdf", args=[small.pk])).status_code == 200  # a warm render process
    settings.LINKAGE_PDF_TIMEOUT = BOUND

    started = time.monotonic()
    response = client.get(reverse("assistance:pdf", args=[large.pk]))
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert "文书生成超过 0.3 秒未完成" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert elapsed < BOUND + MARGIN
    with pytest.raises(ProcessLookupError):
        os.kill(killed_pid(caplog), 0)  # the render process is gone, not left laying out
    settings.LINKAGE_PDF_TIMEOUT = 30
    again = client.get(reverse("assistance:pdf", args=[small.pk]))
    assert again.status_code == 200 and again.content.startswith(b"%PDF")


def test_the_api_answers_503_with_the_same_message(notices, clerk, api_for, settings, caplog):
    small, large = notices
    api = api_for(clerk)
    assert api.get(f"/api/v1/notices/{small.pk}/pdf/").status_code == 200
    settings.LINKAGE_PDF_TIMEOUT = BOUND

    response = api.get(f"/api/v1/notices/{large.pk}/pdf/")

    assert response.status_code == 503
    assert response.json() == {"detail": "文书生成超过 0.3 秒未完成，已停止。请稍后重试；如反复出现，请联系管理员。"}
    assert killed_pid(caplog)


def test_a_render_process_serves_one_document_after_another(notices):
    small, _ = notices
    from assistance.documents import notice_pdf

    first = notice_pdf(small)
    pids = {worker.pid for worker in pdf_process._pool.idle}
    second = notice_pdf(small)

    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert {worker.pid for worker in pdf_process._pool.idle} == pids  # the same warm process, no new start
