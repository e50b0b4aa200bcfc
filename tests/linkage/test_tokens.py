"""Issue 17, item 2: API tokens are secrets, not records — only a hash is stored, they expire (but a unit's system
account's does not), a password change or a deactivation revokes them, the admin lists them without keys and
cannot mint one for a person, and every token login is in the audit log like a page login."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from linkage import tokens
from linkage.errors import ApplicationError
from linkage.models import ApiToken, AuditEntry
from tests.factories import ClerkFactory, CourtFactory, LiaisonFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = settings.DEMO_PASSWORD
TOKEN_URL = "/api/v1/auth/token/"


def _login(client, user, **extra):
    return client.post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}, content_type="application/json", **extra
    )


def _units(client, key, **extra):
    return client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {key}", **extra).status_code


@pytest.fixture
def clerk(db):
    return ClerkFactory(organisation=CourtFactory(), username="clerk-token")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role="admin", username="admin-tokens", is_staff=True, is_superuser=True))
    return client


def test_the_key_is_in_no_column_of_the_database(client, clerk):
    response = _login(client, clerk)
    key = response.json()["token"]
    assert _units(client, key) == 200
    text_columns = [
        field.column
        for field in ApiToken._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
    ]
    table = connection.ops.quote_name(ApiToken._meta.db_table)
    with connection.cursor() as cursor:
        for column in text_columns:
            cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table}")
            values = [row[0] for row in cursor.fetchall()]
            assert values and not any(key in (value or "") for value in values), column
    token = ApiToken.objects.get()
    assert token.key_hash != key and len(token.prefix) == 8 and key.startswith(token.prefix)
    assert not [entry for entry in AuditEntry.objects.all() if key in str(entry.changes) + entry.path]


def test_a_persons_token_expires(client, clerk):
    body = _login(client, clerk).json()
    assert body["expires_at"].endswith("+08:00")  # Beijing time, as every time of the API
    expires_at = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at - (timezone.now() + settings.LINKAGE_TOKEN_TTL)) < datetime.timedelta(minutes=1)
    with time_machine.travel(expires_at - datetime.timedelta(minutes=1)):
        assert _units(client, body["token"]) == 200
    with time_machine.travel(expires_at + datetime.timedelta(minutes=1)):
        assert _units(client, body["token"]) == 401


def test_a_system_account_gets_a_token_without_expiry_from_the_admin(admin_client):
    unit = OrganisationFactory()
    system = LiaisonFactory(organisation=unit, username="unit-system", is_system_account=True)
    changelist = reverse("admin:members_user_changelist")
    form = admin_client.post(changelist, {"action": "issue_system_token", "_selected_action": [system.pk]})
    assert form.status_code == 200 and 'name="token_name"' in form.content.decode()
    assert not ApiToken.objects.exists()
    page = admin_client.post(
        changelist, {"action": "issue_system_token", "_selected_action": [system.pk], "token_name": "公安局接口"}
    )
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.expires_at) == (system, "公安局接口", None)
    key = page.context["key"]
    assert key.startswith(token.prefix) and tokens.hash_key(key) == token.key_hash
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650)):
        assert _units(admin_client.__class__(), key) == 200
    listing = admin_client.get(reverse("admin:linkage_apitoken_changelist"))
    assert listing.status_code == 200 and token.prefix in listing.content.decode()
    assert key not in listing.content.decode()
    assert admin_client.get(reverse("admin:linkage_apitoken_add")).status_code == 403
    assert admin_client.get(reverse("admin:linkage_apitoken_delete", args=[token.pk])).status_code == 403


def test_the_admin_cannot_mint_a_token_for_another_person(admin_client, clerk):
    changelist = reverse("admin:members_user_changelist")
    response = admin_client.post(
        changelist, {"action": "issue_system_token", "_selected_action": [clerk.pk], "token_name": "冒用"}, follow=True
    )
    assert "不是单位系统账户" in response.content.decode()
    assert not ApiToken.objects.exists()
    admin = UserFactory(role="admin")
    with pytest.raises(ApplicationError, match="不是单位系统账户"):
        tokens.issue_system_token(actor=admin, user=clerk, name="冒用")
    system = LiaisonFactory(organisation=OrganisationFactory(), is_system_account=True)
    with pytest.raises(ApplicationError, match="只有系统管理员"):
        tokens.issue_system_token(actor=clerk, user=system, name="越权")
    assert not ApiToken.objects.exists()


def test_changing_the_password_revokes_the_tokens(client, clerk):
    key = _login(client, clerk).json()["token"]
    other = tokens.issue_for_login(user=ClerkFactory(organisation=clerk.organisation)).key
    client.force_login(clerk)
    weak = client.post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    assert _units(client, key) == 200  # refused change: nothing revoked
    done = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "Hz7-qv!Lr2026x", "new_password2": "Hz7-qv!Lr2026x"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("password-change-done")
    assert client.get(reverse("password-change-done")).status_code == 200  # still logged in
    assert _units(client.__class__(), key) == 401
    assert _units(client.__class__(), other) == 200  # someone else's token is untouched
    assert ApiToken.objects.get(user=clerk).revoked_at is not None  # revoked, not deleted


def test_deactivating_a_user_revokes_the_tokens(client, clerk):
    key = _login(client, clerk).json()["token"]
    clerk.is_active = False
    clerk.save()
    clerk.is_active = True
    clerk.save()  # reactivating does not bring the token back
    assert _units(client, key) == 401
    assert ApiToken.objects.get(user=clerk).revoked_at is not None


def test_a_token_login_is_audited_like_a_page_login(client, clerk):
    response = _login(client, clerk, REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="unit-system/1.0")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="login")
    assert (entry.user, entry.path, entry.client_address, entry.user_agent) == (
        clerk,
        TOKEN_URL,
        "10.9.8.7",
        "unit-system/1.0",
    )
    clerk.refresh_from_db()
    assert clerk.last_login is not None


def test_the_migration_hashes_old_drf_tokens_and_drops_their_table(client, clerk):
    """linkage/migrations/0006: DRF's plain-text keys become hashed ApiTokens that work until the TTL, a deactivated
    user's is revoked, and the old table is gone."""
    import importlib

    from django.apps import apps

    inactive = ClerkFactory(organisation=clerk.organisation, is_active=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone NOT NULL,"
            " user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s), (%s, %s, %s)",
            ["a" * 40, timezone.now(), clerk.pk, "b" * 40, timezone.now(), inactive.pk],
        )
    migration = importlib.import_module("linkage.migrations.0006_hash_drf_tokens")
    with connection.schema_editor() as editor:
        migration.hash_old_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert _units(client, "a" * 40) == 200
    moved = ApiToken.objects.get(user=clerk)
    assert moved.key_hash == tokens.hash_key("a" * 40) and moved.expires_at is not None
    assert ApiToken.objects.get(user=inactive).revoked_at is not None
