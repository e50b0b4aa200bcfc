"""One error family for services. A service raises; pages turn it into a form error, the API into 400/409."""


class ApplicationError(Exception):
    """A rule of the domain refused the request. `message` is Chinese and shown to the user;
    `field` names the input it is about, when there is one."""

    status_code = 400

    def __init__(self, message, *, field=None, extra=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def as_dict(self):
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message, **self.extra}


class TransitionNotAllowed(ApplicationError):
    """The object's state does not allow this move."""

    status_code = 409

    def __init__(self, message, *, state, state_display=""):
        super().__init__(message, extra={"state": state})
        self.state = state
        self.state_display = state_display

    def as_dict(self):
        return {"detail": self.message, "state": self.state}


class PermissionDenied(ApplicationError):
    """The role may not do this (the object itself is visible to the caller)."""

    status_code = 403


class WorkRefused(Exception):
    """The server stopped a piece of work at its bound (a PDF that takes too long to lay out): not the caller's
    fault, so a 503, with a Chinese `message` the page or the API shows."""

    status_code = 503

    def __init__(self, message):
        super().__init__(message)
        self.message = message


UNIQUE_VIOLATION = "23505"
DUPLICATE_MESSAGE = "与已有记录重复（可能是他人刚刚同时提交了同样的内容），未保存。请刷新页面后核对。"


def duplicate_message(error):
    """The Chinese message for an IntegrityError raised by a unique constraint or a unique field (a concurrent
    create that passed its service's check before the other one committed), or None for any other error.

    Services check uniqueness first and answer with their own message; this is the answer when two requests
    pass that check at the same moment and the database refuses the second: a 409, never a 500. It names the
    constraint's own ``violation_error_message`` when the model gives one."""
    cause = getattr(error, "__cause__", None)
    if (getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)) != UNIQUE_VIOLATION:
        return None
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
    return _constraint_messages().get(constraint) or DUPLICATE_MESSAGE


def _constraint_messages():
    """{constraint name: Chinese message} for every model's unique constraints and unique fields."""
    from django.apps import apps
    from django.db.models import UniqueConstraint

    messages = {}
    for model in apps.get_models():
        label = str(model._meta.verbose_name)
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint):
                custom = constraint.violation_error_message
                default = UniqueConstraint.default_violation_error_message
                messages[constraint.name] = custom if custom and custom != default else f"{label}{DUPLICATE_MESSAGE}"
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                # PostgreSQL names a column's unique constraint <table>_<column>_key.
                messages[f"{model._meta.db_table}_{field.column}_key"] = (
                    f"{label}的{field.verbose_name}{DUPLICATE_MESSAGE}"
                )
    return messages
