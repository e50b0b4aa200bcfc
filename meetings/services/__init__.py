"""Every change to a meeting, an agenda item, a decision or an annual report is one service here: keyword-only
arguments, an actor, one transaction; it locks the row, checks the move and the actor's role against the model's
table in `meetings/machines.py`, saves with `update_fields` and writes an event row (who, when, from, to, why). A
refusal raises `ApplicationError` (400), `PermissionDenied` (403) or `TransitionNotAllowed` (409) with a Chinese
message and changes nothing. Views, the API, commands and tasks all call these; this module is their one address.
"""

from .agenda import (
    CONTESTED_REVIEW_STATES,
    accept_item,
    consultation_deadline,
    decline_item,
    escalate_dispute,
    link_notice,
    propose_case_coordination,
    propose_contested_review,
    withdraw_item,
)
from .annual_reports import (
    create_annual_report,
    edit_annual_report,
    regenerate_annual_report,
    send_annual_report,
)
from .common import consultation_working_days, unit_recipients
from .decisions import add_decision, cancel_decision, complete_decision, reply_to_decision, send_back_decision
from .meetings import (
    add_attendance,
    cancel_meeting,
    create_meeting,
    hold_meeting,
    publish_minutes,
    record_attendance,
    schedule_meeting,
    update_meeting,
    update_summary,
    withdraw_attendance,
)

__all__ = [
    "CONTESTED_REVIEW_STATES", "accept_item", "add_attendance", "add_decision", "cancel_decision", "cancel_meeting",
    "complete_decision", "consultation_deadline", "consultation_working_days", "create_annual_report",
    "create_meeting", "decline_item", "edit_annual_report", "escalate_dispute", "hold_meeting", "link_notice",
    "propose_case_coordination", "propose_contested_review", "publish_minutes", "record_attendance",
    "regenerate_annual_report", "reply_to_decision", "schedule_meeting", "send_annual_report", "send_back_decision",
    "unit_recipients", "update_meeting", "update_summary", "withdraw_attendance", "withdraw_item",
]
