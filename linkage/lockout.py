"""The login lockout per account, across addresses.

django-axes locks one (user name, address) pair after LINKAGE_LOGIN_FAILURE_LIMIT failures; an attacker with many
addresses would get that many guesses from each. This backend, second in AUTHENTICATION_BACKENDS, also refuses a
user name whose failures from all addresses together, within the cool-off window (LINKAGE_LOGIN_COOLOFF_MINUTES),
reach LINKAGE_LOGIN_ACCOUNT_FAILURE_LIMIT — counted from axes' own AccessAttempt rows (one indexed query per
login). The refusal is axes' lockout answer (429, in Chinese, JSON on the API); an administrator unlocks the
account by clearing its attempts in the admin (audited).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone


def account_failures(username):
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class AccountLockoutBackend:
    """Authenticates nobody; refuses a login for a user name over the per-account failure limit."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        limit = settings.LINKAGE_LOGIN_ACCOUNT_FAILURE_LIMIT
        if request is None or not username or not limit:
            return None
        if account_failures(username) >= limit:
            request.axes_locked_out = True  # AxesMiddleware answers with linkage.otp.lockout_response
            request.linkage_account_locked = True
            raise PermissionDenied("account locked")
        return None

    # No get_user: a backend with one could be chosen to hold sessions (Django's test client takes the first).
