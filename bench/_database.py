"""What every benchmark script needs first: a PostgreSQL database of its own, Django set up on it, migrated; and
the database dropped afterwards (unless kept for a second look)."""

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def keep_argument():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return parser.parse_args().keep


def _execute(admin_url, *statements):
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def database_exists(name):
    import psycopg2

    parsed = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    connection = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cursor.fetchone() is not None
    connection.close()
    return found


@contextmanager
def bench_database(name, *, keep=False, reuse=False):
    """Recreate database `name` on the server of $DATABASE_URL, set up Django on it and migrate; yield; then drop
    it unless `keep`. With `reuse`, a database of that name left by an earlier `keep` run is used as it is (and
    kept). Celery is pointed at an in-memory broker: nothing a benchmark queues leaves the process."""
    parsed = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    keep = keep or reuse
    if not reuse:
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
        yield
    finally:
        connection.close()
        if not keep:
            _execute(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
