"""Who is told when a notice changes hands, and what they read: one function per hand-over, called by the service
that makes the move, inside its transaction (`linkage.notify.notify` writes the messages there and sends them after
commit). A move happens once — a repeated request is refused by the state machine — so each message goes once.

Kinds (shared names, see the issue's INTERFACES): notice_served and lifting_served → the unit's A and B (and its
liaison accounts); notice_replied, extension_requested, review_raised and notice_returned → the clerk who drafted
the notice (review_raised also → the court's leaders); notice_waiting_sign and lifting_waiting_sign → the court's
leaders; case_concluded → each unit still assisting the case."""

from django.urls import reverse
from django.utils import timezone

from linkage.notify import Message, notify, notify_many
from linkage.workdays import TIMEZONE
from members.recipients import court_leaders, recipients_by_unit, unit_recipients, user_recipients


def _link(notice):
    return reverse("assistance:detail", args=[notice.pk])


def _when(moment):
    return f"{timezone.localtime(moment, TIMEZONE):%Y年%m月%d日 %H:%M}" if moment else "送达后起算"


def _facts(notice):
    """The sentence every message about one notice starts with: number, court, case, unit, measure, deadline."""
    return (f"协助执行通知书第{notice.pk}号（{notice.court.name}{notice.case.number}，{notice.measure.name}），"
            f"协助执行单位：{notice.unit.name}，办理期限：{_when(notice.due_at)}。")


def _to_unit(notice, kind, title, text):
    notify(unit_recipients([notice.unit_id]), Message(kind=kind, title=title, body=_facts(notice) + text,
                                                      link=_link(notice)))


def _to_people(users, notice, kind, title, text):
    recipients = user_recipients(users)
    if recipients:
        notify(recipients, Message(kind=kind, title=title, body=_facts(notice) + text, link=_link(notice)))


def notice_served(notice):
    _to_unit(notice, "notice_served", f"【新通知书】{notice.case.number} {notice.measure.name}",
             "请登录系统签收，并在办理期限内办理、在线回复。")


def notice_replied(notice):
    _to_people([notice.created_by], notice, "notice_replied",
               f"【已回复】{notice.case.number} {notice.unit.short_name}（{notice.measure.name}）",
               "协助单位已回复办理结果，请阅看后办结。")


def extension_requested(extension):
    notice = extension.notice
    _to_people([notice.created_by], notice, "extension_requested",
               f"【延期申请】{notice.case.number} {notice.unit.short_name}申请延期{extension.days}个工作日",
               f"理由：{extension.reason}。请及时决定。")


def review_raised(suggestion):
    notice = suggestion.notice
    _to_people([notice.created_by, *court_leaders(notice.court_id)], notice, "review_raised",
               f"【审查建议】{notice.case.number} {notice.unit.short_name}（{notice.measure.name}）",
               f"协助单位提出审查建议：{suggestion.reason}。审查期间办理期限照常计算，请及时审查。")


def drafts_waiting(notices, *, amended=False):
    """One message to the court's leaders for a batch of drafts (or a draft amended after it was returned)."""
    if not notices:
        return
    first = notices[0]
    units = "、".join(notice.unit.short_name for notice in notices)
    verb = "修改后重新报签" if amended else "起草"
    numbers = "、".join(f"第{notice.pk}号" for notice in notices)
    recipients = user_recipients(court_leaders(first.court_id))
    if recipients:
        notify(recipients, Message(
            kind="notice_waiting_sign", title=f"【待签发】{first.case.number} {first.measure.name}（{units}）",
            body=(f"{first.created_by.display_name}{verb}的协助执行通知书{numbers}"
                  f"（{first.court.name}{first.case.number}，{first.measure.name}，协助执行单位：{units}）待您签发。"),
            link=reverse("assistance:to-sign") if len(notices) > 1 else _link(first),
        ))


def notice_returned(notice, reason, *, lifting=False):
    what = "解除协助执行通知书" if lifting else "通知书草稿"
    drafter = notice.lifting_by if lifting else notice.created_by
    _to_people([drafter], notice, "notice_returned", f"【退回】{notice.case.number} {notice.unit.short_name}的{what}",
               f"执行局领导退回了{what}，理由：{reason}。请修改后重新报签。")


def lifting_waiting(notices):
    """One message to the court's leaders for the liftings drafted together (one notice, or a concluded case's)."""
    if not notices:
        return
    first = notices[0]
    units = "、".join(f"{notice.unit.short_name}（{notice.measure.name}）" for notice in notices)
    recipients = user_recipients(court_leaders(first.court_id))
    if recipients:
        notify(recipients, Message(
            kind="lifting_waiting_sign", title=f"【解除待签发】{first.case.number}（{len(notices)}份）",
            body=(f"{first.court.name}{first.case.number}拟解除协助执行：{units}，"
                  f"解除原因：{first.get_lift_ground_display()}，解除裁定书：{first.lifting_ruling_number}。请签发。"),
            link=reverse("assistance:to-sign") if len(notices) > 1 else _link(first),
        ))


def lifting_served(notice):
    _to_unit(notice, "lifting_served", f"【解除协助执行】{notice.case.number} {notice.measure.name}",
             f"法院已依{notice.lifting_ruling_number}解除裁定书解除上述协助执行事项（{notice.get_lift_ground_display()}），"
             f"请停止协助执行，办理解除手续，并于{_when(notice.lift_due_at)}前在系统中确认收到。")


def case_concluded(case, notices, status_label):
    """Each unit still assisting the case is told once that the case ended and its measures are being lifted."""
    by_unit = {}
    for notice in notices:
        by_unit.setdefault(notice.unit_id, []).append(notice)
    people = recipients_by_unit(by_unit)
    batch = []
    for unit_id, unit_notices in by_unit.items():
        first = unit_notices[0]
        numbers = "、".join(f"第{notice.pk}号（{notice.measure.name}）" for notice in unit_notices)
        batch.append((people.get(unit_id, []), Message(
            kind="case_concluded", title=f"【案件{status_label}】{case.number}",
            body=(f"{first.court.name}{case.number}已{status_label}。贵单位（{first.unit.name}）协助执行的通知书"
                  f"{numbers}将予解除，解除协助执行通知书签发后即送达贵单位，请届时停止协助执行并在线确认。"),
            link=_link(first),
        )))
    notify_many(batch)
