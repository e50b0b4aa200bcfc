"""Helpers that connect services to Django forms: a service's ApplicationError becomes a form error; a page's
actions are a table (move → form → service) run by one view."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect

from .errors import ApplicationError


def run_service(form, service, **kwargs):
    """Call a service; on ApplicationError attach its message to the named field (or the form) and return None."""
    try:
        with transaction.atomic():
            return service(**kwargs)
    except ApplicationError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return None


def run_action(request, service, **kwargs):
    """Call a service behind a button (no form); report success or the Chinese refusal as a message."""
    try:
        with transaction.atomic():
            return service(**kwargs), True
    except ApplicationError as error:
        messages.error(request, error.message)
        return None, False


def first_error(form):
    """The form's first error, with its field's label, for a message at the top of the page."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "提交的内容有误。"


# ---------------------------------------------------------------------------------- table-driven action views


@dataclass(frozen=True)
class Action:
    """One move a page offers, for a table of a page's actions: the state machine's move it stands for, the
    service, the message on success (text, or made from the service's result) and the form whose cleaned data are
    the service's other arguments (`(data, files, row) -> form`; None for a button)."""

    move: str
    service: Callable
    success: str | Callable
    form: Callable | None = None


def action_forms(actions, table, row, bound):
    """The unbound form of every action of `table` whose move is among `actions` (what the user may do now, from
    the machine), or the refused form in `bound` being shown again."""
    return {name: bound.get(name) or action.form(None, None, row)
            for name, action in table.items() if action.form is not None and action.move in actions}


def _success(action, result):
    """The action's message: its text, or made from what the service returned (a button's too)."""
    return action.success(result) if callable(action.success) else action.success


def act(request, table, name, row, *, keyword, detail, page):
    """Run action `name` of `table` on `row` (passed to the service as `keyword`): a button calls its service; a
    form is validated, then its cleaned data go to the service. Success redirects to the URL `detail` of the row;
    a refused form shows `page(request, pk, bound=..., status=400)` again with the message; a refused button
    redirects with it. An unknown name is a 404."""
    action = table.get(name)
    if action is None:
        raise Http404
    target = {"actor": request.user, keyword: row}
    if action.form is None:
        result, done = run_action(request, action.service, **target)
        if done:
            messages.success(request, _success(action, result))
        return redirect(detail, pk=row.pk)
    form = action.form(request.POST, request.FILES, row)
    if form.is_valid():
        result = run_service(form, action.service, **target, **form.cleaned_data)
        if result is not None:
            messages.success(request, _success(action, result))
            return redirect(detail, pk=row.pk)
    messages.error(request, first_error(form))
    return page(request, row.pk, bound={name: form}, status=400)
