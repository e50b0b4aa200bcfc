"""End-to-end benches of issue 18 over HTTP against gunicorn, each page with its SQL reference, on the data of
bench/scale_data.py (1,000,000 notices, 10,000,000 published listings; `linkage_bench_scale`, never dropped here).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/http_bench.py \
        [--code /path/to/tree] [--label after] [--requests 200] [--json out.json]

--code is the source tree that serves the pages (gunicorn's working directory and the first entry of sys.path of
this process): the same script measures the "before" tree of issue 18 (the prepared layer) and the "after" one, one
right after the other on the same data. Default: the tree this script is in.

For each page: the liaison's inbox and the court's notice list (HTML page, session; API, token), the public search
by resident ID number (with the exact name) and by a 2-character name (API, anonymous, each request from its own
address), and a notice PDF:
1. the page's SQL is captured once in this process (Django's execute_wrapper, the page requested through Django's
   test client with the --code tree's code), and its SELECTs are replayed as plain parameterised SQL on a fresh
   psycopg2 connection with the server's default planner settings (for the before tree the capture runs with
   DATABASE_SERVER_PREPARED=false, so its statements are seen as text; its gunicorn keeps its own settings);
2. the page is requested over HTTP from gunicorn (linkage/gunicorn_conf.py, 3 gthread workers of 2 threads, DEBUG
   off, Redis cache), one request at a time, --requests times, after 20 warm-up requests;
3. SQL replay and HTTP requests are interleaved (one SQL replay, then one request) so both see the same machine;
   printed: median, p95, the SQL's median and the ratio page/SQL, against the issue's targets.
The PDF is timed in this process: CPU of this process plus of its PDF render child (linkage.pdf_process), per page.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from _database import speed_probe

BENCH = Path(__file__).resolve().parent
DB = "linkage_bench_scale"
PORT = 8766

# (name, target median ms, target p95 ms, max ratio to SQL)
TARGETS = {
    "inbox HTML (/inbox/)": (50, None, 5),
    "inbox API (/api/v1/notices/?state=served)": (50, None, 5),
    "court list HTML (/notices/)": (50, None, 5),
    "court list API (/api/v1/notices/)": (50, None, 5),
    "public search by ID (API)": (5, None, None),
    "public search by 2-char name (API)": (20, 50, None),
    "public search by ID (API, answer cached)": (5, None, None),
    "public search by 2-char name (API, answer cached)": (20, 50, None),
}
# Pages measured with the public search's answer cache emptied before every request (the uncached path); their
# "answer cached" twins repeat the same queries and so, after the first request of each, read the cache.
UNCACHED = {"public search by ID (API)", "public search by 2-char name (API)"}


def forget_cached_answers():
    """Empty the measured tree's public-search cache (trees before the cache have none: nothing to do)."""
    try:
        from blacklist.public.search import invalidate_cached_answers
    except ImportError:
        return
    invalidate_cached_answers()


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", default=str(BENCH.parent), help="source tree serving the pages")
    parser.add_argument("--label", default="")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pdf-renders", type=int, default=10)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--only", help="only pages whose name contains this text")
    return parser.parse_args()


def setup(code, prepared_off):
    sys.path.insert(0, code)
    sys.path.insert(1, str(BENCH))
    os.chdir(code)
    from urllib.parse import urlunparse

    from _database import _server_url, database_exists

    if not database_exists(DB):
        raise SystemExit(f"{DB} missing: run bench/scale_data.py first")
    parsed, _ = _server_url()
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{DB}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkage.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ["LINKAGE_TRUSTED_PROXY_COUNT"] = "1"
    server_environment = dict(os.environ)
    if prepared_off:
        os.environ["DATABASE_SERVER_PREPARED"] = "false"
    import django

    django.setup()
    import assistance

    assert Path(assistance.__file__).is_relative_to(code), (assistance.__file__, code)
    return server_environment


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def address(rng):
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def capture(client, path, headers):
    """The (sql, params) of the page's SELECTs, as the --code tree runs them, and the page's status."""
    from django.db import connection

    statements = []

    def wrapper(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        response = client.get(path, **headers)
    selects = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    return selects, len(statements), response.status_code


def sql_runner(dsn):
    import psycopg2

    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    cursor = connection.cursor()

    def run(statements):
        started = time.perf_counter()
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    return run, connection


def http_get(path, headers):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        status = response.status
    return (time.perf_counter() - started) * 1000, status


def start_gunicorn(code, environment):
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(Path(code) / "linkage" / "gunicorn_conf.py"),
               "linkage.wsgi", "--workers", "3", "--threads", "2", "--bind", f"127.0.0.1:{PORT}",
               "--error-logfile", "-", "--log-level", "warning"]
    environment = dict(environment, PYTHONPATH=code)
    server = subprocess.Popen(command, cwd=code, env=environment)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def pages(rng):
    """[(name, [(path, headers for HTTP, headers for the test client)] to cycle through)]."""
    import listings_bench
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from assistance.models import Notice
    from linkage.tokens import issue_for_login
    from members.models import User

    busiest = (Notice.objects.filter(state__in=["served", "acknowledged"]).values("unit_id")
               .annotate(n=Count("id")).order_by("-n").first())
    liaison = User.objects.filter(role="liaison", organisation_id=busiest["unit_id"]).first()
    clerk = User.objects.get(username="bench-clerk")
    sessions = {}
    for user in (liaison, clerk):
        client = Client()
        client.force_login(user)
        sessions[user.pk] = (client, client.cookies[settings.SESSION_COOKIE_NAME].value)
    tokens = {user.pk: issue_for_login(user=user).key for user in (liaison, clerk)}

    def session(user, path):
        client, cookie = sessions[user.pk]
        return [(path, {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}, {}, client)]

    def token(user, path):
        header = f"Token {tokens[user.pk]}"
        return [(path, {"Authorization": header}, {"HTTP_AUTHORIZATION": header}, Client())]

    from blacklist.models import Listing

    total = Listing.objects.count()  # listing g of listings_bench's generator, for g < total
    rows = [rng.randrange(total) for _ in range(60)]
    anonymous = Client()
    by_id = [(f"/api/v1/public/debtors/?id_number={listings_bench.id_number(g)}&name={quote(listings_bench.name_of(g))}",
              None, None, anonymous) for g in rows]
    names = [rng.choice(listings_bench.SURNAMES) + rng.choice(listings_bench.GIVEN_CHARS) for _ in range(60)]
    by_name = [(f"/api/v1/public/debtors/?name={quote(name)}", None, None, anonymous) for name in names]
    return [
        ("inbox HTML (/inbox/)", session(liaison, "/inbox/")),
        ("inbox API (/api/v1/notices/?state=served)", token(liaison, "/api/v1/notices/?state=served&page_size=20")),
        ("court list HTML (/notices/)", session(clerk, "/notices/")),
        ("court list API (/api/v1/notices/)", token(clerk, "/api/v1/notices/?page_size=20")),
        ("public search by ID (API)", by_id),
        ("public search by 2-char name (API)", by_name),
        ("public search by ID (API, answer cached)", by_id),
        ("public search by 2-char name (API, answer cached)", by_name),
    ], liaison, clerk


def measure_page(name, variants, requests, run_sql, rng):
    fresh = forget_cached_answers if name in UNCACHED else (lambda: None)
    references = []
    for path, _, client_headers, client in variants:
        fresh()
        headers = dict(client_headers or {}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address(rng))
        selects, statements, status = capture(client, path, headers)
        if status != 200:
            raise SystemExit(f"{name}: {path} answered {status} in process")
        references.append((selects, statements))
    for index in range(20):  # warm up both
        path, http_headers, _, _ = variants[index % len(variants)]
        fresh()
        http_get(path, dict(http_headers or {}, **{"X-Forwarded-For": address(rng)}))
        run_sql(references[index % len(variants)][0])
    page, sql = [], []
    for index in range(requests):
        which = index % len(variants)
        path, http_headers, _, _ = variants[which]
        sql.append(run_sql(references[which][0]))
        fresh()
        elapsed, status = http_get(path, dict(http_headers or {}, **{"X-Forwarded-For": address(rng)}))
        if status != 200:
            raise SystemExit(f"{name}: {path} answered {status}")
        page.append(elapsed)
    target_median, target_p95, target_ratio = TARGETS[name]
    result = {"name": name, "median": statistics.median(page), "p95": percentile(page, 0.95),
              "sql_median": statistics.median(sql), "sql_p95": percentile(sql, 0.95),
              "selects": len(references[0][0]), "statements": references[0][1], "n": requests,
              "target_median": target_median, "target_p95": target_p95, "target_ratio": target_ratio}
    result["ratio"] = result["median"] / result["sql_median"]
    met = result["median"] < target_median
    if target_p95:
        met = met and result["p95"] < target_p95
    if target_ratio:
        met = met and result["ratio"] <= target_ratio
    result["met"] = met
    return result


def child_cpu(parent):
    """CPU seconds of the live children of `parent` (the PDF render processes)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def measure_pdf(clerk, renders):
    from assistance.documents import notice_pdf
    from assistance.models import Notice, NoticeItem

    notice = (Notice.objects.filter(court=clerk.organisation, state="served").select_related("case")
              .order_by("pk").first())
    # The generator numbers items from 0; the document numbers them from 1 (第一项): the same fix in every run.
    NoticeItem.objects.filter(notice=notice, position=0).update(position=1)
    pdf = notice_pdf(notice)  # warm up: the render process starts and loads WeasyPrint
    notice_pdf(notice)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) or 1
    wall, cpu = [], []
    for _ in range(renders):
        started, own, children = time.perf_counter(), time.process_time(), child_cpu(os.getpid())
        notice_pdf(notice)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - own + child_cpu(os.getpid()) - children) * 1000)
    return {"name": "notice PDF (notice_pdf, in process)", "pages": pages, "median": statistics.median(wall),
            "cpu_per_page": statistics.median(cpu) / pages, "n": renders, "target_cpu_per_page": 100,
            "met": statistics.median(cpu) / pages < 100}


def main():
    args = arguments()
    code = str(Path(args.code).resolve())
    os.environ["LINKAGE_CODE_ROOT"] = code
    before_tree = (Path(code) / "linkage" / "prepared.py").exists()
    server_environment = setup(code, prepared_off=before_tree)
    from django.db import connection, connections

    rng = random.Random(18)
    page_list, liaison, clerk = pages(rng)
    dsn = connection.get_connection_params()
    import psycopg2.extensions

    run_sql, sql_connection = sql_runner(psycopg2.extensions.make_dsn(**{k: v for k, v in dsn.items()
                                                                        if k in ("dbname", "user", "password",
                                                                                 "host", "port")}))
    probe = speed_probe()
    label = args.label or ("before" if before_tree else "after")
    print(f"[{label}] code {code}; speed probe {probe:.2f} s; load {os.getloadavg()[0]:.1f}", flush=True)
    connections.close_all()
    server = start_gunicorn(code, server_environment)
    results = []
    try:
        for name, variants in page_list:
            if args.only and args.only not in name:
                continue
            result = measure_page(name, variants, args.requests, run_sql, rng)
            results.append(result)
            print(f"[{label}] {name:<44} median {result['median']:7.2f} ms  p95 {result['p95']:7.2f} ms  "
                  f"SQL {result['sql_median']:6.2f} ms ({result['selects']} SELECTs of {result['statements']} "
                  f"statements)  ratio {result['ratio']:5.1f}  {'met' if result['met'] else 'MISSED'}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        sql_connection.close()
    if not args.only or "pdf" in args.only.lower():
        result = measure_pdf(clerk, args.pdf_renders)
        results.append(result)
        print(f"[{label}] {result['name']:<44} {result['pages']} page(s), wall {result['median']:.0f} ms, "
              f"CPU {result['cpu_per_page']:.0f} ms/page  {'met' if result['met'] else 'MISSED'}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"label": label, "code": code, "probe": probe,
                                               "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                                               "results": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
