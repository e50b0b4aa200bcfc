"""The grid liaison's answer to a task, one cleaner per kind: form or API input in, a normalised dict out (what
`GridTask.answer` stores: plain JSON, moments as ISO 8601), or an `ApplicationError` in Chinese naming the field.
Photos are checked here too, by content and size (`assistance.attachments.inspect_upload`), images only.

locate       {found, seen_at, place, note}: found needs when and where the debtor was seen (not in the future, not
             before the day the task was sent); not found needs a note of what was done.
serve        {served, recipient, relation, served_at, refusal_note}: served needs the recipient, the relation and a
             signature photo; refused (or nobody there) needs a note.
investigate  {residence, occupants, vehicle, business, employment, living_conditions} and at least one site photo.
witness      {attended, at, observations} (photos optional).
post         {posted_at, place} and a photo of the posted sheet.
"""

import datetime

from django.utils import timezone

from assistance.attachments import SIGNATURES, inspect_upload, max_upload_bytes
from linkage import parsing
from linkage.errors import ApplicationError
from linkage.text import REASON_MAX
from linkage.workdays import TIMEZONE

from .models import PLACE_MAX, GridTaskKind, PhotoPurpose

MAX_PHOTOS = 6
PHOTO_TYPES = {"image/jpeg", "image/png"}
NAME_MAX = 50
RELATION_MAX = 30
EMPLOYMENT_MAX = 200
OCCUPANTS_MAX = 99


class Residence:
    OWNED, RENTED, NONE, UNKNOWN = "owned", "rented", "none", "unknown"
    CHOICES = {"owned": "自有住房", "rented": "租住", "none": "无固定住所", "unknown": "不详"}


# The photos each kind takes, and the one it cannot do without (None: none is required).
PURPOSES = {
    GridTaskKind.LOCATE: {PhotoPurpose.SITE},
    GridTaskKind.SERVE: {PhotoPurpose.SIGNATURE, PhotoPurpose.SITE},
    GridTaskKind.INVESTIGATE: {PhotoPurpose.SITE},
    GridTaskKind.WITNESS: {PhotoPurpose.SITE},
    GridTaskKind.POST: {PhotoPurpose.POSTED_SHEET, PhotoPurpose.SITE},
}
_TRUE = {"true", "1", "yes", "on", "是", "y"}
_FALSE = {"false", "0", "no", "off", "否", "n"}


def _flag(answer, name, label):
    value = answer.get(name)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ApplicationError(f"请选择{label}。", field=name)


def _text(answer, name, label, *, limit, required=True):
    value = answer.get(name)
    if value is not None and not isinstance(value, str):
        raise ApplicationError(f"{label}应为文字。", field=name)
    return parsing.text(value, label, name, limit=limit, required=required)


def _moment(answer, name, label, *, not_before, not_before_label):
    """A moment already past and not before `not_before` (an aware datetime), in Beijing time. Compared to the
    minute: a phone's time input has no seconds, so a reply in the minute the task was sent is not refused."""
    value = timezone.localtime(parsing.moment(answer.get(name), label, name, required=True), TIMEZONE)
    if value > timezone.now():
        raise ApplicationError(f"{label}不能晚于现在。", field=name)
    if value < not_before.replace(second=0, microsecond=0):
        raise ApplicationError(f"{label}不能早于{not_before_label}。", field=name)
    return value


def _start_of_sending_day(task):
    day = timezone.localtime(task.sent_at, TIMEZONE).date()
    return datetime.datetime.combine(day, datetime.time(), tzinfo=TIMEZONE)


def _locate(task, answer, purposes):
    found = _flag(answer, "found", "是否发现被执行人")
    if not found:
        return {"found": False, "seen_at": None, "place": "",
                "note": _text(answer, "note", "查找情况", limit=REASON_MAX)}
    seen_at = _moment(answer, "seen_at", "发现时间", not_before=_start_of_sending_day(task),
                      not_before_label="事项发出当日")
    return {"found": True, "seen_at": seen_at.isoformat(), "place": _text(answer, "place", "发现地点", limit=PLACE_MAX),
            "note": _text(answer, "note", "情况说明", limit=REASON_MAX, required=False)}


def _serve(task, answer, purposes):
    served = _flag(answer, "served", "是否送达")
    at = _moment(answer, "served_at", "送达时间" if served else "上门时间", not_before=task.sent_at,
                 not_before_label="事项发出时间")
    if served:
        if PhotoPurpose.SIGNATURE not in purposes:
            raise ApplicationError("已送达的，请上传签收人签名照片。", field="photos")
        return {"served": True, "recipient": _text(answer, "recipient", "签收人", limit=NAME_MAX),
                "relation": _text(answer, "relation", "签收人与被执行人关系", limit=RELATION_MAX),
                "served_at": at.isoformat(), "refusal_note": ""}
    return {"served": False, "recipient": _text(answer, "recipient", "受送达人", limit=NAME_MAX, required=False),
            "relation": _text(answer, "relation", "与被执行人关系", limit=RELATION_MAX, required=False),
            "served_at": at.isoformat(),
            "refusal_note": _text(answer, "refusal_note", "拒收或未能送达的情况", limit=REASON_MAX)}


def _occupants(answer):
    value = answer.get("occupants")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApplicationError("请填写居住人数。", field="occupants")
    if isinstance(value, bool):
        raise ApplicationError("居住人数应为整数。", field="occupants")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ApplicationError("居住人数应为整数。", field="occupants")
    if not 0 <= number <= OCCUPANTS_MAX:
        raise ApplicationError(f"居住人数应在0至{OCCUPANTS_MAX}之间。", field="occupants")
    return number


def _investigate(task, answer, purposes):
    residence = str(answer.get("residence") or "").strip()
    if residence not in Residence.CHOICES:
        raise ApplicationError("请选择住房情况（自有住房、租住、无固定住所或不详）。", field="residence")
    cleaned = {
        "residence": residence,
        "occupants": _occupants(answer),
        "vehicle": _flag(answer, "vehicle", "是否有车辆"),
        "business": _flag(answer, "business", "是否经营生意"),
        "employment": _text(answer, "employment", "就业情况", limit=EMPLOYMENT_MAX, required=False),
        "living_conditions": _text(answer, "living_conditions", "生活状况", limit=REASON_MAX),
    }
    if PhotoPurpose.SITE not in purposes:
        raise ApplicationError("请至少上传一张现场照片。", field="photos")
    return cleaned


def _witness(task, answer, purposes):
    attended = _flag(answer, "attended", "是否到场")
    at = None
    if attended:
        at = _moment(answer, "at", "到场时间", not_before=_start_of_sending_day(task),
                     not_before_label="事项发出当日").isoformat()
    return {"attended": attended, "at": at,
            "observations": _text(answer, "observations", "见证情况" if attended else "未到场的原因",
                                  limit=REASON_MAX)}


def _post(task, answer, purposes):
    posted_at = _moment(answer, "posted_at", "张贴时间", not_before=task.sent_at, not_before_label="事项发出时间")
    place = _text(answer, "place", "张贴地点", limit=PLACE_MAX)
    if PhotoPurpose.POSTED_SHEET not in purposes:
        raise ApplicationError("请上传张贴现场照片。", field="photos")
    return {"posted_at": posted_at.isoformat(), "place": place}


CLEANERS = {
    GridTaskKind.LOCATE: _locate,
    GridTaskKind.SERVE: _serve,
    GridTaskKind.INVESTIGATE: _investigate,
    GridTaskKind.WITNESS: _witness,
    GridTaskKind.POST: _post,
}


def inspect_photos(kind, photos):
    """[(purpose, upload, (content type, size, sha256))] for the reply's photos: at most `MAX_PHOTOS`, each of a
    purpose the kind takes, a JPEG or PNG whose content matches its name, within the upload size limit."""
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(f"最多上传{MAX_PHOTOS}张照片。", field="photos")
    checked = []
    for purpose, upload in photos:
        if purpose not in PURPOSES[kind]:
            raise ApplicationError("照片用途与事项不符。", field="photos")
        checked.append((purpose, upload, _inspect(upload)))
    return checked


def _inspect(upload):
    """(content type, size, sha256) of one photo: the project's upload check (size, content matching the name),
    and an image at that (a PDF or a TIFF scan is not a photo)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    image = any(head.startswith(magic) for magic, content_type, _names in SIGNATURES if content_type in PHOTO_TYPES)
    if not image and 0 < upload.size <= max_upload_bytes():
        raise ApplicationError(f"照片“{upload.name}”不是 JPEG 或 PNG 图片，请用手机拍照后上传。", field="photos")
    try:
        return inspect_upload(upload)
    except ApplicationError as error:
        raise ApplicationError(error.message.replace("附件", "照片"), field="photos")


def clean_answer(task, answer, photos):
    """(normalised answer, checked photos) for a reply to `task`, or an ApplicationError naming the field."""
    if not isinstance(answer, dict):
        raise ApplicationError("回复内容格式不正确。")
    checked = inspect_photos(task.kind, photos)
    cleaned = CLEANERS[task.kind](task, answer, {purpose for purpose, _upload, _info in checked})
    return cleaned, checked
