"""Registering a unit's webhook endpoints (the administrator's page and `/api/v1/webhooks/` both come here): who may,
and what a valid endpoint is — an allowed URL (linkage.webhooks.endpoint_url_error), a secret of at least
SECRET_MIN characters (blank: keep the stored one, or a random one for a new endpoint), at least one known event
type. Nothing is deleted: an endpoint is switched off (`active`)."""

import secrets

from django.db import transaction

from linkage import parsing
from linkage.errors import ApplicationError, PermissionDenied
from linkage.webhooks import endpoint_url_error

from .webhook_models import WebhookEndpoint, WebhookEventType
from .webhooks import may_manage

SECRET_MIN = 16
SECRET_MAX = 200


def secret_error(secret):
    """The refusal of a secret typed in, or "" when it is acceptable."""
    if len(secret) < SECRET_MIN:
        return f"签名密钥至少{SECRET_MIN}位。"
    if len(secret) > SECRET_MAX:
        return f"签名密钥不能超过{SECRET_MAX}位。"
    if secret != secret.strip():
        return "签名密钥首尾不能有空格。"
    return ""


def _event_types(values):
    known = set(WebhookEventType.values)
    if not isinstance(values, list) or not values:
        raise ApplicationError("请至少选择一种订阅事件。", field="event_types")
    unknown = [value for value in values if value not in known]
    if unknown:
        raise ApplicationError(f"“{unknown[0]}”不是可订阅的事件。", field="event_types")
    return sorted(set(values), key=WebhookEventType.values.index)


@transaction.atomic
def save_endpoint(*, actor, organisation=None, endpoint=None, **changes):
    """Create an endpoint for `organisation` (a liaison: its own unit) or change `endpoint`; only the fields given
    in `changes` (name, url, secret, event_types, active) change. Returns the endpoint."""
    if endpoint is None:
        if organisation is None and getattr(actor, "is_liaison", False):
            organisation = actor.organisation
        if organisation is None:
            raise ApplicationError("请选择单位。", field="unit")
        endpoint = WebhookEndpoint(organisation=organisation)
        for field in ("name", "url", "event_types"):
            changes.setdefault(field, None)
    else:
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not may_manage(actor, endpoint):
        raise PermissionDenied("只有系统管理员或该单位的联络员可以登记事件推送地址。")
    if "name" in changes:
        endpoint.name = parsing.text(changes["name"], "名称", "name", limit=50)
    if "url" in changes:
        url = parsing.text(changes["url"], "接收地址", "url", limit=500)
        if error := endpoint_url_error(url):
            raise ApplicationError(error, field="url")
        endpoint.url = url
    secret = changes.get("secret") or ""
    if secret:
        if error := secret_error(secret):
            raise ApplicationError(error, field="secret")
        endpoint.secret = secret
    elif not endpoint.secret:
        endpoint.secret = secrets.token_urlsafe(32)
    if "event_types" in changes:
        endpoint.event_types = _event_types(changes["event_types"])
    if "active" in changes and changes["active"] is not None:
        endpoint.active = bool(changes["active"])
    endpoint.save()
    return endpoint
