"""Fault injection on loopback. Each test gets services of its own to break: a Redis server on a free port (stopped
and started again), real Celery workers (killed with SIGKILL), a gunicorn server (killed and started again), and the
PostgreSQL backends of those processes (terminated with pg_terminate_backend). The shared Redis on 6379 and the shared
PostgreSQL server on 5432 are never stopped: other engineers' tests use them at the same time. Everything is per test
(own ports, own Redis, the xdist worker's own test database), so the tests run side by side under `-n 2`."""

import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2
import pytest
import redis
import requests
from django.db import connection

from assistance import services
from tests import factories
from tests.assistance_factories import CaseFactory, DebtorFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
VISIBILITY_TIMEOUT = 3  # seconds before Redis hands an unacknowledged message to another worker (default: 1 hour)
SH = ZoneInfo("Asia/Shanghai")
SCAN = "assistance.tasks.scan_reminders"
RETRY_DELIVERIES = "linkage.tasks.retry_deliveries"
PDF_HEADER = b"%PDF-1.7\n"


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_refuses(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(check, *, timeout, what, interval=0.1):
    """Poll `check` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"等待超时（{timeout} 秒）：{what}")
        time.sleep(interval)


# ------------------------------------------------------------------------------------------------ PostgreSQL


def database_settings():
    """The test database (the xdist worker's own) on the shared server."""
    s = connection.settings_dict
    return {"dbname": s["NAME"], "user": s["USER"], "password": s.get("PASSWORD") or None,
            "host": s["HOST"] or "127.0.0.1", "port": int(s["PORT"] or 5432)}


def database_url(application_name):
    """DATABASE_URL for a subprocess, naming its connections so the test can find its backends."""
    d = database_settings()
    password = f":{d['password']}" if d["password"] else ""
    return (f"postgres://{d['user']}{password}@{d['host']}:{d['port']}/{d['dbname']}"
            f"?application_name={application_name}")


@contextlib.contextmanager
def pg_connection(*, autocommit=True):
    """A connection of the test's own beside Django's, to probe, lock and terminate other backends."""
    conn = psycopg2.connect(**database_settings(), application_name="faults-probe")
    conn.autocommit = autocommit
    try:
        yield conn
    finally:
        conn.close()


def backends(probe, application_name, *, where="true"):
    """The test database's backends opened by processes of that name: [(pid, state, wait_event_type, wait_event,
    has written in its open transaction, query)]."""
    with probe.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event_type, wait_event, backend_xid IS NOT NULL, query FROM pg_stat_activity "
            f"WHERE datname = current_database() AND application_name = %s AND ({where})",
            [application_name],
        )
        return cursor.fetchall()


# ----------------------------------------------------------------------------------------------------- Redis


class RedisServer:
    """A redis-server of the test's own on a free loopback port, without persistence (as a cache and broker is
    usually run): stopping it loses whatever it held, which is the harder case."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process = None

    def url(self, db):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db):
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_connect_timeout=1)

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        wait_for(self._ready, timeout=15, what=f"redis-server on port {self.port}")

    def _ready(self):
        assert self.process.poll() is None, (self.directory / "redis.log").read_text()
        try:
            return self.client(0).ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None
        assert port_refuses(self.port)


@pytest.fixture
def own_redis(tmp_path):
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    yield server
    if server.process is not None:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture
def app_on_own_redis(own_redis, settings, monkeypatch):
    """This process's Django cache and Celery app on the test's Redis: cache in db 0, broker in db 1, results in
    db 2. Celery reads CELERY_BROKER_URL from the environment before its own setting, so that is what is set."""
    from linkage.celery import app

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": own_redis.url(0)}}
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url(1))
    monkeypatch.setenv("CELERY_RESULT_BACKEND", own_redis.url(2))

    def forget_connections():
        app._pool = None  # re-created on next use, for whatever URL is configured then
        app.amqp._producer_pool = None

    forget_connections()
    yield own_redis
    forget_connections()


# ------------------------------------------------------------------------------------------------ SMS gateway


class SMSGateway:
    """The SMS provider, played on loopback by the test (what leaves the machine is the one thing tests stand in
    for): it takes `linkage.notify.HttpSMSGateway`'s POSTs and records each message it answered 200 to, i.e. each
    SMS actually sent. `hang_at = n` makes it hold the n-th request without ever answering (a stalled provider), so a
    worker can be killed in the middle of a send."""

    def __init__(self):
        self.accepted = []
        self.received = 0
        self.hang_at = None
        self.hung = None
        self.hanging = threading.Event()
        self.release = threading.Event()
        lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    gateway.received += 1
                    hang = gateway.received == gateway.hang_at
                if hang:
                    gateway.hung = (body["mobile"], body["text"])
                    gateway.hanging.set()
                    gateway.release.wait(120)
                    self.close_connection = True
                    return  # never answered: not sent
                with lock:
                    gateway.accepted.append((body["mobile"], body["text"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway():
    gateway = SMSGateway()
    yield gateway
    gateway.close()


# ------------------------------------------------------------------------------------------- Celery workers


class Workers:
    """Real `celery worker` processes on the test database and the test's Redis, with a visibility timeout of
    VISIBILITY_TIMEOUT seconds: the production pool (prefork) with one child, each worker in a process group of its
    own so that `kill` can SIGKILL parent and child at once, as a crash of the machine or container would. The test
    talks to them through a client app of its own (send_task by name)."""

    def __init__(self, tmp_path, own_redis, sms_gateway):
        from celery import Celery

        self.tmp_path = tmp_path
        self.processes = []
        self.logs = []
        self.client = Celery("faults-client", broker=own_redis.url(1), backend=own_redis.url(2),
                             set_as_current=False)
        # With Redis stopped, fail at once instead of reconnecting the result subscription for 20 s.
        self.client.conf.result_backend_transport_options = {"retry_policy": {"max_retries": 0}}
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(f"faults-worker-{os.getpid()}"),
            "CELERY_BROKER_URL": own_redis.url(1), "CELERY_RESULT_BACKEND": own_redis.url(2),
            "REDIS_URL": own_redis.url(0), "LINKAGE_VAR_DIR": str(tmp_path / "worker-var"),
            "FAULTS_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "DJANGO_SETTINGS_MODULE": "linkage.settings",
            "DJANGO_DEBUG": "0", "SMS_GATEWAY": "linkage.notify.HttpSMSGateway", "SMS_GATEWAY_URL": sms_gateway.url,
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.application_name = f"faults-worker-{os.getpid()}"

    def start(self):
        """Start one more worker and return its process once it answers a ping."""
        index = len(self.processes)
        name = f"faults{index}-{os.getpid()}-{uuid.uuid4().hex[:6]}@localhost"
        log_path = self.tmp_path / f"worker{index}.log"
        log = open(log_path, "w")  # closed in close()
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.faults.worker_app", "worker", "--pool=prefork",
             "--concurrency=1", "--loglevel=INFO", "-n", name, "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.processes.append(process)
        self.logs.append((log, log_path))

        def answers():
            assert process.poll() is None, log_path.read_text()
            return self.client.control.ping(destination=[name], timeout=0.5)

        wait_for(answers, timeout=60, what=f"Celery worker {name}")
        return process

    def kill(self, process):
        """SIGKILL to the worker and its pool child: no warm shutdown, no acknowledgement, no clean-up."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def send(self, name, args=(), task_id=None):
        return self.client.send_task(name, args=list(args), task_id=task_id)

    def log(self):
        return "\n".join(path.read_text() for _, path in self.logs)

    def close(self):
        for process in self.processes:  # nothing left to finish: the test has checked what it waited for
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        for log, _ in self.logs:
            log.close()
        # Results still referenced somewhere would unsubscribe from a Redis that may be gone by then: drop the
        # subscription now, so their clean-up does not try to reach it.
        consumer = self.client.backend.result_consumer
        if consumer._pubsub is not None:
            with contextlib.suppress(redis.RedisError):
                consumer._pubsub.close()
            consumer._pubsub = None
        self.client.close()


@pytest.fixture
def celery_workers(app_on_own_redis, sms_gateway, tmp_path):
    (tmp_path / "worker-var" / "static").mkdir(parents=True)
    workers = Workers(tmp_path, app_on_own_redis, sms_gateway)
    yield workers
    workers.close()


def wait_until_all_sent(workers, expected, timeout=30):
    """Wait until `expected` deliveries exist and every one is sent."""
    from linkage.models import Delivery, DeliveryState

    def done():
        states = list(reminder_deliveries().values_list("state", flat=True))
        return len(states) == expected and all(state == DeliveryState.SENT for state in states)

    try:
        wait_for(done, timeout=timeout, what="every SMS sent")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{list(Delivery.objects.values())}\n{workers.log()}") from None


# ----------------------------------------------------------------------------------------------- web server


class WebServer:
    """The app under gunicorn with the production settings (linkage/gunicorn_conf.py: a gthread worker of 2 threads,
    keep-alive), one worker, against the test database, with uploads under a media directory of the test's own that
    outlives the process."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.media_root = tmp_path / "media"
        self.log_path = tmp_path / "gunicorn.log"
        self.application_name = f"faults-web-{uuid.uuid4().hex[:8]}"
        (tmp_path / "web-var" / "static").mkdir(parents=True)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(self.application_name), "LINKAGE_VAR_DIR": str(tmp_path / "web-var"),
            "LINKAGE_MEDIA_ROOT": str(self.media_root), "DJANGO_SETTINGS_MODULE": "linkage.settings",
            "DJANGO_DEBUG": "0", "CELERY_BROKER_URL": "memory://", "REDIS_URL": "",
        }
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_RESULT_BACKEND"):
            self.env.pop(name, None)
        self.process = None
        self.starts = 0

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        self.starts += 1
        with open(self.log_path, "a") as log:
            log.write(f"---- start {self.starts}\n")
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "linkage" / "gunicorn_conf.py"),
                 "linkage.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "120",
                 "--graceful-timeout", "2", "--access-logfile", "-"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_for(self._ready, timeout=60, what="gunicorn to answer")
        return self

    def _ready(self):
        assert self.process.poll() is None, self.log()
        try:
            return requests.get(self.url("/accounts/login/"), timeout=5).status_code == 200
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or its first request (imports) is slow
            return False

    def kill(self):
        """SIGKILL to gunicorn's master and worker at once (its own process group): a crash, not a shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        wait_for(lambda: port_refuses(self.port), timeout=10, what="the killed server's port to close")
        self.process = None

    def log(self):
        return self.log_path.read_text()


@pytest.fixture
def web_server(tmp_path):
    server = WebServer(tmp_path)
    yield server
    if server.process is not None:
        server.kill()


def token_session(user):
    """A requests session authenticated by the user's API token (committed: the server is another process)."""
    from linkage import tokens

    session = requests.Session()
    session.headers["Authorization"] = f"Token {tokens.issue_for_login(user=user).key}"
    return session


# ------------------------------------------------------------------------------------------------------ data


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Transactional tests start from the data-migration rows (see tests/conftest.py: reference_data)."""


@pytest.fixture
def people(db):
    """A court with its clerk and leader, a unit with its liaison and its roster contacts A, B and L (SMS only)."""
    court = factories.CourtFactory()
    clerk = factories.ClerkFactory(organisation=court)
    leader = factories.LeaderFactory(organisation=court)
    unit = factories.OrganisationFactory(measures=["inquiry"], jurisdiction=court.jurisdiction)
    liaison = factories.LiaisonFactory(organisation=unit)
    contacts = {
        role: factories.ContactFactory(organisation=unit, role=role, name=name, mobile=mobile, email="")
        for role, name, mobile in [("A", "甲联络", "13800000001"), ("B", "乙联络", "13800000002"),
                                   ("L", "丙领导", "13800000003")]
    }
    return {"court": court, "clerk": clerk, "leader": leader, "unit": unit, "liaison": liaison, "contacts": contacts}


def draft_and_serve(people, *, at=None, case=None):
    """A notice to the unit, drafted, signed and served through the services."""
    clerk = people["clerk"]
    case = case or CaseFactory(court=people["court"], created_by=clerk)
    debtor = case.parties.debtors().first() or DebtorFactory(case=case)
    _, (notice,) = services.draft_notices(
        actor=clerk, case=case, units=[people["unit"]], measure="inquiry", debtor=debtor,
        ruling_number="（2026）粤0103执1号", items=[{"property_kind": "bank_account", "description": "查询存款"}],
    )
    services.sign_notice(actor=people["leader"], notice=notice)
    notice = services.serve_notice(actor=clerk, notice=notice, at=at)
    send_service_messages()
    return notice


SERVICE_MESSAGE = "【新通知书】"


def send_service_messages():
    """Serving tells the unit (notice_served): those messages go out at once, through the logging gateway, so the
    faults below are about the reminders' deliveries alone (`reminder_deliveries`)."""
    from django.test import override_settings

    from linkage import notify
    from linkage.models import Delivery

    pending = Delivery.objects.filter(state="pending", subject__startswith=SERVICE_MESSAGE)
    with override_settings(SMS_GATEWAY="linkage.notify.LoggingSMSGateway"):
        for pk in pending.values_list("pk", flat=True):
            notify.deliver(pk)


def reminder_deliveries():
    """The deliveries of the reminders (not of the message that told the unit of the service)."""
    from linkage.models import Delivery

    return Delivery.objects.exclude(subject__startswith=SERVICE_MESSAGE)


@pytest.fixture
def due_notice(people):
    """Served on 2026-09-30, due on Saturday 2026-10-10 (a make-up working day): its `before_due` reminder falls
    due on 10-09 at 09:00 and its `overdue` one on Monday 10-12 (see tests/celery/test_reminder_workers.py)."""
    return draft_and_serve(people, at=at(2026, 9, 30, 10))


def acknowledged_notice(people):
    notice = draft_and_serve(people)
    return services.acknowledge_notice(actor=people["liaison"], notice=notice)


def pdf_bytes(size):
    return PDF_HEADER + os.urandom(size - len(PDF_HEADER))
