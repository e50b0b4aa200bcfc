"""Profile the load test's mix in one process, without gunicorn or locust: where does a request's CPU go?

Needs the database the load test leaves with --keep or --reuse (linkage_bench_load). Plays the mix of
bench/load/locustfile.py, in its proportions, straight into the WSGI application, and prints the mean time per
endpoint, its query count, and the functions that cost most (cProfile, cumulative and own time).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/profile_mix.py [--requests 3000]
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import bench_database, database_exists  # noqa: E402

ITEMS = [{"property_kind": "bank_account", "identifier": "6222000011112222", "holder": "工商银行荔湾支行",
          "amount": "150000", "description": "查询被执行人名下银行账户及存款余额"}]


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000, help="requests to profile (after as many to warm up)")
    parser.add_argument("--top", type=int, default=45, help="functions to list")
    parser.add_argument("--only", help="profile only this endpoint of the mix (its name as printed)")
    return parser.parse_args()


def _address(rng):
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def mix(world, rng):
    """Yield (name, method, path, token, body) in the locustfile's proportions (per 111 requests: its users' weights
    times their tasks' weights, as the load report's request counts show them)."""
    served = {unit["token"]: list(unit["served"]) for unit in world["liaisons"]}
    acknowledged = {unit["token"]: list(unit["acknowledged"]) for unit in world["liaisons"]}
    kinds = (["inbox"] * 30 + ["detail"] * 15 + ["answer"] * 5 + ["clerk list"] * 11 + ["case"] * 6 + ["file"] * 3
             + ["public name"] * 24 + ["public id"] * 16 + ["screening"])
    while True:
        kind = rng.choice(kinds)
        unit = rng.choice(world["liaisons"])
        token = unit["token"]
        if kind == "inbox":
            yield kind, "GET", "/api/v1/notices/", "state=served&page_size=20", token, None
        elif kind == "detail":
            yield kind, "GET", f"/api/v1/notices/{rng.choice(unit['notices'])}/", "", token, None
        elif kind == "answer":
            if served[token]:
                notice = served[token].pop()
                yield "acknowledge", "POST", f"/api/v1/notices/{notice}/acknowledge/", "", token, {}
            elif acknowledged[token]:
                notice = acknowledged[token].pop()
            else:
                continue
            yield "reply", "POST", f"/api/v1/notices/{notice}/reply/", "", token, {
                "outcome": "not_found", "text": "经查询，未发现被执行人名下存款。"}
        elif kind == "clerk list":
            yield kind, "GET", "/api/v1/notices/", "page_size=20", world["clerk_token"], None
        elif kind == "case":
            yield kind, "GET", f"/api/v1/cases/{rng.choice(world['cases'])['id']}/", "", world["clerk_token"], None
        elif kind == "file":
            case = rng.choice(world["cases"])
            yield kind, "POST", "/api/v1/notices/", "", world["clerk_token"], {
                "case": case["id"], "unit": rng.choice(world["unit_codes"]), "measure": "inquiry",
                "debtor": case["debtor"], "items": ITEMS, "ruling_number": "（2026）粤0103执1号之一"}
        elif kind == "public name":
            name = rng.choice(world["surnames"]) + rng.choice(world["given_names"])[:1]
            yield kind, "GET", "/api/v1/public/debtors/", f"name={name}", None, None
        elif kind == "public id":
            number, debtor = rng.choice(world["identified"])  # a resident ID number only with the exact name
            yield kind, "GET", "/api/v1/public/debtors/", f"id_number={number}&name={debtor}", None, None
        else:
            applicants = [{"name": "某某", "id_number": number} for number in rng.sample(world["applicants"], 100)]
            yield kind, "POST", "/api/v1/screenings/", "", token, {"applicants": applicants}


def call(application, rng, method, path, query, token, body):
    from urllib.parse import quote

    from django.test.client import FakePayload, RequestFactory

    payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING=quote(query, safe="=&"), SERVER_NAME="127.0.0.1",
        HTTP_HOST="127.0.0.1:8765", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=_address(rng),
        CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(payload)), **{"wsgi.input": FakePayload(payload)})
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Token {token}"
    status = []
    response = application(environ, lambda s, headers, exc_info=None: status.append(s))
    for _ in response:
        pass
    response.close()
    return int(status[0].split()[0])


def main():
    args = arguments()
    if not database_exists("linkage_bench_load"):
        raise SystemExit("no load-test database: run bench/load_test.py --reuse first")
    # As the load test's server runs: behind one trusted proxy, so each simulated visitor has its own address.
    os.environ.update(DJANGO_DEBUG="false", LINKAGE_TRUSTED_PROXY_COUNT="1")
    with bench_database("linkage_bench_load", reuse=True):
        import load_test
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application
        from django.db import connection, reset_queries

        work = Path(tempfile.mkdtemp(prefix="linkage-profile-"))
        world = load_test.prepare_world(work / "world.json")
        application = get_wsgi_application()
        rng = random.Random(11)
        requests = ((name, *request) for name, *request in mix(world, rng) if args.only in (None, name))
        for _ in range(args.requests):  # warm up: caches, plans, first-use imports
            _, *request = next(requests)
            call(application, rng, *request)
        times, queries, statuses = defaultdict(list), defaultdict(list), defaultdict(set)
        settings.DEBUG = True  # record queries (the profile below runs without it)
        for _ in range(300):
            name, *request = next(requests)
            reset_queries()
            statuses[name].add(call(application, rng, *request))
            queries[name].append(len(connection.queries))
        settings.DEBUG = False
        started = time.process_time()
        for _ in range(args.requests):  # timed without the profiler, which inflates Python-heavy work
            name, *request = next(requests)
            begin = time.perf_counter()
            statuses[name].add(call(application, rng, *request))
            times[name].append(time.perf_counter() - begin)
        cpu = time.process_time() - started
        total = sum(len(v) for v in times.values())
        print(f"{total} requests, {cpu / total * 1000:.2f} ms CPU each in this process "
              f"(PostgreSQL's is not counted), {sum(map(sum, times.values())) / total * 1000:.2f} ms wall")
        print(f"{'endpoint':<16}{'n':>6}{'mean ms':>9}{'queries':>9}  statuses")
        for name in sorted(times, key=lambda n: -sum(times[n])):
            n = len(times[name])
            print(f"{name:<16}{n:>6}{sum(times[name]) / n * 1000:>9.2f}"
                  f"{sum(queries[name]) / max(1, len(queries[name])):>9.1f}  {sorted(statuses[name])}")
        profile = cProfile.Profile()
        for _ in range(args.requests):
            name, *request = next(requests)
            profile.enable()
            statuses[name].add(call(application, rng, *request))
            profile.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            print(out.getvalue())
        os.environ.pop("LINKAGE_LOAD_WORLD", None)


if __name__ == "__main__":
    main()
