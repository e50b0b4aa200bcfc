"""The audit trail: every request by a logged-in user and every change to a record.

The middleware records page views and API calls with the client address and agent; model
signals record creates, updates (with the changed fields) and deletes of every model of the
project's own apps. The request context travels in a context variable, so a change made by a
service inside a request is attributed to the right user and client; changes made outside a
request (a Celery task, a management command) are recorded without a client.
"""

import contextvars
import datetime
import decimal
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save

logger = logging.getLogger(__name__)

AUDITED_APPS = {"linkage", "members", "cases", "assistance", "blacklist", "meetings", "assessment"}
# Models whose rows are themselves a log, or too frequent to be worth a second row each.
UNAUDITED_MODELS = {"linkage.auditentry", "linkage.notification", "linkage.delivery", "linkage.reminder",
                    # proxies of django-axes' and django-otp's records (linkage.auth_models), not audited before either
                    "linkage.loginattempt", "linkage.loginlog", "linkage.loginfailure", "linkage.twofactordevice"}
MASKED_FIELDS = {"password", "key_hash"}
SKIPPED_PATH_PREFIXES = ("/static/", "/favicon.ico")


@dataclass(frozen=True)
class RequestContext:
    user: object | None
    client_address: str | None
    user_agent: str
    method: str
    path: str


_current = contextvars.ContextVar("audit_request", default=None)


def client_address(request):
    """The client's address; with N trusted proxies in front, the N-th address from the right of X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def context_from_request(request):
    user = getattr(request, "user", None)
    return RequestContext(
        user=user if user is not None and user.is_authenticated else None,
        client_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        method=request.method or "",
        path=request.get_full_path()[:500],
    )


def current_context():
    # Built at the time of writing, so a token user that DRF authenticated inside the view is seen.
    request = _current.get()
    return context_from_request(request) if request is not None else None


class AuditMiddleware:
    """Records one `view` entry per request by a logged-in user (token users included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            response = self.get_response(request)
            # DRF authenticates token users inside the view and sets them on the Django request too.
            context = context_from_request(request)
            if context.user is not None and not request.path.startswith(SKIPPED_PATH_PREFIXES):
                record("view", context=context, status_code=response.status_code)
            return response
        finally:
            _current.reset(token)



def record(action, *, context=None, status_code=None, instance=None, changes=None, user=None, model=None):
    """Write one audit entry.

    Inside a transaction (every change a service makes) the entry is part of it: if it cannot be written, the
    exception goes up and the whole change is rolled back — no change is ever committed without its entry. Outside
    one (page views, logins) a failure is logged and the request goes on."""
    from .models import AuditEntry

    context = context if context is not None else current_context()
    actor = user if user is not None else (context.user if context else None)
    entry = AuditEntry(
        user=actor if actor is not None and getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        action=action,
        method=context.method if context else "",
        path=context.path if context else "",
        status_code=status_code,
        client_address=context.client_address if context else None,
        user_agent=context.user_agent if context else "",
        changes=changes or {},
    )
    if model is not None:  # a bulk write: the entry names the model, the ids are in `changes`
        entry.content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        entry.object_repr = f"{changes.get('count', 0)}条{model._meta.verbose_name}"[:300]
    if instance is not None:
        entry.content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        entry.object_id = str(instance.pk)
        entry.object_repr = str(instance)[:300]
    if transaction.get_connection().in_atomic_block:
        _insert(entry)
        return entry
    try:
        _insert(entry)
    except Exception:  # pragma: no cover - the audit must never break the request it records
        logger.exception("audit entry could not be written")
    return entry


def _insert(entry):
    """Write an entry with bulk_create: one INSERT, no signal sent (the log is not itself logged)."""
    from .models import AuditEntry

    AuditEntry.objects.bulk_create([entry])


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (bytes, memoryview)):
        return "<binary>"
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name
    return value


def _field_values(instance):
    values = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        values[field.attname] = "***" if field.attname in MASKED_FIELDS else _jsonable(value)
    return values


def _is_audited(sender):
    if sender.__module__ == "__fake__":  # a historical model in a data migration: the log table may not exist yet
        return False
    meta = sender._meta
    return meta.app_label in AUDITED_APPS and meta.label_lower not in UNAUDITED_MODELS and not meta.auto_created


def remember_loaded(instance):
    """Take the audit's "before" picture of a row just read under SELECT ... FOR UPDATE in the current transaction:
    nothing else can change the row until it commits, so the next save of this instance diffs against the picture
    instead of reading the row again. Returns the instance."""
    instance._audit_previous = _field_values(instance)
    return instance


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _is_audited(sender) or instance._state.adding or instance.pk is None:
        return
    if getattr(instance, "_audit_previous", None) is not None:  # remember_loaded: the row as locked
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_previous = _field_values(previous) if previous is not None else None


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _is_audited(sender):
        return
    current = _field_values(instance)
    if created:
        record("create", instance=instance, changes={"new": current})
        return
    previous = getattr(instance, "_audit_previous", None) or {}
    changed = {
        name: [previous.get(name), value]
        for name, value in current.items()
        if name in previous and previous.get(name) != value and (update_fields is None or name in update_fields
                                                                 or name.removesuffix("_id") in update_fields)
    }
    instance._audit_previous = None
    if changed:
        record("update", instance=instance, changes=changed)


def _after_delete(sender, instance, **kwargs):
    if _is_audited(sender):
        record("delete", instance=instance, changes={"old": _field_values(instance)})


def _logged_in(sender, request, user, **kwargs):
    record("login", context=context_from_request(request), user=user, instance=user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record("logout", context=context_from_request(request), user=user, instance=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    context = context_from_request(request) if request is not None else None
    record("login_failed", context=context, changes={"username": credentials.get("username", "")})


def connect_signals():
    pre_save.connect(_before_save, dispatch_uid="audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="audit_post_save")
    post_delete.connect(_after_delete, dispatch_uid="audit_post_delete")
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")


# ------------------------------------------------------------------------------------------------ bulk writes
# `bulk_create`, `bulk_update` and `update()` send no model signals, so the signals above cannot see them. Every model
# of the audited apps gets its rows through `AuditedQuerySet` (a system check, `linkage.checks`, refuses a model whose
# default manager does not), which writes one entry per bulk write: the rows' ids and, for updates, each row's
# values before and after. The log's own tables are the exception (`AuditEntry`).

BULK_DETAIL_LIMIT = 1000  # rows whose before/after values are kept in one entry; beyond it, the ids and new values
_in_bulk_update = contextvars.ContextVar("audit_in_bulk_update", default=False)  # Django's bulk_update calls update()


def _is_bulk_audited(model):
    if model.__module__ == "__fake__":  # a historical model in a migration, as for the signals
        return False
    meta = model._meta
    return meta.app_label in AUDITED_APPS and meta.label_lower != "linkage.auditentry"


def _record_bulk(action, model, ids, changes):
    record(action, changes={"model": model._meta.label_lower, "count": len(ids), "ids": ids, **changes},
           instance=None, model=model)


class AuditedQuerySet(models.QuerySet):
    """A queryset whose bulk writes are recorded in the audit trail, inside the same transaction."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created and _is_bulk_audited(self.model):
            rows = [_field_values(obj) for obj in created[:BULK_DETAIL_LIMIT]]
            _record_bulk("bulk_create", self.model, [_jsonable(obj.pk) for obj in created], {"new": rows})
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        token = _in_bulk_update.set(True)
        try:
            count = super().bulk_update(objs, fields, *args, **kwargs)
        finally:
            _in_bulk_update.reset(token)
        if objs and _is_bulk_audited(self.model):
            names = [self.model._meta.get_field(name).attname for name in fields]
            rows = {str(obj.pk): {name: _jsonable(getattr(obj, name)) for name in names}
                    for obj in objs[:BULK_DETAIL_LIMIT]}
            _record_bulk("bulk_update", self.model, [_jsonable(obj.pk) for obj in objs], {"new": rows})
        return count

    def update(self, **kwargs):
        if not _is_bulk_audited(self.model) or _in_bulk_update.get():
            return super().update(**kwargs)
        names = [self.model._meta.get_field(name).attname for name in kwargs]
        with transaction.atomic(using=self.db, savepoint=False):
            before = {row["pk"]: row for row in self.values("pk", *names)}
            if not before:
                return 0
            rows = self.model._base_manager.using(self.db).filter(pk__in=list(before))
            count = rows.update(**kwargs)
            detail = {}
            if len(before) <= BULK_DETAIL_LIMIT:
                # Literal values are the rows' new values; only expressions (F(), Now()) need reading back.
                literal = not any(hasattr(value, "resolve_expression") for value in kwargs.values())
                after = ([{"pk": pk, **{name: kwargs[field] for name, field in zip(names, kwargs, strict=True)}}
                          for pk in before] if literal else rows.values("pk", *names))
                for row in after:
                    old = before[row["pk"]]
                    detail[str(row["pk"])] = {name: [_jsonable(old[name]), _jsonable(row[name])] for name in names
                                              if old[name] != row[name]}
            _record_bulk("bulk_update", self.model, [_jsonable(pk) for pk in before], {"fields": names,
                                                                                       "changed": detail})
        return count
