"""Benchmark of the notice lists and the notice PDF at 100,000 notices (a standalone script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/notices_bench.py

It creates its own database (``linkage_bench`` on the server of DATABASE_URL; the database named there is only
used to connect), migrates it, bulk-creates 100,000 notices across 30 units, 3 courts and 2,000 cases with a
realistic state mix, then measures median and p95 latency and the query count of:

* the liaison inbox query (``Notice.objects.visible_to(liaison).open()`` by due date, first page of 20, with the
  list relations) and the clerk's notice list (first page of 20, newest first), each through ``Paginator`` as a
  list page runs them (a COUNT and the rows);
* the real pages and API, when they exist (found with ``django.urls.resolve``): ``/inbox/`` and
  ``/api/v1/notices/?page_size=20`` as a liaison, ``/notices/`` and ``/api/v1/notices/`` as a clerk;
* rendering one notice PDF (``assistance.documents.notice_pdf``, median of 20) and its page, if it exists.

Targets (issue 18): inbox and clerk list < 50 ms median; PDF < 100 ms of CPU per page. This script measures in
one process at 100,000 notices (a quick look); the figures the issue's targets are judged on come from
bench/http_bench.py (over HTTP against gunicorn, 1,000,000 notices, each page against its own SQL). The database is dropped at the end unless
``--keep``; ``--reuse`` measures an existing ``linkage_bench`` without rebuilding it. Events, replies and
attachments are not generated: the lists do not read them.
"""

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "linkage_bench"
TARGETS_MS = {"inbox": 50, "clerk list": 50, "pdf": 100}
# Share of each state among the notices (closed ones dominate a mature system).
STATE_MIX = [
    ("draft", 0.04),
    ("signed", 0.03),
    ("served", 0.10),
    ("acknowledged", 0.08),
    ("replied", 0.15),
    ("closed", 0.50),
    ("lifted", 0.07),
    ("withdrawn", 0.03),
]
COURTS = [("粤0103", "广州市荔湾区人民法院"), ("粤0104", "广州市越秀区人民法院"), ("粤0105", "广州市海珠区人民法院")]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per list measurement")
    parser.add_argument("--pdf-renders", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database afterwards")
    parser.add_argument("--reuse", action="store_true", help=f"measure an existing {BENCH_DATABASE} database")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------- database


def server_urls():
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("请将 DATABASE_URL 设为 PostgreSQL 地址，例如 postgres://postgres@127.0.0.1:5432/postgres")
    admin = urlunsplit(parts._replace(path="/postgres"))
    bench = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    return admin, bench


def admin_execute(admin_url, *statements):
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def drop_statements():
    return [
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{BENCH_DATABASE}' "
        "AND pid <> pg_backend_pid()",
        f"DROP DATABASE IF EXISTS {BENCH_DATABASE}",
    ]


def setup_django(bench_url):
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkage.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")  # as served: no debug SQL logging
    import django

    django.setup()


# ------------------------------------------------------------------------------------------------- data


def build(args, rng):
    """Courts, units, users, cases and parties through the ORM; notices and items with bulk_create."""
    from django.db import connection, transaction

    from assistance.demo import credit_code, resident_id
    from assistance.models import Notice, NoticeBatch, NoticeItem
    from cases.models import Case, Party
    from members.models import Jurisdiction, Measure, Organisation, User

    started = time.perf_counter()
    measures = {measure.code: measure for measure in Measure.objects.filter(code__in=["inquiry", "freeze"])}
    with transaction.atomic():
        jurisdiction = Jurisdiction.objects.create(code="bench", name="基准测试辖区")
        courts = [
            Organisation.objects.create(
                jurisdiction=jurisdiction,
                code=f"bench-court-{i}",
                name=name,
                short_name=name[3:6],
                kind="court",
                level="county",
                sort_order=i,
            )
            for i, (_, name) in enumerate(COURTS)
        ]
        units = [
            Organisation.objects.create(
                jurisdiction=jurisdiction,
                code=f"bench-unit-{i}",
                name=f"基准测试协助单位{i}",
                short_name=f"单位{i}",
                kind="police",
                level="county",
                sort_order=10 + i,
            )
            for i in range(args.units)
        ]
        for unit in units:
            unit.measures.set(measures.values())

        def user(username, role, organisation, **extra):
            account = User(username=username, role=role, organisation=organisation, full_name=username, **extra)
            account.set_unusable_password()
            account.save()
            return account

        clerks = [user(f"bench-clerk-{i}", "clerk", court) for i, court in enumerate(courts)]
        for i, unit in enumerate(units):
            user(f"bench-liaison-{i}", "liaison", unit, liaison_role="A")

        today = datetime.date.today()
        cases = Case.objects.bulk_create(
            [
                Case(
                    number=f"（2026）{COURTS[i % len(COURTS)][0]}执{1000 + i}号",
                    court=courts[i % len(courts)],
                    amount=rng.randint(5_000, 2_000_000),
                    basis_issuer=COURTS[i % len(COURTS)][1],
                    basis_number=f"（2025）{COURTS[i % len(COURTS)][0]}民初{1000 + i}号",
                    filed_on=today - datetime.timedelta(days=rng.randint(30, 400)),
                    officer_name="林佩文",
                    officer_phone="020-81234567",
                    created_by=clerks[i % len(clerks)],
                )
                for i in range(args.cases)
            ],
            batch_size=2_000,
        )
        parties = []
        for i, case in enumerate(cases):
            parties.append(
                Party(
                    case=case,
                    role="applicant",
                    kind="organisation",
                    name=f"申请人公司{i}",
                    credit_code=credit_code(f"MA{i:06d}"),
                    legal_representative="何志明",
                )
            )
            parties.append(
                Party(
                    case=case,
                    role="debtor",
                    kind="person",
                    name="王堃" if i == 0 else f"被执行人{i}",
                    id_number=resident_id("19850612", f"{i % 1000:03d}"),
                )
            )
        Party.objects.bulk_create(parties, batch_size=5_000)
        debtors = {party.case_id: party for party in parties if party.role == "debtor"}
    print(f"  机构、账号、{len(cases)} 件案件：{time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    states = [state for state, _ in STATE_MIX]
    weights = [weight for _, weight in STATE_MIX]
    created_at = Notice._meta.get_field("created_at")
    created_at.auto_now_add = False  # spread the drafting dates over a year
    try:
        with transaction.atomic():
            batches = NoticeBatch.objects.bulk_create(
                [
                    NoticeBatch(case=cases[i % len(cases)], created_by=clerks[i % len(clerks)])
                    for i in range(args.notices // 5)
                ],
                batch_size=5_000,
            )
            notices = []
            for i in range(args.notices):
                batch = batches[i % len(batches)]
                case = cases[(i % len(batches)) % len(cases)]
                state = rng.choices(states, weights)[0]
                measure = measures["freeze" if i % 4 == 0 else "inquiry"]
                # Open notices are recent (some overdue, most not); finished ones spread over the year.
                age = datetime.timedelta(
                    hours=rng.uniform(1, 24 * (12 if state in ("served", "acknowledged") else 365))
                )
                created = now - age
                notice = Notice(
                    batch=batch,
                    case=case,
                    court_id=case.court_id,
                    unit=units[rng.randrange(len(units))],
                    measure=measure,
                    debtor=debtors[case.pk],
                    ruling_number=case.number,
                    state=state,
                    created_by_id=case.created_by_id,
                    created_at=created,
                )
                if state != "draft":
                    notice.signed_at = created + datetime.timedelta(hours=2)
                    notice.signed_by_id = case.created_by_id
                if state not in ("draft", "signed", "withdrawn"):
                    notice.served_at = created + datetime.timedelta(hours=4)
                    days = 1 if measure.code == "freeze" else 3
                    notice.due_at = notice.served_at + datetime.timedelta(days=days * 7 / 5)
                    notice.deadline_rule = f"{days}个工作日"
                if state in ("acknowledged", "replied", "closed", "lifted"):
                    notice.acknowledged_at = notice.served_at + datetime.timedelta(hours=3)
                if state in ("replied", "closed", "lifted"):
                    notice.replied_at = notice.served_at + datetime.timedelta(days=1)
                if state == "closed":
                    notice.closed_at = notice.replied_at + datetime.timedelta(days=1)
                if state == "lifted":
                    notice.lifted_at = notice.replied_at + datetime.timedelta(days=20)
                    notice.lift_ground = "performed"
                if state == "withdrawn":
                    notice.withdrawn_at = created + datetime.timedelta(days=1)
                notices.append(notice)
            Notice.objects.bulk_create(notices, batch_size=5_000)
            NoticeItem.objects.bulk_create(
                [
                    NoticeItem(
                        notice=notice,
                        position=1,
                        property_kind="bank_account",
                        identifier=f"6222{n:015d}",
                        holder="中国工商银行广州荔湾支行",
                        amount=100_000,
                        period_months=12,
                        description="冻结被执行人银行账户内存款"
                        if notice.measure_id == measures["freeze"].pk
                        else "查询被执行人名下银行账户",
                    )
                    for n, notice in enumerate(notices)
                ],
                batch_size=5_000,
            )
    finally:
        created_at.auto_now_add = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {len(notices):,} 份通知书及协助事项：{time.perf_counter() - started:.1f} s", flush=True)


# -------------------------------------------------------------------------------------------- measuring


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(name, call, repeat, *, target=None, warmup=3):
    """Median and p95 of ``call()`` in ms, and the queries of one call. ``call`` returns an HTTP status or None."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    status = None
    try:
        for _ in range(warmup):
            call()
        with CaptureQueriesContext(connection) as captured:
            status = call()
        queries = len(captured.captured_queries)
        timings, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            reset_queries()
    except Exception as error:  # a page still being written must not stop the other measurements
        return {"name": name, "error": f"{type(error).__name__}: {error}"[:90], "target": target}
    return {
        "name": name,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "cpu": statistics.median(cpu),
        "queries": queries,
        "status": status,
        "target": target,
        "n": repeat,
    }


def url_exists(path):
    from django.urls import Resolver404, resolve

    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True


def run_measurements(args):
    from django.core.paginator import Paginator
    from django.db.models import Count
    from django.test import Client

    from assistance.documents import notice_pdf
    from assistance.models import Notice, NoticeItem
    from linkage.tokens import issue_for_login
    from members.models import User

    # The liaison of the unit with the most open notices: the heaviest inbox.
    busiest = Notice.objects.open().values("unit_id").annotate(n=Count("id")).order_by("-n").first()
    liaison = User.objects.get(role="liaison", organisation_id=busiest["unit_id"])
    clerk = User.objects.filter(role="clerk", username__startswith="bench-").order_by("pk").first()
    open_count = Notice.objects.visible_to(liaison).open().count()
    clerk_count = Notice.objects.visible_to(clerk).count()
    print(
        f"  联络员 {liaison.username}：{open_count} 份待办；执行员 {clerk.username}：{clerk_count:,} 份通知书",
        flush=True,
    )

    def inbox_query():
        queryset = Notice.objects.visible_to(liaison).open().with_list_relations().order_by("due_at", "id")
        list(Paginator(queryset, 20).page(1))

    def clerk_query():
        queryset = Notice.objects.visible_to(clerk).with_list_relations().order_by("-created_at", "-id")
        list(Paginator(queryset, 20).page(1))

    results = [
        measure("收件箱查询（ORM，联络员，20条/页）", inbox_query, args.requests, target=TARGETS_MS["inbox"]),
        measure("执行员通知书列表查询（ORM，20条/页）", clerk_query, args.requests, target=TARGETS_MS["clerk list"]),
    ]

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client, {"HTTP_AUTHORIZATION": f"Token {issue_for_login(user=user).key}"}

    pages = [
        ("页面 /inbox/（联络员）", "/inbox/", liaison, TARGETS_MS["inbox"]),
        ("API /api/v1/notices/?page_size=20（联络员）", "/api/v1/notices/?page_size=20", liaison, TARGETS_MS["inbox"]),
        ("页面 /notices/（执行员）", "/notices/", clerk, TARGETS_MS["clerk list"]),
        ("API /api/v1/notices/（执行员）", "/api/v1/notices/", clerk, TARGETS_MS["clerk list"]),
    ]
    for name, path, user, target in pages:
        if not url_exists(path):
            results.append({"name": name, "error": "地址不存在，未测", "target": target})
            continue
        client, headers = client_for(user)
        results.append(
            measure(name, lambda c=client, p=path, h=headers: c.get(p, **h).status_code, args.requests, target=target)
        )

    # One signed notice of three items, as a clerk prints it.
    notice = Notice.objects.filter(court=clerk.organisation, state="served").select_related("case").first()
    NoticeItem.objects.bulk_create(
        [
            NoticeItem(
                notice=notice,
                position=2,
                property_kind="real_estate",
                identifier="粤（2019）广州市不动产权第01234567号",
                holder="广州市不动产登记中心",
                period_months=36,
                description="查封被执行人名下房产",
            ),
            NoticeItem(
                notice=notice,
                position=3,
                property_kind="vehicle",
                identifier="粤A12345",
                description="冻结被执行人名下机动车的转移登记",
            ),
        ]
    )

    def render():
        notice_pdf(notice)

    results.append(
        measure("通知书 PDF 生成（3项，notice_pdf）", render, args.pdf_renders, target=TARGETS_MS["pdf"], warmup=2)
    )
    pdf_path = f"/notices/{notice.pk}/pdf/"
    if url_exists(pdf_path):
        client, headers = client_for(clerk)
        results.append(
            measure(
                f"页面 {pdf_path.replace(str(notice.pk), '<id>')}（执行员）",
                lambda: client.get(pdf_path, **headers).status_code,
                max(5, args.pdf_renders // 2),
                target=TARGETS_MS["pdf"],
                warmup=1,
            )
        )
    return results


def width(text):
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def pad(text, size):
    return text + " " * max(0, size - width(text))


def print_table(results):
    """One row per measurement. 本进程CPU is this process's CPU time (Django, templates, WeasyPrint; not the
    database server's): on a loaded machine it shows what the wall-clock figures would be without the waiting."""
    name_width = max(width(result["name"]) for result in results) + 2
    header = pad("测量项", name_width) + "中位数ms  p95 ms    本进程CPU ms  查询数  状态  目标     达标"
    print(header)
    print("-" * width(header))
    for result in results:
        target = f"<{result['target']}ms" if result.get("target") else "—"
        if "error" in result:
            print(
                pad(result["name"], name_width) + f"{'—':<9} {'—':<9} {'—':<13} {'—':<7} {'—':<5} "
                f"{pad(target, 8)} 未测（{result['error']}）"
            )
            continue
        met = "是" if result["target"] is None or result["median"] < result["target"] else "否"
        if result["status"] not in (None, 200):
            met = f"否（HTTP {result['status']}）"
        status = str(result["status"] or "—")
        print(
            pad(result["name"], name_width) + f"{result['median']:<9.1f} {result['p95']:<9.1f} {result['cpu']:<13.1f} "
            f"{result['queries']:<7} {status:<5} {pad(target, 8)} {met}"
        )


def main():
    args = parse_args()
    admin_url, bench_url = server_urls()
    rng = random.Random(20260302)
    began = time.perf_counter()
    if args.reuse:
        if not admin_execute(admin_url):
            sys.exit(f"数据库 {BENCH_DATABASE} 不存在，去掉 --reuse 重新生成。")
    else:
        admin_execute(admin_url, *drop_statements(), f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        setup_django(bench_url)
        from django.core.management import call_command

        if not args.reuse:
            print(f"迁移 {BENCH_DATABASE} …", flush=True)
            audit_logger = logging.getLogger("linkage.audit")
            level, audit_logger.level = audit_logger.level, logging.CRITICAL  # audit rows of seed data, not ours
            try:
                started = time.perf_counter()
                call_command("migrate", verbosity=0)
                print(f"  迁移：{time.perf_counter() - started:.1f} s", flush=True)
            finally:
                audit_logger.setLevel(level)
            print("生成数据 …", flush=True)
            build(args, rng)
        print("测量 …", flush=True)
        load_before = os.getloadavg()[0]
        results = run_measurements(args)
        print()
        print(
            f"通知书 {args.notices:,} 份、单位 {args.units} 个、每项 {args.requests} 次（PDF {args.pdf_renders} 次），"
            f"CPU {os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}（测量开始时 {load_before:.1f}）"
        )
        print_table(results)
        print(f"\n总耗时 {time.perf_counter() - began:.0f} s")
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            admin_execute(admin_url, *drop_statements())
            print(f"已删除数据库 {BENCH_DATABASE}。")


if __name__ == "__main__":
    main()
