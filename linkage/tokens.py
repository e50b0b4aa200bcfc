"""API tokens: issued, verified and revoked here and nowhere else.

A token's key is 43 random URL-safe characters (256 bits); the database keeps only its SHA-256 (hex) and its first
8 characters to tell tokens apart in the admin. A person's token expires after LINKAGE_TOKEN_TTL; only a unit's
system account (User.is_system_account, set by an administrator) gets a token without expiry, minted by an
administrator for that account (the admin action or `manage.py issue_system_token`). Changing a password or
deactivating a user revokes every token of theirs (the receivers below). Tokens are never deleted.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from .errors import ApplicationError

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, so an API call is not a write each time.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


@dataclass(frozen=True)
class Issued:
    token: object  # the ApiToken row
    key: str  # shown once; not stored anywhere


def hash_key(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _create(*, user, name, expires_at, last_used_at=None):
    from .models import ApiToken

    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        key_hash=hash_key(key),
        prefix=key[:PREFIX_LENGTH],
        user=user,
        name=name[:100],
        expires_at=expires_at,
        last_used_at=last_used_at,
    )
    return Issued(token=token, key=key)


GRID_NO_TOKEN = "网格员账户不能获取API令牌：请用手机号码和短信验证码登录网页。"


@transaction.atomic
def issue_for_login(*, user, name="API登录"):
    """A token for a person who has just proved who they are (password, and the one-time code if enrolled). The
    login counts as its first use. A grid liaison's light account gets none (it uses the grid pages only)."""
    if getattr(user, "is_grid", False):
        raise ApplicationError(GRID_NO_TOKEN)
    now = timezone.now()
    return _create(user=user, name=name, expires_at=now + settings.LINKAGE_TOKEN_TTL, last_used_at=now)


@transaction.atomic
def issue_system_token(*, actor, user, name):
    """A token without expiry for a unit's system account, minted by an administrator. Refused for anybody else:
    an administrator cannot hold a working token of another person."""
    if not getattr(actor, "is_administrator", False):
        raise ApplicationError("只有系统管理员可以为单位系统账户签发令牌。")
    if not user.is_system_account:
        raise ApplicationError(f"“{user.username}”不是单位系统账户：不能为他人签发令牌，本人请通过登录接口获取。")
    if not user.is_active:
        raise ApplicationError(f"“{user.username}”已停用，不能签发令牌。")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请为单位系统账户的令牌填写名称（用途）。")
    return _create(user=user, name=name, expires_at=None)


def verify(key):
    """The live token for a key, with its user loaded, or None (unknown, expired or revoked key). Records the use,
    at most once a LAST_USED_RESOLUTION per token."""
    from .models import ApiToken

    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def revoke(*, token):
    from .models import ApiToken

    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def revoke_all(*, user):
    """Revoke every live token of a user; returns how many."""
    from .models import ApiToken

    count = 0
    with transaction.atomic():
        for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])  # one by one, so each revocation is in the audit log
            count += 1
    return count


def _remember_credentials(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a user is saved: note whether the password or the active flag is about to change."""
    instance._tokens_revoke = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender._base_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    ):
        instance._tokens_revoke = True


def _revoke_after_change(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_tokens_revoke", False):
        instance._tokens_revoke = False
        revoke_all(user=instance)


def connect_signals():
    model = settings.AUTH_USER_MODEL
    pre_save.connect(_remember_credentials, sender=model, dispatch_uid="tokens_remember_credentials")
    post_save.connect(_revoke_after_change, sender=model, dispatch_uid="tokens_revoke_after_change")
