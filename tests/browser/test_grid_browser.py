"""Issue 25 item 2 in headless Chromium on a phone (390 × 844): the community's grid liaison opens 网格协助, sees the
court's task, answers it from the phone with a photo of the posted list taken by the camera input, and the clerk
then sees the answer and the photo (loaded, under the Content-Security-Policy) on the case page.

The grid liaison logs in as it would on its phone: mobile number, then the 6-digit code the SMS gateway sent (the
default logging gateway: the code is read from its log line), and lands on its task list."""

import logging
import re
import time

import pytest
from django.utils import timezone

from grid import services
from grid.models import GridTaskState
from tests.grid.pages_support import grid_scene, image_bytes

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_by_sms(page, mobile, caplog):
    """The SMS-code login on the phone: the number, the code from the gateway's log line, the grid home."""
    page.goto(f"{page.base_url}/accounts/login/")
    with page.expect_navigation():
        page.click("#sms-login-link")
    with caplog.at_level(logging.INFO, logger="linkage.notify"):
        page.fill("#id_mobile", mobile)
        with page.expect_navigation():
            page.click("#sms-send")
        code = None
        for _ in range(50):  # the live server sends from its own thread
            found = [re.search(rf"SMS to {mobile} \[[0-9a-f-]+\]: .*验证码为(\d{{6}})", r.getMessage())
                     for r in caplog.records]
            code = next((match.group(1) for match in found if match), None)
            if code:
                break
            time.sleep(0.1)
    assert code, "no SMS code was logged"
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("#sms-login")


def photo_loaded(page, selector):
    return page.evaluate("(selector) => { const image = document.querySelector(selector);"
                         " return image !== null && image.complete && image.naturalWidth > 0; }", selector)


def test_the_grid_liaison_answers_with_a_photo_and_the_clerk_sees_it(new_page, settings, tmp_path, caplog):
    settings.MEDIA_ROOT = tmp_path
    scene = grid_scene("（2026）粤0103执7301号")
    task = services.send_task(actor=scene.clerk, case=scene.case, community=scene.community, kind="post",
                              instructions="请将失信被执行人名单张贴于社区公告栏。", place="宝华社区公告栏")

    phone = new_page(390, 844)
    sign_in_by_sms(phone, scene.grid.mobile, caplog)
    assert phone.url == f"{phone.base_url}{settings.GRID_HOME_URL}"
    phone.wait_for_selector(f"#grid-task-{task.pk}")
    assert "张贴名单" in phone.text_content(f"#grid-task-{task.pk}")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    screenshot(phone, "grid-01-list")
    with phone.expect_navigation():
        phone.click(f"#grid-task-{task.pk}")
    phone.wait_for_selector("#grid-answer-form")
    assert phone.get_attribute("#id_answer-posted_sheet", "capture") == "environment"
    submit_height = phone.evaluate("() => document.getElementById('grid-answer-submit').getBoundingClientRect().height")
    assert submit_height >= 44  # a thumb's target
    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M")  # posted just now: the minute it was sent, or later
    phone.fill("#id_answer-posted_at", moment)
    phone.fill("#id_answer-place", "宝华社区公告栏（东门）")
    phone.set_input_files("#id_answer-posted_sheet", files=[
        {"name": "名单.png", "mimeType": "image/png", "buffer": image_bytes("PNG", (120, 80), (30, 90, 200))}])
    screenshot(phone, "grid-02-reply")
    with phone.expect_navigation():
        phone.click("#grid-answer-submit")
    phone.wait_for_selector("#grid-answer")
    assert "宝华社区公告栏（东门）" in phone.text_content("#grid-answer")
    phone.wait_for_function("() => { const i = document.querySelector('#grid-answer .grid-photo-img');"
                            " return i !== null && i.complete && i.naturalWidth > 0; }")
    screenshot(phone, "grid-03-answered")
    task.refresh_from_db()
    assert task.state == GridTaskState.ANSWERED and task.photos.get().content_type == "image/png"

    desk = new_page()
    login(desk, scene.clerk.username)
    desk.goto(f"{desk.base_url}/cases/{scene.case.pk}/")
    desk.wait_for_selector(f"#case-grid-task-{task.pk} .grid-answer-summary")
    row = desk.text_content(f"#case-grid-task-{task.pk}")
    assert "张贴名单" in row and "已回复" in row and "宝华社区公告栏（东门）" in row
    image = f"#case-grid-task-{task.pk} .grid-photo-img"
    desk.wait_for_function("(selector) => { const i = document.querySelector(selector);"
                           " return i !== null && i.complete && i.naturalWidth > 0; }", arg=image)
    assert photo_loaded(desk, image) and desk.evaluate(
        f"() => document.querySelector('{image}').naturalWidth") == 120
    screenshot(desk, "grid-04-case")
