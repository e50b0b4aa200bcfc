"""The audit trail records page views and record changes with user, client address and agent."""

import pytest
from django.urls import reverse

from linkage.models import AuditEntry
from members.models import Organisation

pytestmark = pytest.mark.django_db

AGENT = "Mozilla/5.0 (X11; Linux x86_64) LinkageTest/1.0"


def test_page_view_is_recorded_with_address_and_agent(client_for, liaison):
    client = client_for(liaison)
    client.get(reverse("members:directory"), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT=AGENT)
    entry = AuditEntry.objects.filter(action="view", path="/members/directory/").get()
    assert entry.user == liaison
    assert entry.client_address == "10.1.2.3"
    assert entry.user_agent == AGENT
    assert entry.status_code == 200


def test_anonymous_requests_are_not_views_of_a_user(client):
    client.get(reverse("login"))
    assert not AuditEntry.objects.filter(action="view").exists()


def test_roster_change_is_recorded_with_changes_address_and_agent(api_for, admin_user, unit):
    api = api_for(admin_user)
    response = api.patch(f"/api/v1/units/{unit.pk}/", {"short_name": "新简称"}, format="json",
                         REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT=AGENT)
    assert response.status_code == 200
    change = AuditEntry.objects.get(action="update", object_id=str(unit.pk), content_type__model="organisation")
    assert change.user == admin_user
    assert change.client_address == "10.9.8.7"
    assert change.user_agent == AGENT
    assert change.changes["short_name"][1] == "新简称"
    # The API call itself is logged as an access by the token user too.
    assert AuditEntry.objects.filter(action="view", user=admin_user, path__startswith="/api/v1/units/").exists()


def test_login_and_failed_login_are_recorded(client, liaison):
    client.post(reverse("login"), {"username": liaison.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.5")
    client.post(reverse("login"), {"username": liaison.username, "password": "demo-pass-2026"}, REMOTE_ADDR="10.0.0.5")
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.changes["username"] == liaison.username and failed.client_address == "10.0.0.5"
    assert AuditEntry.objects.filter(action="login", user=liaison, client_address="10.0.0.5").exists()


def test_forwarded_address_is_used_only_behind_a_trusted_proxy(client_for, liaison, settings):
    client = client_for(liaison)
    client.get(reverse("home"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AuditEntry.objects.latest("id").client_address == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    client.get(reverse("home"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AuditEntry.objects.latest("id").client_address == "1.2.3.4"


def test_administrator_searches_the_audit_log_and_cannot_edit_it(client_for, admin_user, liaison):
    client_for(liaison).get(reverse("members:roster"), HTTP_USER_AGENT=AGENT)
    client = client_for(admin_user)
    url = reverse("admin:linkage_auditentry_changelist")
    response = client.get(url, {"q": liaison.username})
    assert response.status_code == 200
    assert "/members/" in response.content.decode()
    entry = AuditEntry.objects.filter(user=liaison).first()
    delete = client.post(reverse("admin:linkage_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_roster_is_never_hard_deleted_from_the_admin(client_for, admin_user, unit):
    response = client_for(admin_user).post(reverse("admin:members_organisation_delete", args=[unit.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=unit.pk).exists()
