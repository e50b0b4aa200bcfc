"""The data every end-to-end bench of issue 18 runs on, generated once: database `linkage_bench_scale` with
1,000,000 notices (50,000 open, 30 units, one court; bench/reminders_bench.py's generator) and 10,000,000 published
listings (bench/listings_bench.py's generator, set-based INSERT … SELECT generate_series), then VACUUM ANALYZE
(autovacuum is off on the test machine) and a CHECKPOINT.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scale_data.py [--listings N]

The before and after trees of issue 18 share every migration, so the same database serves both. The listing
indexes are dropped during the INSERT and built again after it (minutes instead of hours at 10,000,000 rows).
Only a database this script created is ever dropped (`--drop`)."""

import argparse
import datetime
import time
from zoneinfo import ZoneInfo

from _database import bench_database, database_exists

DB = "linkage_bench_scale"


def generate(now, notices, listings):
    import listings_bench
    import reminders_bench
    from django.db import connection

    from cases.models import Case, Party
    from members.models import Organisation, User

    reminders_bench.TOTAL = notices
    started = time.perf_counter()
    reminders_bench.generate(now)
    print(f"{notices:,} notices in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    court = Organisation.objects.get(code="bench-court")
    clerk = User.objects.get(username="bench-clerk")
    cases = listings // 1000 + 1
    existing = Case.objects.count()
    # Listing g is on case first + g / 1000 and debtor first_party + g % 1000: enough consecutive cases for them.
    Case.objects.bulk_create([
        Case(number=f"（2026）粤0103执{n + 1}号", court=court, amount=1000, basis_issuer="某院",
             basis_number="（2025）粤0103民初1号", filed_on=now.date(), created_by=clerk)
        for n in range(existing, max(existing, cases))], batch_size=5000)
    first_case = Case.objects.order_by("pk").first().pk
    first_party = Party.objects.order_by("pk").first().pk
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")  # this generator's session only
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'blacklist_listing' "
                       "AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        listings_bench.insert_listings(cursor, case=first_case, party=first_party, court=court.pk, clerk=clerk.pk,
                                       today=now.date(), total=listings)
        print(f"{listings:,} listings inserted in {time.perf_counter() - started:.0f} s", flush=True)
        for _, definition in indexes:
            cursor.execute(definition)
        print(f"indexes rebuilt at {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    print(f"{listings:,} listings, indexed and vacuumed, in {time.perf_counter() - started:.0f} s", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=1_000_000)
    parser.add_argument("--listings", type=int, default=10_000_000)
    parser.add_argument("--drop", action="store_true", help=f"drop {DB} (created by this script) and exit")
    args = parser.parse_args()
    if args.drop:
        from _database import _execute, _server_url

        _execute(_server_url()[1], f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        return
    if database_exists(DB):
        raise SystemExit(f"{DB} exists already; bench/scale_data.py --drop first to generate it again")
    with bench_database(DB, keep=True):
        generate(datetime.datetime.now(ZoneInfo("Asia/Shanghai")), args.notices, args.listings)


if __name__ == "__main__":
    main()
