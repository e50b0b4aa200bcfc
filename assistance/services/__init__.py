"""Every change to a notice is one service here: keyword-only arguments, an actor, one transaction. Each locks the
notice and makes its move through `NOTICE_MACHINE` (assistance/machines.py), which checks the state and the actor's
role from the one table, saves with `update_fields` and writes the `NoticeEvent`. Views, the API, admin actions,
commands and tasks all call these.

- `drafting`: draft a batch of notices, correct a draft, return a draft to the clerk, store scans;
- `lifecycle`: sign, serve, acknowledge, close, withdraw;
- `lifting`: lift through the leader's sign-off (draft, sign, return, the unit's acknowledgement) and a concluded
  case's stop;
- `replies`: the unit's structured reply;
- `side_paths`: extension requests and review suggestions, asked by the unit and decided by the court;
- `terms`: each freeze's or seal's term (from service or the reply, corrected by the clerk) and its renewal.
"""

from .drafting import amend_draft, draft_notices, return_draft
from .lifecycle import acknowledge_notice, close_notice, serve_notice, sign_notice, withdraw_notice
from .lifting import acknowledge_lifting, lift_notice, return_lifting, sign_lifting
from .replies import RESULT_FIELD_LABELS, RESULT_FIELDS, RESULT_KIND_FOR_MEASURE, reply_to_notice
from .side_paths import decide_extension, decide_review_suggestion, raise_review_suggestion, request_extension
from .terms import draft_renewal, edit_term, renewal_refusal

__all__ = [
    "RESULT_FIELDS",
    "RESULT_FIELD_LABELS",
    "RESULT_KIND_FOR_MEASURE",
    "acknowledge_lifting",
    "acknowledge_notice",
    "amend_draft",
    "close_notice",
    "decide_extension",
    "decide_review_suggestion",
    "draft_renewal",
    "draft_notices",
    "edit_term",
    "lift_notice",
    "raise_review_suggestion",
    "renewal_refusal",
    "reply_to_notice",
    "request_extension",
    "return_draft",
    "return_lifting",
    "serve_notice",
    "sign_lifting",
    "sign_notice",
    "withdraw_notice",
]
