"""The restriction order's state table (`blacklist.models.RESTRICTION_MACHINE` is one): each move, then its issued
document's status (`blacklist.restrictions.issuing`: lifted, or the pause noted), in the move's transaction,
whichever service made it. Kept apart from models.py, which it does not import."""

from linkage.statemachine import Machine


class RestrictionMachine(Machine):
    def move(self, obj, action, actor, **kwargs):
        obj = super().move(obj, action, actor, **kwargs)
        from .restrictions.issuing import after_move  # issuing renders the order, which reads the models (→ here)

        after_move(obj, action)
        return obj
