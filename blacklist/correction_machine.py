"""The correction request's state table (`blacklist.models.CORRECTION_MACHINE` is one): beyond the state, some moves
have conditions of the row — a rejection is taken to reconsideration once and never an error the court found
itself, the higher court's decision is recorded once, and a rejection reversed on reconsideration is corrected, not
rejected again. Kept apart from models.py, which it does not import."""

from dataclasses import dataclass, field

from linkage.errors import TransitionNotAllowed
from linkage.statemachine import Machine


@dataclass
class CorrectionMachine(Machine):
    """The correction request's table, with the refusals the court's pages have always shown, and the rule that a
    rejection's reconsideration is requested once (the request keeps its state "rejected")."""

    refusals: dict = field(default_factory=dict)

    def allows(self, obj, action):
        if action == "reconsider":  # once, and never of an error the court found itself
            once = not (obj.reconsideration_requested_on or obj.found_by_court)
        elif action in ("uphold", "reverse"):  # the higher court's decision on a requested reconsideration, once
            once = bool(obj.reconsideration_requested_on) and not obj.reconsideration_decided_on
        elif action == "reject":  # a rejection reversed on reconsideration is corrected, not rejected again
            once = not obj.reconsideration_decided_on
        else:
            once = True
        return super().allows(obj, action) and once

    def may(self, user, obj, action):
        role = self.moves[action].role
        return self.allows(obj, action) and (role is None or role.allows(user, obj))

    def check(self, obj, action, actor=None, *, role=True):
        move = self.moves[action]
        if role and move.role is not None:
            move.role.require(actor, obj)
        if not self.allows(obj, action):
            raise TransitionNotAllowed(self.refusals[action], state=obj.state)
        return move
