"""Who may make which move on a notice, an extension request and a review suggestion, and from which state: one
table each on the shared state machine (`linkage.statemachine`). Services move through them; pages and the API ask
them which actions to offer."""

from dataclasses import dataclass

from linkage.errors import TransitionNotAllowed
from linkage.statemachine import Machine, Move, Role, clerk_of, leader_of, liaison_of

from .models import IN_FORCE_STATES, NoticeEvent, NoticeState, RequestState, ReviewState
from .querysets import OPEN_STATES

# The moves that start or restart a notice: refused once its case is concluded (执行完毕、终结、终本).
STARTING_MOVES = frozenset({"sign", "serve", "amend", "resubmit"})


def concluded_case_refusal(case, verb):
    """The one refusal of new work on a concluded case (drafting, signing, serving, amending), or "" when open."""
    if not case.is_concluded:
        return ""
    return f"案件已{case.get_status_display()}，不能再{verb}协助执行通知书。"


@dataclass
class NoticeMachine(Machine):
    """The notice's table, and the one rule beside it that the state alone cannot say: nothing is signed, served or
    (re)drafted on a concluded case. `check` refuses it in Chinese, so `may` and `actions_for` never offer it."""

    def check(self, obj, action, actor=None, *, role=True):
        move = super().check(obj, action, actor, role=role)
        refusal = concluded_case_refusal(obj.case, move.label) if action in STARTING_MOVES else ""
        if refusal:
            raise TransitionNotAllowed(refusal, state=obj.state)
        return move

    def may(self, user, obj, action):
        return super().may(user, obj, action) and not (action in STARTING_MOVES and obj.case.is_concluded)

    def move(self, obj, action, actor, **kwargs):
        """The move, then its issued documents (`assistance.issuing`: signing issues the notice or its lifting
        notice, withdrawing marks it withdrawn), in the move's transaction, whichever service made it."""
        obj = super().move(obj, action, actor, **kwargs)
        from .issuing import ISSUING_MOVES, after_move  # issuing renders documents, which read the deadlines (→ here)

        if action in ISSUING_MOVES:
            after_move(obj, action)
        return obj


_CLERK = clerk_of("court_id")
_LEADER = leader_of("court_id", "只有本院执行局领导可以签发或退回。")
_LIAISON = liaison_of("unit_id")
# The court decides a unit's request about a notice: a clerk of the notice's court.
_CLERK_OF_NOTICE = Role(lambda actor, obj: actor.is_clerk and actor.organisation_id == obj.notice.court_id,
                        _CLERK.message)

NOTICE_MACHINE = NoticeMachine(
    noun="通知书",
    moves={
        "sign": Move({NoticeState.DRAFT}, NoticeState.SIGNED, "签发",
                     leader_of("court_id", "只有本院执行局领导可以签发通知书。")),
        # The leader's other answer to a draft: back to the clerk with a reason; the clerk amends it and it waits again.
        "return": Move({NoticeState.DRAFT}, NoticeState.RETURNED, "退回修改", _LEADER),
        "resubmit": Move({NoticeState.RETURNED}, NoticeState.DRAFT, "修改后重新报签", _CLERK),
        "serve": Move({NoticeState.SIGNED}, NoticeState.SERVED, "送达", _CLERK),
        "acknowledge": Move({NoticeState.SERVED}, NoticeState.ACKNOWLEDGED, "签收", _LIAISON),
        "reply": Move({NoticeState.ACKNOWLEDGED}, NoticeState.REPLIED, "回复", _LIAISON),
        "close": Move({NoticeState.REPLIED}, NoticeState.CLOSED, "办结", _CLERK),
        # Lifting goes through the leader's sign-off like a notice: the clerk drafts it, the leader signs it (the
        # 解除协助执行通知书 is served on the unit) or returns it (the notice goes back to the state it was in), and
        # the unit acknowledges it online.
        "lift": Move(IN_FORCE_STATES, NoticeState.LIFTING, "拟解除", _CLERK),
        "sign_lifting": Move({NoticeState.LIFTING}, NoticeState.LIFTED, "签发解除", _LEADER),
        "return_lifting": Move({NoticeState.LIFTING}, lambda notice: notice.lifted_from, "退回解除", _LEADER),
        "acknowledge_lifting": Move({NoticeState.LIFTED}, NoticeState.LIFT_ACKNOWLEDGED, "确认解除", _LIAISON),
        "withdraw": Move({NoticeState.DRAFT, NoticeState.RETURNED, NoticeState.SIGNED, NoticeState.SERVED,
                          NoticeState.ACKNOWLEDGED}, NoticeState.WITHDRAWN, "撤回", _CLERK),
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
           "review_upheld": "审查建议成立", "review_not_upheld": "审查建议不成立", "deadline_moved": "期限变更",
           "term_edited": "更正查封冻结期限", "renewal_drafted": "起草续行通知书"},
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
