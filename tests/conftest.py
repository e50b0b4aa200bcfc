"""Shared fixtures: factories exposed as fixtures, a logged-in client per role."""

import pytest
from rest_framework.test import APIClient

from . import factories


@pytest.fixture
def court(db):
    return factories.CourtFactory()


@pytest.fixture
def unit(db):
    return factories.OrganisationFactory(measures=["inquiry", "freeze"])


@pytest.fixture
def other_unit(db):
    return factories.OrganisationFactory(measures=["inquiry"])


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(role="admin", username="admin1", is_staff=True, is_superuser=True)


@pytest.fixture
def clerk(court):
    return factories.ClerkFactory(organisation=court)


@pytest.fixture
def leader(court):
    return factories.LeaderFactory(organisation=court)


@pytest.fixture
def committee_user(db):
    return factories.CommitteeUserFactory()


@pytest.fixture
def liaison(unit):
    return factories.LiaisonFactory(organisation=unit, liaison_role="A")


@pytest.fixture
def other_liaison(other_unit):
    return factories.LiaisonFactory(organisation=other_unit, liaison_role="A")


@pytest.fixture
def client_for(client):
    """Return a Django test client logged in as the given user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    """Return a DRF API client authenticated as the given user by token."""
    from rest_framework.authtoken.models import Token

    def make(user):
        api = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return make
