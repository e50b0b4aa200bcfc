"""Helpers that connect services to Django forms: a service's ApplicationError becomes a form error."""

from django.contrib import messages
from django.db import transaction

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
