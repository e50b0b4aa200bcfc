"""How a grid task reads on a page: its structured answer as Chinese lines, its days left, whether it is overdue."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .answers import Residence
from .models import GridTaskKind, GridTaskState

# Per kind, the answer's keys in the order a reader wants them, with their Chinese labels.
ANSWER_LABELS = {
    GridTaskKind.LOCATE: (("found", "是否找到"), ("seen_at", "发现时间"), ("place", "发现地点"), ("note", "情况说明")),
    GridTaskKind.SERVE: (("served", "是否送达"), ("recipient", "签收人"), ("relation", "与被执行人关系"),
                         ("served_at", "送达时间"), ("refusal_note", "拒收或未能送达情况")),
    GridTaskKind.INVESTIGATE: (("residence", "住房情况"), ("occupants", "居住人数"), ("vehicle", "车辆"),
                               ("business", "经营"), ("employment", "就业情况"), ("living_conditions", "生活状况")),
    GridTaskKind.WITNESS: (("attended", "是否到场"), ("at", "到场时间"), ("observations", "见证情况")),
    GridTaskKind.POST: (("posted_at", "张贴时间"), ("place", "张贴地点")),
}
YES_NO = {
    "found": ("已找到", "未找到"),
    "served": ("已送达", "未送达"),
    "attended": ("已到场", "未到场"),
    "vehicle": ("有车辆", "无车辆"),
    "business": ("经营生意", "未经营生意"),
}


def _value(key, value):
    if key in YES_NO:
        return YES_NO[key][0 if value else 1]
    if key == "residence":
        return Residence.CHOICES.get(value, str(value))
    if key == "occupants":
        return f"{value}人"
    if isinstance(value, str):
        moment = parse_datetime(value) if len(value) >= 16 and value[4:5] == "-" and "T" in value else None
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value)


def answer_lines(task):
    """The answer as (label, text) pairs, the kind's known keys first and any other key after; empty ones left out."""
    answer = task.answer or {}
    if task.state != GridTaskState.ANSWERED or not isinstance(answer, dict):
        return []
    labels = ANSWER_LABELS.get(task.kind, ())
    known = {key for key, _ in labels}
    lines = [(label, _value(key, answer[key])) for key, label in labels
             if key in answer and (answer[key] not in (None, "") or key in YES_NO)]
    lines += [(key, _value(key, value)) for key, value in answer.items()
              if key not in known and value not in (None, "", [], {})]
    return lines


def days_left(task, today):
    """Working-calendar-free count of calendar days to the due day (negative once overdue), for an open task."""
    if task.state != GridTaskState.SENT:
        return None
    return (task.due_on - today).days


def decorate(tasks, today):
    """Each task carries what a list row shows: overdue, days left, its answer lines."""
    for task in tasks:
        task.overdue = task.is_overdue(today)
        task.days_left = days_left(task, today)
        task.overdue_days = -task.days_left if task.overdue else 0
        task.answer_lines = answer_lines(task)
    return tasks

