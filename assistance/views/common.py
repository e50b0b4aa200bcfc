"""Helpers shared by the notice pages: the visible notice or a 404, the way back after a button, a service call
whose refusal becomes a form error, and forms shown again without validation."""

from django.db import transaction
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from linkage.errors import ApplicationError

from ..forms import MAX_ROWS
from ..models import Notice


def visible_notice(user, pk):
    return get_object_or_404(
        Notice.objects.visible_to(user).select_related("case", "court", "unit", "measure", "debtor"), pk=pk
    )


def back(request, notice):
    """To the page the button was on (`next`, if it is this site's), else the notice's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("assistance:detail", pk=notice.pk)


def call(form, service, *, sections=None, **kwargs):
    """Call a service in its own transaction; a refusal becomes an error on the named field, or on the form
    (and, when the field names a section of rows such as `items`, on that section too)."""
    try:
        with transaction.atomic():
            return service(**kwargs)
    except ApplicationError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        else:
            form.add_error(None, error.message)
            if sections is not None and error.field:
                sections[error.field] = error.message
        return None


def first_error(form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "提交的内容有误。"


def quiet(form):
    """A bound form shown again without validation (after "add a row": nothing was submitted yet)."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    return form


def quiet_formset(formset):
    formset._non_form_errors = ErrorList()
    formset._errors = []
    for form in formset.forms:
        quiet(form)
    return formset


def with_added_row(post, prefix, default):
    data = post.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, default))
    except ValueError:
        total = default
    data[key] = str(min(total + 1, MAX_ROWS))
    return data
