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
