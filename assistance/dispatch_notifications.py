"""Who hears of an urgent dispatch request, and what they read. Every message is of an urgent kind (linkage/kinds.py:
`dispatch_requested` and `dispatch_unacknowledged` are `every_channel`): it goes at once on every channel — the bell,
SMS, email and the unit's work-chat groups — ignoring quiet hours, the daily digest and the channel choices of the
preferences page (an alarm is not the recipient's to silence)."""

from django.urls import reverse
from django.utils import timezone

from linkage.notify import Message, notify
from linkage.workdays import TIMEZONE
from members.recipients import committee_users, contacts_by_unit, court_leaders, recipients_by_unit, user_recipients


def _link(dispatch):
    return reverse("assistance:dispatch-detail", args=[dispatch.pk])


def _clock(moment):
    return f"{timezone.localtime(moment, TIMEZONE):%m月%d日 %H:%M}"


def _facts(dispatch):
    situation = f"现场情况：{dispatch.situation}。" if dispatch.situation else ""
    return (f"{dispatch.court.name}执行员{dispatch.requested_by.display_name}在执行{dispatch.case.number}时"
            f"遭遇暴力抗拒执行，请求立即出警。地点：{dispatch.place}。{situation}"
            f"请求时间：{_clock(dispatch.requested_at)}。")


def police_recipients(police_id):
    """The police unit's A and B contacts (and liaison accounts) and its responsible leader (L), each once."""
    people = list(recipients_by_unit([police_id]).get(police_id, []))
    leader = contacts_by_unit([police_id], roles=("L",)).get(police_id, {}).get("L")
    if leader is not None and leader.key not in {recipient.key for recipient in people}:
        people.append(leader)
    return people


def dispatch_requested(dispatch):
    notify(police_recipients(dispatch.police_id), Message(
        kind="dispatch_requested", urgent=True,
        title=f"【紧急出警】{dispatch.court.short_name}请求出警：{dispatch.place}"[:120],
        body=_facts(dispatch) + f"请于{_clock(dispatch.ack_due_at)}前在系统中点击“已接警”，到场后点击“已到场”。",
        link=_link(dispatch),
    ))


def dispatch_unacknowledged(dispatch):
    """The escalation: the committee of the jurisdiction and the court's leaders (and the clerk who asked)."""
    people = [*committee_users(dispatch.court.jurisdiction_id), *court_leaders(dispatch.court_id),
              dispatch.requested_by]
    recipients = user_recipients(people)
    if recipients:
        notify(recipients, Message(
            kind="dispatch_unacknowledged", urgent=True,
            title=f"【出警督办】{dispatch.police.short_name}逾期未接警：{dispatch.place}"[:120],
            body=_facts(dispatch) + (f"{dispatch.police.name}未在{_clock(dispatch.ack_due_at)}前接警，"
                                     "请立即协调公安机关出警。"),
            link=_link(dispatch),
        ))


def dispatch_acknowledged(dispatch):
    recipients = user_recipients([dispatch.requested_by])
    notify(recipients, Message(
        kind="dispatch_acknowledged", urgent=True,
        title=f"【已接警】{dispatch.police.short_name}已接警：{dispatch.place}"[:120],
        body=(f"{dispatch.police.name}{dispatch.acknowledged_by.display_name}已于{_clock(dispatch.acknowledged_at)}"
              f"接警（{dispatch.case.number}，地点：{dispatch.place}）。"),
        link=_link(dispatch),
    ))
