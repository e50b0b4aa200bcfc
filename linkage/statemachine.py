"""One way to move a stateful record: lock the row, check the move against the model's table, check the actor's
role for the move from the same table, save with `update_fields`, write the event.

A model's table is a `Machine` of `Move`s. Services call `machine.move(...)` on a row they locked with
`machine.lock(...)`; pages and the API ask `machine.actions_for(user, obj)` which buttons to show, so "which role may
make which move" is written once, beside the states it joins. Every event model derives from `EventBase`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkage import audit
from linkage.audit import AuditedQuerySet
from linkage.errors import PermissionDenied, TransitionNotAllowed
from linkage.text import TEXT_MAX, BoundedTextField

# ------------------------------------------------------------------------------------------------ roles


@dataclass(frozen=True)
class Role:
    """Who may make a move: a test of the actor against the row, and the message when the test fails."""

    test: Callable
    message: str
    refusal: Callable | None = None  # (actor, row) -> the message, when one message cannot fit every refusal

    def allows(self, actor, obj):
        return actor is not None and bool(self.test(actor, obj))

    def require(self, actor, obj):
        if not self.allows(actor, obj):
            raise PermissionDenied(self.refusal(actor, obj) if self.refusal else self.message)


def leader_of(attribute, message="只有本院执行局领导可以办理此事项。"):
    """A bureau leader of the court the row names in `attribute` (e.g. "court_id")."""
    return Role(lambda actor, obj: actor.is_leader and actor.organisation_id == getattr(obj, attribute), message)


def clerk_of(attribute, message="只有本院执行员可以办理此事项。"):
    """A clerk of the court the row names in `attribute`."""
    return Role(lambda actor, obj: actor.is_clerk and actor.organisation_id == getattr(obj, attribute), message)


def court_staff_of(attribute, message="只有本院工作人员可以办理此事项。"):
    """A clerk or a leader of the court the row names in `attribute`."""
    return Role(lambda actor, obj: actor.is_court_staff and actor.organisation_id == getattr(obj, attribute), message)


def liaison_of(attribute, message="只有该协助执行单位的联络员可以办理。"):
    """A liaison of the unit the row names in `attribute`."""
    return Role(lambda actor, obj: actor.is_liaison and actor.organisation_id == getattr(obj, attribute), message)


def committee_of(attribute, message="只有政法委可以办理此事项。", elsewhere="只能办理本辖区的事项。", *,
                 administrator=False):
    """A reviewer of the committee of the jurisdiction the row names in `attribute` (dotted, e.g.
    "meeting.jurisdiction_id"); with `administrator`, the system administrator too. `elsewhere` is the refusal
    for a committee reviewer of another jurisdiction, `message` for anybody else."""
    jurisdiction_of_row = attrgetter(attribute)

    def test(actor, obj):
        if administrator and actor.is_administrator:
            return True
        return (actor.is_committee and actor.organisation_id is not None
                and actor.organisation.jurisdiction_id == jurisdiction_of_row(obj))

    return Role(test, message, lambda actor, obj: elsewhere if actor.is_committee else message)


# ------------------------------------------------------------------------------------------------ moves


@dataclass(frozen=True)
class Move:
    """One move of a table: the states it starts from, the state it leads to (None: the state stays, as for an
    amendment; a callable of the row: a state the row remembers, as for "back to where it was"), its Chinese name (a verb: 签发), who may make it (None: any actor the service accepts) and, when
    the table's usual refusal says too little, its own (`{state}` stands for the row's state, displayed)."""

    sources: frozenset
    target: str | None
    label: str
    role: Role | None = None
    refusal: str = ""

    def __init__(self, sources, target, label, role=None, refusal=""):
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "refusal", refusal)

    def target_of(self, obj, state_field="state"):
        """The state the move leads the row to."""
        if self.target is None:
            return getattr(obj, state_field)
        return self.target(obj) if callable(self.target) else self.target


@dataclass
class Machine:
    """The table of a stateful model. `noun` names the record in messages (通知书); `event_model` and
    `event_field` say where its history goes (NoticeEvent, "notice"); `related` lists what `lock` joins."""

    noun: str
    moves: dict
    event_model: type | None = None
    event_field: str = ""
    related: tuple = ()
    state_field: str = "state"
    names: dict = field(default_factory=dict)

    def label(self, action):
        """The Chinese name of an action: a move's, or one of the extra names of the history (延期, 期限变更)."""
        move = self.moves.get(action)
        return move.label if move else self.names.get(action, action)

    # -- checks

    def _state(self, obj):
        return getattr(obj, self.state_field)

    def check(self, obj, action, actor=None, *, role=True):
        """The move, if the row's state allows it and (with `role`) the actor may make it; raises otherwise."""
        move = self.moves[action]
        if role and move.role is not None:
            move.role.require(actor, obj)
        state = self._state(obj)
        if state not in move.sources:
            display = getattr(obj, f"get_{self.state_field}_display")()
            message = move.refusal.format(state=display) if move.refusal else \
                f"{self.noun}当前状态为“{display}”，不能{move.label}。"
            raise TransitionNotAllowed(message, state=state)
        return move

    def allows(self, obj, action):
        """Whether the row's state allows the move (whoever asks)."""
        return self._state(obj) in self.moves[action].sources

    def may(self, user, obj, action):
        """Whether `user` may make the move on the row now: the state allows it and the role fits."""
        move = self.moves[action]
        return self._state(obj) in move.sources and (move.role is None or move.role.allows(user, obj))

    def actions_for(self, user, obj):
        """The actions `user` may take on the row now, in the table's order."""
        return [action for action in self.moves if self.may(user, obj, action)]

    # -- writes (inside the caller's transaction)

    def lock(self, obj):
        """The row, locked for the rest of the transaction (its own row only), with `related` joined. The audit
        takes its "before" picture from this read: nothing can change the row until the transaction ends."""
        queryset = type(obj)._default_manager.select_for_update(of=("self",))
        if self.related:
            queryset = queryset.select_related(*self.related)
        return audit.remember_loaded(queryset.get(pk=obj.pk))

    def record(self, obj, action, actor, *, from_state="", to_state="", reason="", data=None, at=None, **extra):
        """Write one event of the row's history."""
        return self.event_model.objects.create(
            **{self.event_field: obj}, at=at or timezone.now(), actor=actor, action=action, from_state=from_state,
            to_state=to_state, reason=reason or "", data=data or {}, **extra,
        )

    def note(self, obj, action, actor, **kwargs):
        """Write an event that leaves the row's state as it is (an amendment, a record added to the row)."""
        state = self._state(obj)
        return self.record(obj, action, actor, from_state=state, to_state=state, **kwargs)

    def move(self, obj, action, actor, *, reason="", data=None, at=None, event=None, role=True, **fields):
        """Check the move (state and role), apply it with its field changes, save them and record the event.
        `event` holds extra columns of the event row; `role=False` when the service checked the actor itself."""
        move = self.check(obj, action, actor, role=role)
        from_state = self._state(obj)
        to_state = move.target_of(obj, self.state_field)
        setattr(obj, self.state_field, to_state)
        for key, value in fields.items():
            setattr(obj, key, value)
        update = [self.state_field, *fields]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update.append("updated_at")
        obj.save(update_fields=update)
        if self.event_model is not None:
            self.record(obj, action, actor, from_state=from_state, to_state=to_state, reason=reason, data=data,
                        at=at, **(event or {}))
        return obj


# ------------------------------------------------------------------------------------------------ events


class EventBase(models.Model):
    """One step of a history: who did what, when, from which state to which, and why. Rows are never changed.
    A concrete event adds the foreign key to its row and names its `ACTIONS` (or its `MACHINE`) and `STATES`."""

    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    reason = BoundedTextField("理由", blank=True, max_chars=TEXT_MAX)
    data = models.JSONField("数据", default=dict, blank=True)

    objects = AuditedQuerySet.as_manager()

    ACTIONS = {}
    STATES = None

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action_display}"

    @property
    def action_display(self):
        return self.ACTIONS.get(self.action, self.action)

    def _state_label(self, value):
        if not value or self.STATES is None:
            return value
        try:
            return self.STATES(value).label
        except ValueError:
            return value

    @property
    def from_state_display(self):
        return self._state_label(self.from_state)

    @property
    def to_state_display(self):
        return self._state_label(self.to_state)
