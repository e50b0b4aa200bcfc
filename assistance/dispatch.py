"""Who may make which move on an urgent dispatch request, and from which state: one table on the shared state
machine (`linkage.statemachine`). Escalation is a move that leaves the state as it is (an event and `escalated_at`),
made by the beat task, never by a person."""

from linkage.statemachine import Machine, Move, clerk_of, liaison_of

from .dispatch_models import OPEN_DISPATCH_STATES, DispatchEvent, DispatchState

_CLERK = clerk_of("court_id", "只有本院执行员可以结束出警请求。")
_POLICE = liaison_of("police_id", "只有该公安机关的联络员可以接警或登记到场。")

DISPATCH_MACHINE = Machine(
    noun="出警请求",
    moves={
        "acknowledge": Move({DispatchState.REQUESTED}, DispatchState.ACKNOWLEDGED, "接警", _POLICE),
        "arrive": Move({DispatchState.ACKNOWLEDGED}, DispatchState.ARRIVED, "登记到场", _POLICE),
        "close": Move(OPEN_DISPATCH_STATES, DispatchState.CLOSED, "结束", _CLERK),
        # The beat task's move: once, while nobody has acknowledged; the state stays.
        "escalate": Move({DispatchState.REQUESTED}, None, "逾期未接警督办"),
    },
    event_model=DispatchEvent,
    event_field="dispatch",
    related=("case", "court", "police"),
    names={"request": "请求出警"},
)
