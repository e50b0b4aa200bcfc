"""Issue 17, item 8: the login lockout also limits the attempts on one account across addresses, and the admin cannot
edit or delete django-axes' records (an administrator unlocks with an explicit, audited action)."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.urls import reverse

from linkage.models import AuditEntry
from tests.factories import ClerkFactory, CourtFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = settings.DEMO_PASSWORD


@pytest.fixture
def clerk(db):
    return ClerkFactory(organisation=CourtFactory(), username="clerk-spray")


def test_many_addresses_share_one_limit_per_account(client, clerk):
    limit = settings.LINKAGE_LOGIN_ACCOUNT_FAILURE_LIMIT
    assert limit == 20 and settings.AXES_FAILURE_LIMIT == 5
    # Below the per-address limit from every address: axes alone would never lock.
    per_address = settings.AXES_FAILURE_LIMIT - 1
    for n in range(limit):
        address = f"10.20.0.{n // per_address + 1}"
        client.post(reverse("login"), {"username": clerk.username, "password": f"guess-{n}"}, REMOTE_ADDR=address)
    assert AccessAttempt.objects.filter(username=clerk.username).values("ip_address").distinct().count() == 5
    page = client.post(reverse("login"), {"username": clerk.username, "password": PASSWORD}, REMOTE_ADDR="10.99.0.1")
    assert page.status_code == 429 and "该账户近期登录失败次数过多" in page.content.decode()
    assert "_auth_user_id" not in client.session
    api = client.post(
        "/api/v1/auth/token/",
        {"username": clerk.username, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.99.0.2",
    )
    assert api.status_code == 429 and "该账户近期登录失败次数过多" in api.json()["detail"]
    assert not clerk.api_tokens.exists()
    other = ClerkFactory(organisation=clerk.organisation, username="clerk-other")  # other accounts are unaffected
    assert (
        client.post(
            reverse("login"), {"username": other.username, "password": PASSWORD}, REMOTE_ADDR="10.99.0.1"
        ).status_code
        == 302
    )


def test_the_axes_records_are_read_only_and_unlocking_is_audited(client, clerk):
    admin = UserFactory(role="admin", username="admin-axes", is_staff=True, is_superuser=True)
    attempt = AccessAttempt.objects.create(
        username=clerk.username,
        ip_address="10.1.1.1",
        user_agent="x",
        path_info="/accounts/login/",
        http_accept="*/*",
        failures_since_start=5,
    )
    log = AccessLog.objects.create(
        username=clerk.username, ip_address="10.1.1.1", user_agent="x", path_info="/accounts/login/", http_accept="*/*"
    )
    client.force_login(admin)
    for model, obj in [("loginattempt", attempt), ("loginlog", log), ("loginfailure", None)]:
        if obj is not None:
            change = reverse(f"admin:linkage_{model}_change", args=[obj.pk])
            assert client.get(change).status_code == 200  # viewed
            assert client.post(change, {"username": "edited", "failures_since_start": 0}).status_code == 403
            assert client.get(reverse(f"admin:linkage_{model}_delete", args=[obj.pk])).status_code == 403
        listing = client.get(reverse(f"admin:linkage_{model}_changelist"))
        assert listing.status_code == 200 and "delete_selected" not in listing.content.decode()
    changelist = reverse("admin:linkage_loginattempt_changelist")
    refused = client.post(changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert refused.status_code in (200, 302) and AccessAttempt.objects.filter(pk=attempt.pk).exists()
    AccessLog.objects.get(pk=log.pk)
    client.post(changelist, {"action": "unlock", "_selected_action": [attempt.pk]})
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    entry = AuditEntry.objects.get(action="unlock")
    assert entry.user == admin and entry.changes["username"] == clerk.username
    assert entry.changes["ip_address"] == "10.1.1.1" and entry.changes["failures_since_start"] == 5
