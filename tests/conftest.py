"""Shared fixtures: factories exposed as fixtures, a logged-in client per role."""

import os
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from . import factories


def pytest_configure(config):
    """Each xdist worker keeps its cache keys apart: one Redis database serves the whole run, and the public search's
    rate limit counts per client address, so two workers searching from 127.0.0.1 would share one counter.

    Passwords are hashed with a cheap hasher in this process: factories set a password on every user (a permission
    world has twenty), and the production PBKDF2 costs ~0.3 s a hash on this machine. Servers the tests start in
    another process (faults, Celery workers) keep the production hashers; they authenticate by token.

    Issued documents are signed (linkage.verification): the signing keys of this run live in a fresh directory of
    its own (each worker, and the servers it starts, which inherit the environment), made on first use under a
    self-made CA, never in the project's var/."""
    import tempfile

    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    signing_dir = tempfile.mkdtemp(prefix=f"linkage-signing-{worker or 'main'}-")
    os.environ["LINKAGE_SIGNING_DIR"] = signing_dir
    settings.LINKAGE_SIGNING_DIR = Path(signing_dir)
    settings.LINKAGE_SIGNING_AUTO_ISSUE = True
    if worker:
        settings.CACHES["default"]["KEY_PREFIX"] = f"test-{worker}"


def pytest_collection_modifyitems(items):
    """A test on the live server commits, and its database is flushed when it ends (the data migrations' rows with
    it). pytest-django runs such tests last only when they say so with `django_db(transaction=True)`: one that does
    not would run among the others and empty the measure catalogue and the calendar under them."""
    unmarked = [item.nodeid for item in items if "live_server" in getattr(item, "fixturenames", ())
                and not (item.get_closest_marker("django_db") and item.get_closest_marker("django_db").kwargs.get("transaction"))]
    if unmarked:
        raise pytest.UsageError("这些测试使用 live_server，须标记 django_db(transaction=True)：" + "、".join(unmarked[:5]))


def clear_own_cache():
    """Empty this worker's part of the cache (cache.clear() would empty the other workers' too)."""
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if prefix and hasattr(cache, "_cache"):  # Redis
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


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
    from linkage import tokens

    def make(user):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue_for_login(user=user).key}")
        return api

    return make


@pytest.fixture
def reference_data(db):
    """The rows the data migrations load (measure catalogue, default deadline rules, the working-day calendar),
    loaded again by the same migration functions. A transactional test (browser, Celery, the feed) flushes the
    tables when it ends, so those tests ask for this fixture instead of relying on serialized rollback, which is
    not reliable under xdist."""
    import importlib

    from django.apps import apps

    for module, function in [
        ("members.migrations.0002_measure_catalogue", "load_catalogue"),
        ("assistance.migrations.0003_default_deadline_rules", "load_defaults"),
        ("assistance.migrations.0015_relief", "load_defaults"),
        ("linkage.migrations.0003_seed_calendar", "seed_calendar"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)
