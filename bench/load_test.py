"""Load test (issue 8): the realistic mix of bench/load/locustfile.py against gunicorn with the real services, on a
database holding 1,000,000 notices and 1,000,000 published listings. Loopback only.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load_test.py
      [--users 30,86,96,120] [--rate 2.5] [--duration 90] [--workers 3] [--threads 2] [--keep | --reuse]
      [--pacing poisson|constant] [--client-nice 0] [--trace DIR] [--report FILE]

1. Installs locust into the venv if it is missing (bench/requirements-load.txt; not a dependency of the app).
2. Creates its own database (linkage_bench_load): 30 units with A/B/leader contacts and liaison accounts, one court,
   1,000 cases, 1,000,000 notices (50,000 open) — the generator of bench/reminders_bench.py — and 1,000,000
   published listings — the generator of bench/listings_bench.py; 2,000 of the listings get identifiers with real
   check digits, for the identifier searches and the screenings.
3. Starts gunicorn with linkage/gunicorn_conf.py (`--workers N` of `--threads` threads, gthread; 1 thread: sync
   workers; DEBUG off, Redis for cache and broker, one trusted proxy so every simulated visitor has its own address)
   and runs locust headless for --duration seconds per stage, one stage per number in --users, each user offering
   --rate requests/s as a Poisson process (so one Poisson stream of about users × rate requests/s in all). Locust
   shares the 2 cores with the server at the same priority unless --client-nice says otherwise (it stands for
   clients on other machines; a client starved of CPU counts its own lateness as the server's).
4. Prints throughput and p50/p95/p99 per endpoint and writes them to bench/LOAD_REPORT.md with the command line.
Drops the database afterwards unless --keep.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import random
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _database import BENCH, ROOT, bench_database, database_exists, speed_probe

PORT = 8765
VENV_BIN = Path(sys.executable).parent


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="30,86,96,120",
                        help="simulated users; a comma-separated list runs one stage each on the same data")
    parser.add_argument("--rate", type=float, default=2.5, help="requests per second each user offers")
    parser.add_argument("--duration", type=int, default=90, help="seconds of measured load")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads per gunicorn worker (above 1, gunicorn's gthread worker)")
    parser.add_argument("--notices", type=int, default=1_000_000, help="notices to generate (smaller for a smoke run)")
    parser.add_argument("--listings", type=int, default=1_000_000, help="listings to generate")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--scale", action="store_true",
                        help="run on the database of bench/scale_data.py (linkage_bench_scale: 1,000,000 notices, "
                             "10,000,000 listings), which must exist; it is used as it is and never dropped")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database an earlier run left (generating it only if there is none) and keep it")
    parser.add_argument("--report", default=str(BENCH / "LOAD_REPORT.md"))
    parser.add_argument("--pacing", choices=["poisson", "constant"], default="poisson",
                        help="how each user spaces its requests: Poisson arrivals (default), or locust's "
                             "constant_throughput, which keeps the users that started together in step")
    parser.add_argument("--client-nice", type=int, default=0,
                        help="scheduling priority of locust (nice value; negative needs root). It stands for "
                             "clients on other machines; on the shared 2 cores a client the server starves reads its "
                             "responses late and counts the wait as the server's. The default, 0, leaves that in")
    parser.add_argument("--trace", metavar="DIR",
                        help="write each request's timing to DIR: as locust saw it (locust-USERS.tsv: start, endpoint, "
                             "ms) and as gunicorn did (gunicorn.log: its access log with the time spent, in µs); "
                             "for finding where the slow requests wait, not for the report's figures")
    return parser.parse_args()


def ensure_locust():
    if not (VENV_BIN / "locust").exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements-load.txt")],
                       check=True)


def generate(now, notices, listings):
    """Notices (reminders_bench) and listings (listings_bench, on the same court and cases)."""
    import listings_bench
    import reminders_bench
    from django.db import connection

    from cases.models import Case, Party
    from members.models import Organisation, User

    reminders_bench.TOTAL, reminders_bench.OPEN = notices, min(reminders_bench.OPEN, notices // 2)
    listings_bench.TOTAL = listings
    started = time.perf_counter()
    reminders_bench.generate(now)
    print(f"{notices:,} notices in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    court = Organisation.objects.get(code="bench-court")
    clerk = User.objects.get(username="bench-clerk")
    first_case = Case.objects.order_by("pk").first().pk
    first_party = Party.objects.order_by("pk").first().pk
    with connection.cursor() as cursor:
        listings_bench.insert_listings(cursor, case=first_case, party=first_party, court=court.pk, clerk=clerk.pk,
                                       today=now.date(), total=listings)
        # Autovacuum may be off (it is on this machine) and index-only scans need the visibility map; the checkpoint
        # writes out the gigabyte the generation dirtied, which the server would otherwise flush during the stages.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    print(f"{listings:,} listings in {time.perf_counter() - started:.0f} s", flush=True)


def prepare_world(path):
    """Accounts with passwords and tokens, valid identifiers, and the ids the simulated users work on."""
    import listings_bench
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test import Client

    from assistance.models import Notice
    from blacklist.models import Listing
    from cases.models import Party
    from linkage.identifiers import resident_id_check_char
    from linkage.tokens import issue_for_login
    from members.models import Organisation, User

    User.objects.filter(username__startswith="bench-").update(password=make_password("load-pass-2026"))
    rng = random.Random(7)
    listed = []
    already = Listing.objects.filter(id_number__gte="440104", id_number__lt="440105").count()
    for pk in [] if already >= 2000 else rng.sample(range(Listing.objects.order_by("pk").first().pk, Listing.objects.order_by("pk").last().pk), 2000):
        body = f"440104{datetime.date(1960, 1, 1) + datetime.timedelta(days=pk % 15000):%Y%m%d}{pk % 1000:03d}"
        listed.append((pk, body + resident_id_check_char(body)))
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE blacklist_listing SET id_number = %s WHERE id = %s AND NOT EXISTS "
                           "(SELECT 1 FROM blacklist_listing WHERE id_number = %s)",
                           [(number, pk, number) for pk, number in listed])
    identified = list(Listing.objects.filter(id_number__gte="440104", id_number__lt="440105")
                      .values_list("id_number", "name"))
    identifiers = [number for number, _ in identified]
    strangers = []
    for n in range(3000):
        body = f"440105{datetime.date(1970, 1, 1) + datetime.timedelta(days=n):%Y%m%d}{n % 1000:03d}"
        strangers.append(body + resident_id_check_char(body))
    liaisons = []
    for user in User.objects.filter(role="liaison", username__startswith="bench-u"):
        open_notices = Notice.objects.filter(unit_id=user.organisation_id, state__in=["served", "acknowledged"])
        by_state = {"served": [], "acknowledged": []}
        for pk, state in open_notices.values_list("pk", "state"):
            by_state[state].append(pk)
        browser = Client()
        browser.force_login(user)  # a session for the HTML inbox page
        liaisons.append({"token": issue_for_login(user=user).key, **by_state,
                         "session": f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}",
                         "notices": by_state["served"] + by_state["acknowledged"]})
    clerk = User.objects.get(username="bench-clerk")
    cases = [{"id": case_id, "debtor": party_id}
             for party_id, case_id in Party.objects.filter(role="debtor").values_list("pk", "case_id")[:1000]]
    world = {
        "liaisons": liaisons,
        "clerk_token": issue_for_login(user=clerk).key,
        "cases": cases,
        "unit_codes": list(Organisation.objects.filter(code__startswith="bench-u").values_list("code", flat=True)),
        "surnames": listings_bench.SURNAMES, "given_names": listings_bench.GIVEN_NAMES,
        "identifiers": identifiers,
        # The public search answers a resident ID number only with the exact name (issue 17 item 4).
        "identified": [[number, name] for number, name in identified],
        "applicants": identifiers[:300] + strangers,
    }
    Path(path).write_text(json.dumps(world, ensure_ascii=False), encoding="utf-8")
    return world


def start_gunicorn(args, environment):
    command = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "linkage" / "gunicorn_conf.py"), "linkage.wsgi",
               "--workers", str(args.workers), "--threads", str(args.threads), "--bind",
               f"127.0.0.1:{PORT}", "--error-logfile", "-", "--log-level", "warning"]  # no access log, as behind nginx
    if args.trace:
        command += ["--access-logfile", str(Path(args.trace) / "gunicorn.log"),
                    "--access-logformat", "%(p)s %(m)s %(U)s %(s)s %(D)s"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
            return server, command
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


COMPONENTS = {"gunicorn": "gunicorn", "postgres": "postgres", "redis-server": "redis"}


def cpu_seconds():
    """CPU seconds (user + system) used so far by each component, from /proc: where the 2 cores go. A process's own
    time plus that of its children that ended (a PostgreSQL backend that closed, a gunicorn worker that was
    replaced); locust, which ends with its stage, counts among this script's children."""
    import resource

    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(COMPONENTS.values(), 0.0)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["locust"] = children.ru_utime + children.ru_stime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        component = next((label for prefix, label in COMPONENTS.items() if name.startswith(prefix)), None)
        if component:
            used[component] += sum(int(value) for value in fields[11:15]) / tick
    return used


def cpu_line(before, after, requests, elapsed):
    spent = {name: after[name] - before[name] for name in after}
    parts = ", ".join(f"{name} {seconds / elapsed * 100:.0f}% ({seconds / max(requests, 1) * 1000:.1f} ms/request)"
                      for name, seconds in spent.items())
    return f"CPU over the stage (100% = one core): {parts}.\n\n"


def read_stats(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def stage_table(args, users, rows, cpu, probe):
    header = "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|\n"
    lines = []
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
                     f"| {row['50%']} | {row['95%']} | {row['99%']} |")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return (f"## {users} users offering {args.rate:g} req/s each (about {users * args.rate:g} req/s offered)\n\n"
            f"Measured: {float(total['Requests/s']):.1f} req/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
            f"p99 {total['99%']} ms, {total['Failure Count']} failures.\n\n"
            f"Speed probe before the stage (bench/load_test.py speed_probe; lower is faster): {probe:.2f} s.\n\n"
            + cpu + header + "\n".join(lines) + "\n")


PACING = {"poisson": "Poisson arrivals (bench/load/locustfile.py, poisson_pacing)",
          "constant": "locust's constant_throughput"}


def report(args, stages, command_line):
    text = (f"# Load test report\n\nCommand: `{command_line}`\n\n"
            f"Run on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} "
            f"cores, {platform.python_implementation()} {platform.python_version()}); gunicorn with {args.workers} "
            f"{'sync workers' if args.threads == 1 else f'gthread workers of {args.threads} threads'} "
            f"(linkage/gunicorn_conf.py) and locust on the same machine (at nice {args.client_nice}); each stage "
            f"{args.duration} s, its users all started in the first second, each user's requests paced by "
            f"{PACING[args.pacing]}; PostgreSQL (its default settings) and Redis local. Data: "
            f"{'the database of bench/scale_data.py (1,000,000 notices, 10,000,000 published listings)' if args.scale else f'{args.notices:,} notices and {args.listings:,} published listings'}. Target of issue 18: 150 req/s or more of "
            f"the mix (with the HTML inbox page) at p95 under 200 ms. Code served: {ROOT}.\n\n" + "\n".join(stages))
    Path(args.report).write_text(text, encoding="utf-8")
    print(text)


def main():
    args = arguments()
    ensure_locust()
    command_line = "DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load_test.py " + \
        shlex.join(sys.argv[1:])
    if args.scale and not database_exists("linkage_bench_scale"):
        raise SystemExit("linkage_bench_scale missing: run bench/scale_data.py first")
    name = "linkage_bench_scale" if args.scale else "linkage_bench_load"
    with bench_database(name, keep=args.keep, reuse=args.reuse or args.scale) as created:
        from zoneinfo import ZoneInfo

        now = datetime.datetime.now(ZoneInfo("Asia/Shanghai"))
        if created:
            generate(now, args.notices, args.listings)
        work = Path(tempfile.mkdtemp(prefix="linkage-load-"))
        if args.trace:
            Path(args.trace).mkdir(parents=True, exist_ok=True)
        prepare_world(work / "world.json")
        from django.db import connections

        connections.close_all()
        environment = dict(os.environ, DJANGO_DEBUG="false", LINKAGE_TRUSTED_PROXY_COUNT="1",
                           REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
                           CELERY_BROKER_URL=os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/8"),
                           LINKAGE_VAR_DIR=str(work), LINKAGE_LOAD_WORLD=str(work / "world.json"),
                           LINKAGE_LOAD_RATE=str(args.rate), LINKAGE_LOAD_PACING=args.pacing)
        (work / "static").mkdir(exist_ok=True)
        server, _ = start_gunicorn(args, environment)
        stages = []
        try:
            for users in (int(n) for n in args.users.split(",")):
                prefix = str(work / f"locust-{users}")
                if args.trace:
                    environment["LINKAGE_LOAD_TRACE"] = str(Path(args.trace) / f"locust-{users}.tsv")
                probe = speed_probe()
                print(f"{users} users; speed probe {probe:.2f} s", flush=True)
                before, started = cpu_seconds(), time.monotonic()
                subprocess.run(["nice", "-n", str(args.client_nice), str(VENV_BIN / "locust"),
                                "-f", str(BENCH / "load" / "locustfile.py"), "--headless",
                                "--users", str(users), "--spawn-rate", str(users),
                                "--run-time", f"{args.duration}s", "--host", f"http://127.0.0.1:{PORT}",
                                "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
                               cwd=ROOT, env=environment, check=False)
                after, elapsed = cpu_seconds(), time.monotonic() - started
                rows = read_stats(prefix)
                requests = int(next(row for row in rows if row["Name"] == "Aggregated")["Request Count"])
                stages.append(stage_table(args, users, rows, cpu_line(before, after, requests, elapsed), probe))
        finally:
            server.terminate()
            server.wait(timeout=30)
        report(args, stages, command_line)


if __name__ == "__main__":
    main()
