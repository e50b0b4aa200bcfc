"""Rows for the grid overview's and the assessment's grid tests, made directly (the services that send and answer
tasks are another module's): tasks in a chosen state; the tree's factories are the grid's own (tests/grid/factories.py)."""

import datetime

from grid.models import GridTask, GridTaskKind, GridTaskState
from linkage.workdays import TIMEZONE
from tests.assistance_factories import CaseFactory


def moment(day, hour=10):
    """An aware moment in Asia/Shanghai on a date."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TIMEZONE)


def grid_task(*, clerk, community, sent_on, due_on, state=GridTaskState.SENT, answered_on=None,
              subdistrict=None, kind=GridTaskKind.POST):
    """A task `clerk`'s court sent to `community` on `sent_on`, due on `due_on`, in `state`: answered (on
    `answered_on`, on time when not after the due day) or cancelled."""
    case = CaseFactory(court=clerk.organisation, created_by=clerk)
    values = {}
    if state == GridTaskState.ANSWERED:
        answered_on = answered_on or due_on
        values.update(answered_at=moment(answered_on, 16), answered_on_time=answered_on <= due_on,
                      answer={"text": "已张贴。"})
    if state == GridTaskState.CANCELLED:
        values.update(cancelled_by=clerk, cancelled_at=moment(sent_on, 15), cancel_reason="已自动履行")
    return GridTask.objects.create(
        case=case, court=clerk.organisation, community=community,
        subdistrict=subdistrict or community.subdistrict, kind=kind, state=state, sent_by=clerk,
        sent_at=moment(sent_on), due_on=due_on, due_rule="测试期限", **values)
