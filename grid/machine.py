"""Who may make which move on a grid task, and from which state (`linkage.statemachine`). Escalation leaves the
state as it is (an event and `escalated_at`), made by the beat task, never by a person."""

from linkage.statemachine import Machine, Move, Role, court_staff_of

from .models import GridTaskEvent, GridTaskState

_COURT = court_staff_of("court_id", "只有发出该事项的法院工作人员可以撤回。")
_GRID = Role(lambda actor, task: actor.is_grid and actor.community_id == task.community_id,
             "只有该村（居）委会的网格员可以回复。")

GRID_TASK = Machine(
    noun="网格协助事项",
    moves={
        "answer": Move({GridTaskState.SENT}, GridTaskState.ANSWERED, "回复", _GRID),
        "cancel": Move({GridTaskState.SENT}, GridTaskState.CANCELLED, "撤回", _COURT),
        # The beat task's move: once, when the due day has ended unanswered; the state stays.
        "escalate": Move({GridTaskState.SENT}, None, "逾期督办"),
    },
    event_model=GridTaskEvent,
    event_field="task",
    related=("case", "court", "community", "subdistrict"),
    names={"send": "发出", "view": "网格员查看", "forward": "转公安查控", "due_moved": "期限变更",
           "reminded": "到期提醒"},
)
