"""Who may make which move on a notice, an extension request and a review suggestion, and from which state: one
table each on the shared state machine (`linkage.statemachine`). Services move through them; pages and the API ask
them which actions to offer."""

from linkage.statemachine import Machine, Move, Role, clerk_of, leader_of, liaison_of

from .models import NoticeEvent, NoticeState, RequestState, ReviewState
from .querysets import OPEN_STATES

_CLERK = clerk_of("court_id")
_LIAISON = liaison_of("unit_id")
# The court decides a unit's request about a notice: a clerk of the notice's court.
_CLERK_OF_NOTICE = Role(lambda actor, obj: actor.is_clerk and actor.organisation_id == obj.notice.court_id,
                        _CLERK.message)

NOTICE_MACHINE = Machine(
    noun="通知书",
    moves={
        "sign": Move({NoticeState.DRAFT}, NoticeState.SIGNED, "签发",
                     leader_of("court_id", "只有本院执行局领导可以签发通知书。")),
        "serve": Move({NoticeState.SIGNED}, NoticeState.SERVED, "送达", _CLERK),
        "acknowledge": Move({NoticeState.SERVED}, NoticeState.ACKNOWLEDGED, "签收", _LIAISON),
        "reply": Move({NoticeState.ACKNOWLEDGED}, NoticeState.REPLIED, "回复", _LIAISON),
        "close": Move({NoticeState.REPLIED}, NoticeState.CLOSED, "办结", _CLERK),
        "lift": Move({NoticeState.SERVED, NoticeState.ACKNOWLEDGED, NoticeState.REPLIED, NoticeState.CLOSED},
                     NoticeState.LIFTED, "解除", _CLERK),
        "withdraw": Move({NoticeState.DRAFT, NoticeState.SIGNED, NoticeState.SERVED, NoticeState.ACKNOWLEDGED},
                         NoticeState.WITHDRAWN, "撤回", _CLERK),
        # Moves that leave the state as it is: a draft's correction, and the unit's side paths while the clock runs.
        "amend": Move({NoticeState.DRAFT}, None, "修改草稿", _CLERK),
        "extension_requested": Move(OPEN_STATES, None, "申请延期", _LIAISON),
        "review_raised": Move(OPEN_STATES, None, "提出审查建议", _LIAISON),
    },
    event_model=NoticeEvent,
    event_field="notice",
    related=("unit", "measure", "case", "court"),
    # What else a notice's history records: its drafting, the court's decisions on the unit's side paths (moves of
    # EXTENSION_MACHINE and REVIEW_MACHINE) and a deadline moved by a calendar change.
    names={"create": "起草", "extension_granted": "同意延期", "extension_refused": "不同意延期",
           "review_upheld": "审查建议成立", "review_not_upheld": "审查建议不成立", "deadline_moved": "期限变更"},
)

EXTENSION_MACHINE = Machine(
    noun="延期申请",
    moves={
        "grant": Move({RequestState.PENDING}, RequestState.GRANTED, "同意延期", _CLERK_OF_NOTICE),
        "refuse": Move({RequestState.PENDING}, RequestState.REFUSED, "不同意延期", _CLERK_OF_NOTICE),
    },
    related=("notice",),
)

REVIEW_MACHINE = Machine(
    noun="审查建议",
    moves={
        "uphold": Move({ReviewState.PENDING}, ReviewState.UPHELD, "认定成立", _CLERK_OF_NOTICE),
        "not_uphold": Move({ReviewState.PENDING}, ReviewState.NOT_UPHELD, "认定不成立", _CLERK_OF_NOTICE),
    },
    related=("notice",),
)
