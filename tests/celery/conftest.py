"""Real Celery workers on Redis against the test database: subprocesses started for a test, stopped after it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _database_url():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def redis_broker(worker_id):
    """A Redis database of its own per xdist worker, emptied before and after the test."""
    number = {"master": 10, "gw0": 10, "gw1": 11, "gw2": 12, "gw3": 13}.get(worker_id, 9)
    url = f"redis://127.0.0.1:6379/{number}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture
def celery_workers(redis_broker, tmp_path, monkeypatch):
    """Start n real workers (separate processes) on the test database and a Redis broker of their own. The test
    talks to them through a client app of its own (send_task by name, results from Redis), so nothing depends on
    how the project's app was configured in this process."""
    from celery import Celery

    monkeypatch.setenv("CELERY_BROKER_URL", redis_broker)  # Celery prefers this variable to its own setting
    client = Celery("linkage-test-client", broker=redis_broker, backend=redis_broker)
    processes = []

    def start(count=1):
        env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": redis_broker,
               "CELERY_RESULT_BACKEND": redis_broker, "LINKAGE_VAR_DIR": str(tmp_path),
               "DJANGO_SETTINGS_MODULE": "linkage.settings", "DJANGO_DEBUG": "0"}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        for index in range(count):
            log = open(tmp_path / f"worker{index}.log", "w")
            processes.append((subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "linkage", "worker", "--pool=solo", "--loglevel=INFO",
                 "-n", f"w{index}-{os.getpid()}@localhost", "--without-gossip", "--without-mingle",
                 "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            ), log))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            replies = client.control.ping(timeout=1.0) or []
            if len(replies) >= len(processes):
                return
            for process, _ in processes:
                assert process.poll() is None, (tmp_path / "worker0.log").read_text()
        raise AssertionError("Celery workers did not start in 90 s")

    class Workers:
        def __call__(self, count=1):
            start(count)
            return self

        def send(self, name, args=(), task_id=None):
            return client.send_task(name, args=list(args), task_id=task_id)

        def wait_idle(self, timeout=60):
            """Until every message sent has run to its end. A result only says that one run of its task id ended:
            a redelivered copy (same id) may still be running. Tasks are acknowledged late (CELERY_TASK_ACKS_LATE),
            so a message leaves kombu's `unacked` hash only once its run has returned."""
            broker = redis.Redis.from_url(redis_broker)
            deadline = time.monotonic() + timeout
            while broker.llen("celery") or broker.hlen("unacked"):
                assert time.monotonic() < deadline, "the workers did not finish their tasks"
                time.sleep(0.05)
            broker.close()

    yield Workers()
    for process, _log in processes:
        process.send_signal(signal.SIGTERM)
    for process, log in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    client.close()


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Transactional tests start from the data-migration rows (see tests/conftest.py: reference_data)."""
