"""Run as a separate process by test_sqlite_default: N transactions that read, then write, on the SQLite database
of the embedded default (settings from the environment); prints how many failed and the last error."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkage.settings")

import django  # noqa: E402

django.setup()

from django.db import OperationalError, connection, transaction  # noqa: E402

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS collide (n integer)")
failures, last = 0, ""
for _ in range(int(sys.argv[1])):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM collide")
            cursor.fetchone()
            cursor.execute("INSERT INTO collide VALUES (1)")
    except OperationalError as error:
        failures, last = failures + 1, str(error)
print(failures, last)
