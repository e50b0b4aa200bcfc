"""A Redis that hangs — accepts the connection, never answers — must not hang the web app: the cache's and the
broker's socket timeouts turn it into an error after a bounded wait; the public search (whose rate limit lives in the
cache) still answers, and queueing a task gives up instead of blocking the request that queues it."""

import socket
import threading
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def silent_server():
    """A TCP server on loopback that accepts connections and never replies (a hung Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_hung_cache_fails_fast_and_the_public_search_still_answers(client, silent_server, settings):
    hung = {"default": {**settings.CACHES["default"], "BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": f"redis://127.0.0.1:{silent_server}/0",
                        "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}}}
    with override_settings(CACHES=hung):  # Django's test signals rebuild the cache handler from this setting
        assert caches["default"]._cache._servers == [f"redis://127.0.0.1:{silent_server}/0"]
        started = time.monotonic()
        response = client.get("/api/v1/public/debtors/?name=张伟")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 5  # bounded by the socket timeout, not by Redis


def test_a_hung_broker_does_not_hold_up_the_request_that_queues_a_task(silent_server, settings):
    """A Celery app configured as the project's (its broker transport options), pointed at the hung server:
    publishing a task comes back at once (the Redis transport does not wait for the broker's reply to a publish), so
    the request that queued it is not held up; the deliveries it was for stay pending in the database, where the
    periodic retry scan finds them (tests/faults/test_redis_outage.py)."""
    from celery import Celery

    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS == {"socket_timeout": settings.REDIS_TIMEOUT,
                                                        "socket_connect_timeout": settings.REDIS_TIMEOUT}
    app = Celery("hung-broker")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = f"redis://127.0.0.1:{silent_server}/0"
    started = time.monotonic()
    app.send_task("linkage.tasks.deliver_many", args=[[1]])
    elapsed = time.monotonic() - started
    app.close()
    assert elapsed < settings.REDIS_TIMEOUT
