"""What every benchmark script needs first: a PostgreSQL database of its own, Django set up on it, migrated; and
the database dropped afterwards (unless kept for a second look)."""

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BENCH = Path(__file__).resolve().parent
# The source tree whose code the benches import and serve: this one, or the one LINKAGE_CODE_ROOT names (issue 18
# measures the tree before the private SQL layer was removed with these same scripts:
# LINKAGE_CODE_ROOT=/path/to/before .venv/bin/python bench/reminders_bench.py).
ROOT = Path(os.environ.get("LINKAGE_CODE_ROOT") or BENCH.parent).resolve()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Loading the settings puts the working directory first on sys.path (Celery's loader): work in the measured tree.
os.chdir(ROOT)


def keep_argument():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return parser.parse_args().keep


def _execute(admin_url, *statements):
    """Run statements on the server's maintenance database; returns the first row of the last one, if any."""
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    row = None
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            row = cursor.fetchone() if cursor.description else None
    connection.close()
    return row


def _server_url():
    """$DATABASE_URL as parsed, and its server's maintenance database (where databases are created and dropped)."""
    parsed = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    return parsed, urlunparse(parsed._replace(path="/postgres"))


def database_exists(name):
    """Whether the server of $DATABASE_URL has a database of that name (e.g. one a load test left)."""
    return bool(_execute(_server_url()[1], f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


@contextmanager
def bench_database(name, *, keep=False, reuse=False):
    """Recreate database `name` on the server of $DATABASE_URL, set up Django on it and migrate; yield whether it
    was created (True) or reused; then drop it unless `keep`. With `reuse`, a database of that name left by an
    earlier run is used as it is, and kept. Celery is pointed at an in-memory broker: nothing a benchmark queues
    leaves the process."""
    parsed, admin_url = _server_url()
    created = not (reuse and database_exists(name))
    keep = keep or reuse
    if created:
        _execute(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkage.settings")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        yield created
    finally:
        connection.close()
        if not keep:
            _execute(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def copy_of_base(base, name, script, *, keep=False):
    """Benches that change their data (a reminder scan, a screening) run on a fresh copy of a base database, so that
    runs of two code trees one right after the other see the same rows: `base` is generated once, by running
    `script --base-only` (kept), and `name` is created from it (CREATE DATABASE … TEMPLATE), set up and migrated
    like bench_database, and dropped afterwards unless `keep`. Both are databases of the bench's own."""
    import subprocess

    parsed, admin_url = _server_url()
    if not database_exists(base):
        try:
            subprocess.run([sys.executable, script, "--base-only"], check=True)
        except BaseException:  # a half-generated base would be taken for a whole one by the next run
            _execute(admin_url, f"DROP DATABASE IF EXISTS {base} WITH (FORCE)")
            raise
    _execute(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name} TEMPLATE {base}")
    try:
        with bench_database(name, keep=True, reuse=True) as created:
            yield created
    finally:
        if not keep:
            _execute(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def base_arguments(description=None):
    """--keep, --base-only (generate the base database and stop), --drop-base (drop it and stop)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--keep", action="store_true", help="keep the run's copy of the base database")
    parser.add_argument("--base-only", action="store_true", help="generate the base database (kept) and stop")
    parser.add_argument("--drop-base", action="store_true", help="drop the base database this script made and stop")
    return parser.parse_args()


def drop(name):
    """Drop a database a bench script made (only ever called with the bench's own names)."""
    assert name.startswith("linkage_bench"), name
    _execute(_server_url()[1], f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def speed_probe():
    """Seconds of CPU a fixed pure-Python loop takes here (the least of three): the speed the machine has at the
    moment. The 2 vCPUs of the test VM are not always as fast: within one session this probe has read from 0.9 s
    to 1.7 s, and every figure of a stage moves with it, so each stage reports the probe taken just before it."""
    best = None
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(10_000_000):
            total += number
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
    return best
