"""Who hears of a grid task, and what they read. The grid liaison reads on a phone: the SMS carries the task's
address (`/grid/tasks/<pk>/`) and the essentials; the court hears of the answer, the subdistrict's A/B contacts of
a task left unanswered past its due day (with the clerk who sent it), and the police unit's liaisons at once of a
grid liaison's finding of a debtor the police are looking for. Each message is sent by the one service whose move
happens once (send, answer, escalate, forward), so each goes once."""

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from linkage.notify import Message, absolute_url, notify
from linkage.workdays import TIMEZONE
from members.recipients import recipients_by_unit, unit_recipients, user_recipients


def task_link(task):
    """The task's page, for the grid liaison's phone and the court alike (the pages are the `grid` app's)."""
    return reverse("grid:task", args=[task.pk])


def when(moment):
    return f"{timezone.localtime(moment, TIMEZONE):%m月%d日 %H:%M}" if moment else ""


def _day(day):
    return f"{day:%m月%d日}"


def _ask(task):
    """"协助" and the task's kind, said once: 协助查找下落, 协助送达 (a kind already named 协助…)."""
    kind = task.get_kind_display()
    return kind if kind.startswith("协助") else f"协助{kind}"


def _about(task):
    """The debtor and the case a task is about."""
    debtor = f"（被执行人：{task.party.name}）" if task.party_id else ""
    return f"{debtor}，{task.case.number}"


def _what(task):
    """One line naming the task: its kind, the debtor and the case."""
    return f"{task.get_kind_display()}{_about(task)}"


def _court_people(task):
    """The clerk who sent the task and the case's clerk (who registered it), each once."""
    return user_recipients([task.sent_by, task.case.created_by])


def task_sent(task, liaison):
    """The community's grid liaison: SMS and the bell, with the link."""
    details = []
    if task.document_title:
        details.append(f"送达文书：{task.document_title}")
    if task.place:
        details.append(f"地点：{task.place}")
    if task.scheduled_at:
        details.append(f"见证时间：{when(task.scheduled_at)}")
    if task.instructions:
        details.append(f"要求：{task.instructions}")
    # The SMS carries the title and the page's address (the liaison signs in with the phone's SMS code there).
    debtor = f"（{task.party.name}）" if task.party_id else ""
    notify(user_recipients([liaison]), Message(
        kind="grid_task_sent",
        title=f"【网格协助】{task.court.short_name}请{_ask(task)}{debtor}，{_day(task.due_on)}前回复"[:120],
        open_link=absolute_url(task_link(task)),
        body=(f"{task.court.name}请{task.community.name}{_ask(task)}{_about(task)}。" + "；".join(details)
              + ("。" if details else "") + f"请于{_day(task.due_on)}前回复。"),
        link=task_link(task),
    ))


def task_answered(task):
    recipients = _court_people(task)
    if recipients:
        late = "" if task.answered_on_time else f"（已超过{_day(task.due_on)}的期限）"
        notify(recipients, Message(
            kind="grid_task_answered",
            title=f"【网格员已回复】{task.community}：{task.get_kind_display()}"[:120],
            body=(f"{task.community}网格员{task.answered_by.display_name}已于{when(task.answered_at)}回复"
                  f"{_what(task)}{late}：{summary(task)}"),
            link=task_link(task),
        ))


def summary(task):
    """The answer in one sentence, for messages (the page shows it in full)."""
    answer = task.answer or {}
    if task.kind == "locate":
        if answer.get("found"):
            return f"发现被执行人，时间{when_text(answer.get('seen_at'))}，地点：{answer.get('place', '')}。"
        return "未发现被执行人下落。"
    if task.kind == "serve":
        if answer.get("served"):
            return f"已送达，签收人：{answer.get('recipient', '')}。"
        return f"未能送达：{answer.get('refusal_note', '').rstrip('。')}。"
    if task.kind == "investigate":
        return "已完成调查，附调查情况及现场照片。"
    if task.kind == "witness":
        return "已到场见证。" if answer.get("attended") else "未能到场见证。"
    return f"已张贴，地点：{answer.get('place', '')}。"


def when_text(iso):
    moment = parse_datetime(iso) if iso else None
    return when(moment) if moment else ""


def debtor_found(task, notice):
    """A grid liaison found a debtor the police are looking for: the police unit's liaisons and the clerk, at once."""
    answer = task.answer
    body = (f"{task.community}网格员{task.answered_by.display_name}报告：被执行人{task.party.name}"
            f"（{task.case.number}）于{when_text(answer.get('seen_at'))}出现在{answer.get('place', '')}。")
    police = unit_recipients([notice.unit_id])
    if police:
        notify(police, Message(
            kind="grid_debtor_found", urgent=True,
            title=f"【网格员发现被执行人】{task.case.number} {task.party.name}"[:120],
            body=body + "该被执行人在贵单位查找中，请核实并先行查控。",
            link=reverse("assistance:detail", args=[notice.pk]),
        ))
    court = _court_people(task)
    if court:
        notify(court, Message(
            kind="grid_debtor_found", urgent=True,
            title=f"【网格员发现被执行人】{task.case.number} {task.party.name}"[:120],
            body=body + (f"本案向{notice.unit.name}发出的查找被执行人下落请求仍在查找中，"
                         "可在事项页面将发现情况转公安机关，24小时通知时限自发现时起算。"),
            link=task_link(task),
        ))


def task_cancelled(task, liaison):
    recipients = user_recipients([liaison])
    if recipients:
        notify(recipients, Message(
            kind="grid_task_cancelled",
            title=f"【网格协助撤回】{task.court.short_name}：{task.get_kind_display()}"[:120],
            body=f"{task.court.name}已撤回{_what(task)}，理由：{task.cancel_reason}。无需再办理。",
            link=task_link(task),
        ))


def task_overdue(task, subdistrict_people):
    """The escalation: the subdistrict's A/B contacts and the clerk who sent it."""
    recipients = [*subdistrict_people, *user_recipients([task.sent_by])]
    if recipients:
        notify(recipients, Message(
            kind="grid_task_overdue", urgent=True,
            title=f"【网格协助逾期督办】{task.community}：{task.get_kind_display()}"[:120],
            body=(f"{task.court.name}于{when(task.sent_at)}请{task.community}{_ask(task)}{_about(task)}，"
                  f"应于{_day(task.due_on)}前回复，至今未回复。请{task.subdistrict.name}督促网格员尽快办理。"),
            link=task_link(task),
        ))


def subdistrict_recipients(subdistrict_ids):
    """{subdistrict id: [Recipient]}: each subdistrict's A/B contacts and liaison accounts (not its grid liaisons)."""
    return recipients_by_unit(subdistrict_ids)


def task_due_today(task, liaison):
    recipients = user_recipients([liaison])
    if recipients:
        notify(recipients, Message(
            kind="grid_task_due_today",
            title=f"【今日到期】{task.get_kind_display()}：{task.case.number}"[:120],
            body=f"{task.court.name}请{task.community.name}{_ask(task)}{_about(task)}，今日（{_day(task.due_on)}）到期，请及时回复。",
            link=task_link(task),
        ))
