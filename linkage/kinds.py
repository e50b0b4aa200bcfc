"""The registry of message kinds (the `kind` of `linkage.notify.Message`): each kind's Chinese label, whether it is
urgent by default (sent at once on every channel the recipient keeps, even in quiet hours, never held for the
digest) and whether it goes to the daily digest by default (no email/SMS/chat of its own; the bell row is written at
once). Senders pass only kind strings; a kind missing here falls back to a safe default: labelled "其他通知", not
urgent, not in the digest — i.e. sent like any ordinary message, never lost.

A user changes the channels and the digest per kind on the preferences page (linkage/preferences.py); urgency is
not the user's to change: a message is urgent when its kind is, or when the sender marks it (`Message.urgent`). A kind
marked `every_channel` (an alarm) is not the user's to silence either: it goes on every channel whatever they chose."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    group: str
    urgent: bool = False
    digest: bool = False
    # Sent on every channel whatever the recipient's preferences (an alarm: 紧急出警); implies urgent.
    every_channel: bool = False


NOTICES, REMINDERS, LISTINGS, MEETINGS, SYSTEM = "协助执行", "期限提醒", "失信名单", "联席会议", "系统"

_KINDS = [
    # The notice loop (hand-overs: somebody's turn now).
    Kind("notice_served", "协助执行通知书送达", NOTICES),
    Kind("notice_replied", "协助单位已回复", NOTICES),
    Kind("extension_requested", "协助单位申请延期", NOTICES),
    Kind("review_raised", "协助单位提出复议意见", NOTICES),
    Kind("notice_waiting_sign", "通知书待签发", NOTICES),
    Kind("notice_returned", "通知书被退回修改", NOTICES),
    Kind("lifting_waiting_sign", "解除通知书待签发", NOTICES),
    Kind("lifting_served", "解除协助执行通知书送达", NOTICES),
    Kind("case_concluded", "案件已结案，停止协助", NOTICES, urgent=True),
    Kind("renewal", "查封冻结续行提醒", NOTICES, digest=True),
    # Urgent dispatch (立即出警): the police unit's alarm and its escalation reach everybody on every channel.
    Kind("dispatch_requested", "紧急出警请求", NOTICES, urgent=True, every_channel=True),
    Kind("dispatch_unacknowledged", "出警请求逾期未接警", NOTICES, urgent=True, every_channel=True),
    Kind("dispatch_acknowledged", "公安机关已接警", NOTICES, urgent=True),
    # Finding people and vehicles with the police (assistance/services/tracking.py): every step is time-critical.
    Kind("tracking_found", "公安机关已发现被执行人或查扣车辆", NOTICES, urgent=True),
    Kind("tracking_handed_over", "公安机关移交被查扣车辆", NOTICES, urgent=True),
    Kind("tracking_cancelled", "法院撤销协查", NOTICES, urgent=True),
    Kind("tracking_relayed", "法院转来发现被执行人线索", NOTICES, urgent=True),
    Kind("detention_suggested", "建议停止执行拘留待决定", NOTICES, urgent=True),
    Kind("detention_decided", "停止执行拘留建议已决定", NOTICES, urgent=True),
    Kind("detention_reminder", "停止执行拘留建议待决定提醒", REMINDERS, urgent=True),
    # Relief for applicants in hardship (assistance/services/relief.py): the leader decides, the clerk is told.
    Kind("relief_proposed", "司法救助待决定", NOTICES),
    Kind("relief_decided", "司法救助已决定", NOTICES),
    # Judicial suggestion letters (assistance/services/suggestions.py): sign, serve, reply, and the reminders.
    Kind("suggestion_waiting_sign", "司法建议函待签发", NOTICES),
    Kind("suggestion_served", "司法建议函送达", NOTICES),
    Kind("suggestion_replied", "司法建议函已回复", NOTICES),
    Kind("suggestion_reminder", "司法建议函回复提醒", REMINDERS),
    # Referrals for the crime of refusing to enforce and to discipline bodies (assistance/services/referrals.py).
    Kind("referral_sent", "法院移送待答复", NOTICES, urgent=True),
    Kind("referral_answered", "移送已答复", NOTICES),
    Kind("referral_reminder", "移送答复期限提醒", REMINDERS),
    Kind("referral_overdue", "移送答复已逾期", REMINDERS, urgent=True),
    # Deadline ladders (notices, list pushes, meeting decisions).
    Kind("reminder_before_due", "通知书即将到期", REMINDERS),
    Kind("reminder_due_day", "通知书今日到期", REMINDERS),
    Kind("reminder_overdue", "通知书已逾期", REMINDERS, urgent=True),
    Kind("reminder_escalation", "通知书逾期督办", REMINDERS, urgent=True),
    # The unit's daily to-do list (assistance/reminders.py send_unit_digests): one item of the daily digest.
    Kind("digest", "单位每日待办", REMINDERS, digest=True),
    Kind("push_before_due", "失信名单推送待签收", REMINDERS),
    Kind("push_due_day", "失信名单推送今日到期", REMINDERS),
    Kind("push_overdue", "失信名单推送逾期未签收", REMINDERS, urgent=True),
    Kind("special_notification", "特殊主体待通报", REMINDERS),
    Kind("officials_list_issued", "涉公职人员未结执行案件通报", NOTICES),
    Kind("decision_before_due", "议定事项即将到期", REMINDERS),
    Kind("decision_due_day", "议定事项今日到期", REMINDERS),
    Kind("decision_overdue", "议定事项已逾期", REMINDERS, urgent=True),
    Kind("decision_escalation", "议定事项逾期督办", REMINDERS, urgent=True),
    # Listings.
    Kind("listing_proposed", "失信名单待审批", LISTINGS),
    Kind("listing_removal", "失信信息应删除", LISTINGS, digest=True),
    # The priority queue of the list's errors (blacklist/corrections/reminders.py): due within a working day, overdue.
    Kind("credit_queue_due", "信用纠错事项即将到期", REMINDERS),
    Kind("credit_queue_overdue", "信用纠错事项已逾期", REMINDERS, urgent=True),
    Kind("screening_hit", "筛查命中失信被执行人", LISTINGS, digest=True),
    # Credit repair (blacklist/repair): an application waits for the leader; its decision; its deadline.
    Kind("credit_repair_applied", "信用修复申请待决定", LISTINGS),
    Kind("credit_repair_decided", "信用修复申请已决定", LISTINGS),
    Kind("grace_missed", "暂缓惩戒期间未按期履行", LISTINGS, urgent=True),
    # Grid tasks (grid/): the community's grid liaison's to-do, the court's answer, the climb to the subdistrict.
    Kind("grid_task_sent", "网格协助事项待办理", NOTICES),
    Kind("grid_task_answered", "网格员已回复", NOTICES),
    Kind("grid_task_cancelled", "网格协助事项已撤回", NOTICES),
    Kind("grid_debtor_found", "网格员发现被执行人下落", NOTICES, urgent=True),
    Kind("grid_task_due_today", "网格协助事项今日到期", REMINDERS),
    Kind("grid_task_overdue", "网格协助事项逾期督办", REMINDERS, urgent=True),
    # Meetings.
    Kind("meeting_notice", "会议通知", MEETINGS),
    Kind("meeting_changed", "会议变更", MEETINGS),
    Kind("meeting_cancelled", "会议取消", MEETINGS),
    Kind("minutes_published", "会议纪要发布", MEETINGS, digest=True),
    Kind("decision_due", "会议议定事项交办", MEETINGS),
    Kind("annual_report", "年度报告", MEETINGS, digest=True),
    Kind("briefing_issued", "政法委工作通报", MEETINGS),
    Kind("briefing_unread", "工作通报未读提醒", MEETINGS),
    # System.
    Kind("calendar", "工作日历待更新", SYSTEM, digest=True),
]

KINDS = {kind.code: kind for kind in _KINDS}
GROUPS = (NOTICES, REMINDERS, LISTINGS, MEETINGS, SYSTEM)
UNKNOWN_LABEL = "其他通知"


def kind_info(code):
    """The registry entry of a kind; an unknown kind is an ordinary message (not urgent, not in the digest)."""
    return KINDS.get(code) or Kind(code=code, label=UNKNOWN_LABEL, group=SYSTEM)


def is_urgent(message):
    return bool(message.urgent) or kind_info(message.kind).urgent


def label(code):
    return kind_info(code).label
