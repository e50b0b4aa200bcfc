"""The embedded default (scripts/run with no DATABASE_URL) has web, worker and beat writing one SQLite file: its
transactions take the write lock when they begin and wait their turn, so processes that read then write at the same
moment all succeed instead of failing with "database is locked"; the worker runs one task at a time there."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, TRANSACTIONS = 3, 150


def sqlite_env(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(LINKAGE_VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT), DJANGO_ENV="development")
    return env


def test_the_sqlite_default_serialises_writers(tmp_path):
    env = sqlite_env(tmp_path)
    settings = subprocess.run(
        [sys.executable, "-c", "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'linkage.settings'; "
         "from django.conf import settings as s; "
         "print(json.dumps([s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS'], "
         "s.CELERY_WORKER_CONCURRENCY, s.CELERY_BROKER_URL]))"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    engine, options, concurrency, broker = json.loads(settings.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.sqlite3" and broker == "filesystem://"
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]
    assert concurrency == 1

    script = Path(__file__).with_name("sqlite_collide.py")
    workers = [subprocess.Popen([sys.executable, str(script), str(TRANSACTIONS)], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
               for _ in range(PROCESSES)]
    results = [worker.communicate(timeout=240)[0].strip() for worker in workers]
    assert [result.split(" ", 1)[0] for result in results] == ["0"] * PROCESSES, results
    rows = sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT count(*) FROM collide").fetchone()[0]
    assert rows == PROCESSES * TRANSACTIONS
