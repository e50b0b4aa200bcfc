"""API authentication (settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]). A module of its own: DRF imports
these classes while rest_framework.views is still loading, so nothing here may import DRF's views."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` checked against linkage.ApiToken (only the key's SHA-256 is stored; see
    linkage/tokens.py): an unknown, expired or revoked key, or a deactivated user, gets 401 in Chinese on the very
    next call. One indexed read per call; last_used_at is written at most once a minute per token."""

    def authenticate_credentials(self, key):
        from . import tokens

        token = tokens.verify(key)
        if token is None:
            # DRF's own message id, so its Chinese catalogue answers (“认证令牌无效。”).
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if getattr(token.user, "is_grid", False):  # a token from before the account became a grid liaison's
            raise exceptions.AuthenticationFailed(tokens.GRID_NO_TOKEN)
        return token.user, token
