"""The grid pages (issue 25 item 2): the grid liaison's phone pages and reply form, the photos, the case page's
「网格协助」 section with its cancel and 转公安查控 buttons, the court's 发送网格协助 form; each a 404 to whoever may
not see the task."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assistance import services as notice_services
from grid import services
from grid.models import GridTask, GridTaskPhoto, GridTaskState
from members.models import Organisation

from .pages_support import grid_scene, jpeg

pytestmark = pytest.mark.django_db

MOMENT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def scene(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return grid_scene()


def send(scene, kind="locate", **extra):
    party = None if kind == "post" else scene.debtor
    if kind == "witness":
        extra.setdefault("scheduled_at", timezone.now() + datetime.timedelta(days=1))
    task = services.send_task(actor=scene.clerk, case=scene.case, community=scene.community, kind=kind, party=party,
                              instructions="请核实被执行人是否居住在本社区。", place="宝华路12号", **extra)
    # Sent an hour ago: a reply's moments (to the minute, from the phone's datetime-local) fall after the sending.
    GridTask.objects.filter(pk=task.pk).update(sent_at=task.sent_at - datetime.timedelta(hours=1))
    task.refresh_from_db()
    return task


def logged_in(client, user):
    client.force_login(user)
    return client


def earlier(minutes=5):
    return timezone.localtime(timezone.now() - datetime.timedelta(minutes=minutes)).strftime(MOMENT)


# ----------------------------------------------------------------------------------------------- who sees what


def test_every_page_is_a_404_to_whoever_may_not_see_the_task(scene, client):
    task = send(scene)
    services.answer_task(actor=scene.grid, task=task, answer={"found": True, "seen_at": timezone.now().isoformat(),
                                                              "place": "宝华路12号"}, photos=[("site", jpeg())])
    photo = task.photos.get()
    readers = {scene.clerk: 200, scene.leader: 200, scene.committee: 200, scene.street_liaison: 200, scene.grid: 200,
               scene.clerk2: 404, scene.other_grid: 404, scene.police_liaison: 404}
    for user, status in readers.items():
        logged_in(client, user)
        assert client.get(reverse("grid:task", args=[task.pk])).status_code == status, user
        assert client.get(reverse("grid:photo", args=[photo.pk])).status_code == status, user
        client.logout()
    anonymous = client.get(reverse("grid:task", args=[task.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(reverse("grid:photo", args=[photo.pk])).status_code == 302


def test_the_grid_liaison_sees_its_communitys_tasks_open_first_and_nobody_elses(scene, client):
    done = send(scene, "post")
    services.answer_task(actor=scene.grid, task=done, answer={"posted_at": timezone.now().isoformat(),
                                                              "place": "社区公告栏"}, photos=[("posted_sheet", jpeg())])
    open_task = send(scene)
    late = send(scene, "investigate")
    GridTask.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    page = logged_in(client, scene.grid).get(reverse("grid:home"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index(f'id="grid-task-{late.pk}"') < body.index(f'id="grid-task-{open_task.pk}"') \
        < body.index('id="grid-closed"') < body.index(f'id="grid-task-{done.pk}"')
    assert "已逾期2天" in body and "grid-overdue" in body and "王堃" in body
    client.logout()
    for user in (scene.other_grid, scene.clerk2, scene.police_liaison):
        body = logged_in(client, user).get(reverse("grid:home")).content.decode()
        assert "grid-task-" not in body and scene.case.number not in body
        client.logout()


def test_the_list_reads_in_a_fixed_number_of_queries(scene, client, django_assert_num_queries):
    for kind in ("locate", "serve", "investigate", "post"):
        send(scene, kind, **({"document_title": "执行通知书"} if kind == "serve" else {}))
    logged_in(client, scene.grid)
    client.get(reverse("grid:home"))
    # session, user, the tasks (joined), the header's organisation, the bell's count, the user's community and its
    # subdistrict (the heading), the audit entry: none per task
    with django_assert_num_queries(8):
        assert client.get(reverse("grid:home")).status_code == 200


def test_opening_the_task_marks_it_viewed_by_its_grid_liaison_only(scene, client):
    task = send(scene)
    logged_in(client, scene.clerk).get(reverse("grid:task", args=[task.pk]))
    task.refresh_from_db()
    assert task.viewed_at is None
    client.logout()
    page = logged_in(client, scene.grid).get(reverse("grid:task", args=[task.pk]))
    task.refresh_from_db()
    assert task.viewed_at is not None and task.events.filter(action="view").count() == 1
    body = page.content.decode()
    assert 'id="grid-answer-form"' in body and 'capture="environment"' in body and 'type="datetime-local"' in body
    assert 'accept="image/*"' in body and "multiple" in body and "请核实被执行人是否居住在本社区。" in body


def test_court_staff_read_the_task_with_its_history_and_no_reply_form(scene, client):
    task = send(scene, "serve", document_title="执行通知书")
    body = logged_in(client, scene.clerk).get(reverse("grid:task", args=[task.pk])).content.decode()
    assert 'id="grid-answer-form"' not in body and 'id="grid-events"' in body and "发出" in body
    assert "执行通知书" in body and 'id="grid-cancel-form"' in body


# ------------------------------------------------------------------------------------------- the reply and photos


def test_a_reply_with_a_photo_through_the_form_is_stored_and_shown_on_the_case_page(scene, client):
    task = send(scene, "post")
    logged_in(client, scene.grid)
    response = client.post(reverse("grid:task", args=[task.pk]), {
        "answer-posted_at": earlier(), "answer-place": "宝华社区公告栏",
        "answer-posted_sheet": [jpeg("名单.jpg")],
    })
    assert response.status_code == 302 and response["Location"] == reverse("grid:task", args=[task.pk])
    task.refresh_from_db()
    assert task.state == GridTaskState.ANSWERED and task.answer["place"] == "宝华社区公告栏"
    photo = task.photos.get()
    assert photo.purpose == "posted_sheet" and photo.content_type == "image/jpeg"
    shown = client.get(reverse("grid:task", args=[task.pk])).content.decode()
    assert 'id="grid-answer-form"' not in shown and "宝华社区公告栏" in shown
    client.logout()

    logged_in(client, scene.clerk)
    case_page = client.get(reverse("cases:detail", args=[scene.case.pk])).content.decode()
    assert 'id="case-grid-tasks"' in case_page and "张贴名单" in case_page and "宝华社区公告栏" in case_page
    assert reverse("grid:photo", args=[photo.pk]) in case_page and "已回复" in case_page
    served = client.get(reverse("grid:photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"


def test_a_photo_that_is_not_an_image_is_refused_in_chinese_and_nothing_changes(scene, client):
    task = send(scene, "post")
    fake = SimpleUploadedFile("名单.jpg", b"MZ\x90\x00 not a picture at all", content_type="image/jpeg")
    response = logged_in(client, scene.grid).post(reverse("grid:task", args=[task.pk]), {
        "answer-posted_at": earlier(), "answer-place": "宝华社区公告栏", "answer-posted_sheet": [fake]})
    assert response.status_code == 400
    assert "不是 JPEG 或 PNG 图片" in response.content.decode()
    task.refresh_from_db()
    assert task.state == GridTaskState.SENT and task.answer == {} and not GridTaskPhoto.objects.exists()


def test_a_reply_missing_what_its_kind_needs_names_the_field(scene, client):
    task = send(scene)
    response = logged_in(client, scene.grid).post(reverse("grid:task", args=[task.pk]), {
        "answer-found": "on", "answer-place": "宝华路12号"})
    assert response.status_code == 400 and "发现时间" in response.content.decode()
    task.refresh_from_db()
    assert task.state == GridTaskState.SENT


def test_only_the_communitys_grid_liaison_may_reply(scene, client):
    task = send(scene)
    data = {"answer-found": "", "answer-note": "上门三次未见。"}
    assert logged_in(client, scene.other_grid).post(reverse("grid:task", args=[task.pk]), data).status_code == 404
    client.logout()
    assert logged_in(client, scene.clerk).post(reverse("grid:task", args=[task.pk]), data).status_code == 302
    task.refresh_from_db()
    assert task.state == GridTaskState.SENT


def test_an_investigation_shows_its_checklist_in_chinese(scene, client):
    task = send(scene, "investigate")
    logged_in(client, scene.grid).post(reverse("grid:task", args=[task.pk]), {
        "answer-residence": "rented", "answer-occupants": "3", "answer-vehicle": "on",
        "answer-employment": "外卖骑手", "answer-living_conditions": "与父母同住。", "answer-site": [jpeg()]})
    task.refresh_from_db()
    assert task.state == GridTaskState.ANSWERED
    client.logout()
    body = logged_in(client, scene.clerk).get(reverse("cases:detail", args=[scene.case.pk])).content.decode()
    for text in ("租住", "3人", "有车辆", "未经营生意", "外卖骑手", "现场照片"):
        assert text in body, text


# ------------------------------------------------------------------------------------ the court: cancel, forward


def test_the_clerk_cancels_an_open_task_from_the_case_page(scene, client):
    task = send(scene)
    logged_in(client, scene.clerk)
    page = client.get(reverse("cases:detail", args=[scene.case.pk])).content.decode()
    assert reverse("grid:cancel", args=[task.pk]) in page
    empty = client.post(reverse("grid:cancel", args=[task.pk]), {f"cancel{task.pk}-reason": ""})
    assert empty.status_code == 302
    task.refresh_from_db()
    assert task.state == GridTaskState.SENT
    done = client.post(reverse("grid:cancel", args=[task.pk]), {f"cancel{task.pk}-reason": "被执行人已履行。"},
                       follow=True)
    task.refresh_from_db()
    assert task.state == GridTaskState.CANCELLED and task.cancel_reason == "被执行人已履行。"
    body = done.content.decode()
    assert "已撤回" in body and reverse("grid:cancel", args=[task.pk]) not in body


def test_nobody_else_can_cancel(scene, client):
    task = send(scene)
    for user, status in ((scene.grid, 302), (scene.clerk2, 404), (scene.committee, 302)):
        response = logged_in(client, user).post(reverse("grid:cancel", args=[task.pk]),
                                                {f"cancel{task.pk}-reason": "不需要了。"})
        assert response.status_code == status, user
        client.logout()
    task.refresh_from_db()
    assert task.state == GridTaskState.SENT


def _searching_locate_request(scene):
    police = Organisation.objects.get(code="grid-police")
    _, (notice,) = notice_services.draft_notices(
        actor=scene.clerk, case=scene.case, units=[police], measure="locate_person", debtor=scene.debtor,
        items=[{"property_kind": "person", "description": "查找被执行人下落"}], ruling_number=scene.case.number,
        tracking={"contact_person": "林执行", "contact_phone": "13900000009", "reason": "absconded"})
    notice_services.sign_notice(actor=scene.leader, notice=notice)
    # Served before the grid liaison saw the debtor: the police's tracking takes no finding older than its request.
    notice_services.serve_notice(actor=scene.clerk, notice=notice, at=timezone.now() - datetime.timedelta(hours=2))
    return notice_services.acknowledge_notice(actor=scene.police_liaison, notice=notice)


def test_the_forward_button_appears_only_for_a_found_debtor_the_police_are_searching_for(scene, client):
    not_found = send(scene)
    services.answer_task(actor=scene.grid, task=not_found, answer={"found": False, "note": "上门三次未见。"})
    found = send(scene)
    services.answer_task(actor=scene.grid, task=found, answer={
        "found": True, "seen_at": timezone.now().isoformat(), "place": "宝华路12号菜市场"})
    logged_in(client, scene.clerk)
    case_url = reverse("cases:detail", args=[scene.case.pk])
    assert "grid-forward" not in client.get(case_url).content.decode()  # nobody is searching: nothing to forward

    _searching_locate_request(scene)
    body = client.get(case_url).content.decode()
    assert reverse("grid:forward", args=[found.pk]) in body
    assert reverse("grid:forward", args=[not_found.pk]) not in body
    client.logout()
    for user in (scene.committee, scene.leader):  # the relay onto the police's tracking is the clerk's move
        assert logged_in(client, user).get(case_url).content.decode().count("grid-forward") == 0
        client.logout()

    logged_in(client, scene.clerk)
    response = client.post(reverse("grid:forward", args=[found.pk]), follow=True)
    assert "已将网格员查找到的下落转公安查控" in response.content.decode()
    assert found.events.filter(action="forward").count() == 1
    assert reverse("grid:forward", args=[found.pk]) not in client.get(case_url).content.decode()


# ------------------------------------------------------------------------------------------- the send form


def test_the_send_form_defaults_to_the_debtors_community_and_sends(scene, client):
    url = reverse("grid:send", args=[scene.case.pk])
    logged_in(client, scene.clerk)
    page = client.get(url).content.decode()
    assert f'<option value="{scene.community.pk}" selected>宝华社区</option>' in page
    assert '<optgroup label="多宝街道办事处">' in page
    assert reverse("grid:send", args=[scene.case.pk]) in client.get(
        reverse("cases:detail", args=[scene.case.pk])).content.decode()
    response = client.post(url, {"community": scene.other_community.pk, "kind": "serve", "party": scene.debtor.pk,
                                 "document_title": "执行通知书", "place": "多宝路3号"})
    assert response.status_code == 302
    task = GridTask.objects.get()
    assert (task.community, task.kind, task.party, task.document_title) == (
        scene.other_community, "serve", scene.debtor, "执行通知书")


def test_the_send_form_refuses_a_witness_without_a_time_in_chinese(scene, client):
    response = logged_in(client, scene.clerk).post(reverse("grid:send", args=[scene.case.pk]), {
        "community": scene.community.pk, "kind": "witness", "party": scene.debtor.pk})
    assert response.status_code == 400 and "见证时间" in response.content.decode()
    assert not GridTask.objects.exists()


def test_only_the_cases_court_reaches_the_send_form(scene, client):
    url = reverse("grid:send", args=[scene.case.pk])
    for user, status in ((scene.leader, 200), (scene.clerk2, 404), (scene.committee, 404), (scene.grid, 404),
                         (scene.street_liaison, 404)):
        assert logged_in(client, user).get(url).status_code == status, user
        client.logout()


def test_a_posting_task_links_the_grid_liaison_to_its_communitys_list_and_nothing_else(scene, client):
    """The post task names the community's own posting PDF; its grid liaison opens it (its confinement lets it), the
    other community's grid liaison gets 404 for it, and other kinds of task carry no such link."""
    post, locate = send(scene, "post"), send(scene, "locate")
    client.force_login(scene.grid)
    page = client.get(reverse("grid:task", args=[post.pk])).content.decode()
    link = reverse("blacklist:community-unit-posting", args=[scene.community.code])
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert link not in client.get(reverse("grid:task", args=[locate.pk])).content.decode()
    client.force_login(scene.other_grid)
    assert client.get(link).status_code == 404
