"""The grid liaison's structured answer, per kind: what each needs, the photos (images only, checked by content and
size, at most six), the state and the person, on time on the due day and late after it, and the court told once."""

import pytest
import time_machine
from django.utils import timezone

from grid import services
from grid.models import GridTask, GridTaskPhoto, GridTaskState
from linkage.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from linkage.models import Notification
from tests import factories

from .conftest import JPEG, PDF, PNG, local, photo
from .factories import CommunityFactory, GridLiaisonFactory

pytestmark = pytest.mark.django_db

SENT = local(2026, 11, 2, 10, 0)  # Monday: locate and serve due Thursday 5 November, investigate Monday 9
ANSWERED = local(2026, 11, 3, 15, 0)


@pytest.fixture
def sent(send):
    def make(kind="locate", **fields):
        with time_machine.travel(SENT, tick=False):
            return send(kind, **fields)

    return make


def answer(task, grid_liaison, data, photos=(), at=ANSWERED):
    with time_machine.travel(at, tick=False):
        return services.answer_task(actor=grid_liaison, task=task, answer=data, photos=photos)


def refused(task, grid_liaison, data, photos=(), *, match, error=ApplicationError):
    with pytest.raises(error, match=match) as raised:
        answer(task, grid_liaison, data, photos)
    task.refresh_from_db()
    assert task.state == GridTaskState.SENT and task.answer == {}
    assert not GridTaskPhoto.objects.filter(task=task).exists()
    return raised.value


FOUND = {"found": "true", "seen_at": "2026-11-03T08:30:00+08:00", "place": "多宝路菜市场", "note": "骑电动车"}


def test_a_finding_is_stored_normalised_and_the_court_told_once(sent, grid_liaison, leader, clerk):
    task = sent("locate", actor=leader)
    task = answer(task, grid_liaison, FOUND)
    assert (task.state, task.answered_by, task.answered_on_time) == (GridTaskState.ANSWERED, grid_liaison, True)
    assert task.answer == {"found": True, "seen_at": "2026-11-03T08:30:00+08:00", "place": "多宝路菜市场",
                           "note": "骑电动车"}
    assert task.events.get(action="answer").data["on_time"] is True
    assert task.viewed_at is not None  # answered: it was read
    # The leader who sent it and the case's clerk (who filed the case), each once.
    for person in (leader, clerk):
        bell = Notification.objects.get(recipient=person, kind="grid_task_answered")
        assert "多宝路菜市场" in bell.body and bell.link == f"/grid/tasks/{task.pk}/"


@pytest.mark.parametrize("data, field, match", [
    ({**FOUND, "seen_at": "2026-11-03T16:00:00+08:00"}, "seen_at", "不能晚于现在"),
    ({**FOUND, "seen_at": "2026-11-01T20:00:00+08:00"}, "seen_at", "不能早于事项发出当日"),
    ({**FOUND, "seen_at": ""}, "seen_at", "请填写发现时间"),
    ({**FOUND, "place": ""}, "place", "请填写发现地点"),
    ({**FOUND, "found": "也许"}, "found", "请选择是否发现被执行人"),
    ({"found": False, "note": ""}, "note", "请填写查找情况"),
    ({**FOUND, "note": 12}, "note", "应为文字"),
])
def test_a_locate_answer_is_refused_when_incomplete(sent, grid_liaison, data, field, match):
    task = sent("locate")
    assert refused(task, grid_liaison, data, match=match).field == field


def test_seen_earlier_on_the_day_the_task_was_sent_is_accepted_and_kept_in_beijing_time(sent, grid_liaison):
    task = answer(sent("locate"), grid_liaison, {**FOUND, "seen_at": "2026-11-01T23:00:00+00:00"})
    assert task.answer["seen_at"] == "2026-11-02T07:00:00+08:00"


def test_not_found_keeps_only_the_note(sent, grid_liaison):
    task = answer(sent("locate"), grid_liaison, {"found": "false", "note": "走访邻居，均称半年未见", "place": "x"})
    assert task.answer == {"found": False, "seen_at": None, "place": "", "note": "走访邻居，均称半年未见"}


SERVED = {"served": True, "recipient": "王小明", "relation": "儿子", "served_at": "2026-11-03T09:00:00+08:00"}


def test_serving_needs_the_signature_photo(sent, grid_liaison):
    task = sent("serve")
    refused(task, grid_liaison, SERVED, match="请上传签收人签名照片")
    refused(task, grid_liaison, SERVED, [("site", photo())], match="请上传签收人签名照片")
    task = answer(task, grid_liaison, SERVED, [("signature", photo("签名.jpg"))])
    assert task.answer["recipient"] == "王小明" and task.answer["served"] is True
    stored = GridTaskPhoto.objects.get(task=task)
    assert (stored.purpose, stored.content_type, stored.size, stored.original_name) == (
        "signature", "image/jpeg", len(JPEG), "签名.jpg")
    assert len(stored.sha256) == 64 and stored.uploaded_by == grid_liaison


def test_a_refusal_needs_its_note_and_no_signature(sent, grid_liaison):
    task = sent("serve")
    refusal = {"served": False, "served_at": "2026-11-03T09:00:00+08:00", "refusal_note": ""}
    assert refused(task, grid_liaison, refusal, match="请填写拒收或未能送达的情况").field == "refusal_note"
    task = answer(task, grid_liaison, {**refusal, "refusal_note": "被执行人拒绝签收，已留置送达并拍照"})
    assert task.answer["served"] is False and "留置送达" in task.answer["refusal_note"]


def test_serving_before_the_task_was_sent_is_refused(sent, grid_liaison):
    task = sent("serve")
    refused(task, grid_liaison, {**SERVED, "served_at": "2026-11-02T09:00:00+08:00"},
            [("signature", photo())], match="送达时间不能早于事项发出时间")


def test_a_reply_in_the_minute_the_task_was_sent_is_accepted(send, grid_liaison):
    """A phone's time input has no seconds: 10:00 typed for a task sent at 10:00:40 is not "before" it; 09:59 is."""
    with time_machine.travel(local(2026, 11, 2, 10, 0, 40), tick=False):
        task = send("serve")
    refused(task, grid_liaison, {**SERVED, "served_at": "2026-11-02T09:59"}, [("signature", photo())],
            match="送达时间不能早于事项发出时间")
    task = answer(task, grid_liaison, {**SERVED, "served_at": "2026-11-02T10:00"}, [("signature", photo())],
                  at=local(2026, 11, 2, 10, 1, 5))
    assert task.state == GridTaskState.ANSWERED and task.answer["served_at"].startswith("2026-11-02T10:00")


@pytest.mark.parametrize("upload, match", [
    (photo("扫描件.jpg", PDF), "不是 JPEG 或 PNG 图片"),  # a PDF named .jpg
    (photo("扫描件.pdf", PDF), "不是 JPEG 或 PNG 图片"),
    (photo("扫描件.tif", b"II*\x00" + b"\x00" * 100), "不是 JPEG 或 PNG 图片"),
    (photo("签名.png", JPEG), "扩展名与文件内容"),
    (photo("签名.jpg", b""), "空文件"),
])
def test_photos_are_checked_by_content(sent, grid_liaison, upload, match):
    task = sent("serve")
    error = refused(task, grid_liaison, SERVED, [("signature", upload)], match=match)
    assert error.field == "photos"


def test_a_photo_above_the_size_limit_is_refused(sent, grid_liaison, settings):
    settings.LINKAGE_MAX_UPLOAD_MB = 1
    task = sent("serve")
    big = photo("签名.jpg", JPEG + b"\x00" * (1024 * 1024))
    refused(task, grid_liaison, SERVED, [("signature", big)], match="超过上限 1 MB")


def test_at_most_six_photos_of_a_purpose_the_kind_takes(sent, grid_liaison):
    task = sent("serve")
    refused(task, grid_liaison, SERVED, [("signature", photo(f"{n}.jpg")) for n in range(7)], match="最多上传6张")
    refused(task, grid_liaison, SERVED, [("posted_sheet", photo())], match="照片用途与事项不符")
    answer(task, grid_liaison, SERVED, [("signature", photo(f"{n}.jpg")) for n in range(5)] + [("site", photo("x.png", PNG))])
    assert GridTaskPhoto.objects.filter(task=task).count() == 6


CHECKLIST = {"residence": "rented", "occupants": "3", "vehicle": "false", "business": "on",
             "employment": "在菜市场经营档口", "living_conditions": "租住两房一厅，家电齐全"}


def test_an_investigation_is_a_checklist_with_a_site_photo(sent, grid_liaison):
    task = sent("investigate")
    assert refused(task, grid_liaison, CHECKLIST, match="请至少上传一张现场照片").field == "photos"
    assert refused(task, grid_liaison, {**CHECKLIST, "residence": "castle"}, [("site", photo())],
                   match="请选择住房情况").field == "residence"
    assert refused(task, grid_liaison, {**CHECKLIST, "occupants": "-1"}, [("site", photo())],
                   match="居住人数应在0至99之间").field == "occupants"
    assert refused(task, grid_liaison, {**CHECKLIST, "living_conditions": ""}, [("site", photo())],
                   match="请填写生活状况").field == "living_conditions"
    task = answer(task, grid_liaison, CHECKLIST, [("site", photo())])
    assert task.answer == {"residence": "rented", "occupants": 3, "vehicle": False, "business": True,
                           "employment": "在菜市场经营档口", "living_conditions": "租住两房一厅，家电齐全"}


def test_a_witness_answer_with_or_without_photos(send, grid_liaison):
    with time_machine.travel(SENT, tick=False):
        task = send("witness", scheduled_at=local(2026, 11, 3, 9, 0))
    assert task.due_on == local(2026, 11, 4, 0, 0).date()
    refused(task, grid_liaison, {"attended": True, "at": "", "observations": "现场秩序良好"}, match="请填写到场时间")
    task = answer(task, grid_liaison, {"attended": True, "at": "2026-11-03T09:05:00+08:00",
                                       "observations": "执行人员清点财物，现场秩序良好"}, [("site", photo())])
    assert task.answer["attended"] is True and task.answered_on_time is True


def test_a_witness_who_could_not_attend_says_why(send, grid_liaison):
    with time_machine.travel(SENT, tick=False):
        task = send("witness", scheduled_at=local(2026, 11, 3, 9, 0))
    task = answer(task, grid_liaison, {"attended": "否", "observations": "当日另有防汛任务"})
    assert task.answer == {"attended": False, "at": None, "observations": "当日另有防汛任务"}


def test_posting_the_list_needs_the_photo_of_the_posted_sheet(sent, grid_liaison):
    task = sent("post", party=None)
    posted = {"posted_at": "2026-11-03T10:00:00+08:00", "place": "社区公告栏"}
    refused(task, grid_liaison, posted, [("site", photo())], match="请上传张贴现场照片")
    task = answer(task, grid_liaison, posted, [("posted_sheet", photo())])
    assert task.answer == posted


def test_an_answer_is_given_once_and_not_to_a_cancelled_task(sent, grid_liaison, clerk):
    task = answer(sent("locate"), grid_liaison, FOUND)
    with pytest.raises(TransitionNotAllowed, match="当前状态为“已回复”，不能回复"):
        answer(task, grid_liaison, FOUND)
    other = sent("serve")
    services.cancel_task(actor=clerk, task=other, reason="已由法院直接送达")
    with pytest.raises(TransitionNotAllowed, match="当前状态为“已撤回”"):
        answer(other, grid_liaison, SERVED, [("signature", photo())])
    assert Notification.objects.filter(kind="grid_task_answered", recipient=clerk).count() == 1


def test_only_the_communitys_grid_liaison_answers(sent, grid_liaison, clerk, liaison):
    task = sent("locate")
    neighbour = GridLiaisonFactory(community=CommunityFactory(subdistrict=task.subdistrict))
    for actor in (neighbour, clerk, liaison, factories.ClerkFactory()):
        refused(task, actor, FOUND, match="只有该村（居）委会的网格员可以回复", error=PermissionDenied)


def test_answered_on_time_through_the_due_day_and_late_after_it(sent, grid_liaison):
    on_time, late = sent("locate"), sent("serve")
    assert on_time.due_on == late.due_on == local(2026, 11, 5, 0, 0).date()
    on_time = answer(on_time, grid_liaison, {**FOUND, "seen_at": "2026-11-05T20:00:00+08:00"},
                     at=local(2026, 11, 5, 23, 59, 59))
    late = answer(late, grid_liaison, {**SERVED, "served_at": "2026-11-05T23:00:00+08:00"},
                  [("signature", photo())], at=local(2026, 11, 6, 0, 0, 1))
    assert (on_time.answered_on_time, late.answered_on_time) == (True, False)
    assert list(GridTask.objects.answered_in_time()) == [on_time]
    assert list(GridTask.objects.answered_late()) == [late]
    bell = Notification.objects.filter(kind="grid_task_answered").order_by("-pk").first()
    assert "已超过" in bell.body
    assert timezone.localtime(late.answered_at).date() > late.due_on
