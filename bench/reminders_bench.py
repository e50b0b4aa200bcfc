"""Benchmark: reminder scans over 1,000,000 notices of which 50,000 are open (issue 4).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reminders_bench.py
It creates its own database (linkage_bench_reminders), generates the data with set-based SQL (open notices due
from 30 days ago to 30 days ahead: a worst-case backlog, as on the day the system is switched on), runs bounded
scans (5,000 notices each) until the backlog is drained, then one more that finds everything sent, and prints the
wall time and query count of each; then drops the database (keep it with --keep).
"""

import time

from _database import bench_database, keep_argument

TOTAL = 1_000_000
OPEN = 50_000
UNITS = 30


def generate(now):
    """30 units with A/B/leader contacts, one court, 1,000 cases, 1,000,000 notices of one item each (50,000 open,
    due from 30 days ago to 30 days ahead; the rest closed)."""
    from django.db import connection

    from cases.models import Case, Party
    from members.models import Contact, Jurisdiction, Measure, Organisation, User

    jurisdiction = Jurisdiction.objects.create(code="bench", name="基准辖区")
    court = Organisation.objects.create(jurisdiction=jurisdiction, code="bench-court", name="基准人民法院",
                                        short_name="法院", kind="court", level="county")
    committee = Organisation.objects.create(jurisdiction=jurisdiction, code="bench-committee", name="基准政法委",
                                            short_name="政法委", kind="committee", level="county")
    clerk = User.objects.create(username="bench-clerk", role="clerk", organisation=court, email="clerk@bench.cn")
    User.objects.create(username="bench-committee", role="committee", organisation=committee, email="c@bench.cn")
    inquiry = Measure.objects.get(code="inquiry")
    units = []
    for index in range(UNITS):
        unit = Organisation.objects.create(jurisdiction=jurisdiction, code=f"bench-u{index}", name=f"基准单位{index}",
                                           short_name=f"单位{index}", kind="police", level="county")
        unit.measures.add(inquiry)
        liaison = User.objects.create(username=f"bench-u{index}-a", role="liaison", organisation=unit,
                                      liaison_role="A")
        Contact.objects.create(organisation=unit, role="A", name=f"甲{index}", user=liaison, email=f"a{index}@u.cn",
                               mobile=f"1380000{index:04d}", started_on=now.date())
        Contact.objects.create(organisation=unit, role="B", name=f"乙{index}", email=f"b{index}@u.cn",
                               mobile=f"1390000{index:04d}", started_on=now.date())
        Contact.objects.create(organisation=unit, role="L", name=f"丙{index}", mobile=f"1370000{index:04d}",
                               started_on=now.date())
        units.append(unit)
    cases = Case.objects.bulk_create([
        Case(number=f"（2026）粤0103执{n + 1}号", court=court, amount=1000, basis_issuer="某院",
             basis_number="（2025）粤0103民初1号", filed_on=now.date(), created_by=clerk)
        for n in range(1000)
    ])
    Party.objects.bulk_create([
        Party(case=case, role="debtor", kind="person", name="某某", id_number="11010519491231002X") for case in cases
    ])
    first_unit, first_case = units[0].pk, cases[0].pk
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assistance_noticebatch (case_id, created_by_id, created_at) "
            "SELECT %s + (g %% 1000), %s, now() FROM generate_series(0, 999) g", [first_case, clerk.pk])
        cursor.execute("SELECT min(id) FROM assistance_noticebatch")
        first_batch = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM cases_party")
        first_party = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO assistance_notice (batch_id, case_id, court_id, unit_id, measure_id, debtor_id, ruling_number,
                legal_basis, note, state, created_by_id, created_at, served_at, due_at, deadline_provisional,
                deadline_rule, deadline_explanation, lift_ground, lift_reason, updated_at)
            SELECT %(batch)s + (g %% 1000), %(case)s + (g %% 1000), %(court)s, %(unit)s + (g %% %(units)s), %(measure)s,
                %(party)s + (g %% 1000), '（2026）粤0103执1号', '民诉法', '',
                CASE WHEN g < %(open)s THEN (CASE WHEN g %% 2 = 0 THEN 'served' ELSE 'acknowledged' END) ELSE 'closed' END,
                %(clerk)s, now(),
                %(now)s - interval '40 days',
                CASE WHEN g < %(open)s THEN %(now)s + ((g %% 60) - 30) * interval '1 day' + interval '14 hours'
                     ELSE %(now)s - interval '35 days' END,
                false, '3个工作日', '{}', '', '', now()
            FROM generate_series(0, %(total)s - 1) g
            """,
            {"batch": first_batch, "case": first_case, "court": court.pk, "unit": first_unit, "units": UNITS,
             "measure": inquiry.pk, "party": first_party, "open": OPEN, "clerk": clerk.pk, "now": now,
             "total": TOTAL},
        )
        # Every notice names what it asks about (a notice cannot be filed without one): one item each.
        cursor.execute(
            "INSERT INTO assistance_noticeitem (notice_id, position, property_kind, identifier, holder, amount, share, "
            "description) SELECT id, 0, 'bank_account', '62220000' || id, '工商银行荔湾支行', 150000, '', "
            "'查询被执行人名下银行账户及存款余额' FROM assistance_notice")
        cursor.execute("ANALYZE")


def main():
    with bench_database("linkage_bench_reminders", keep=keep_argument()):
        import datetime
        from zoneinfo import ZoneInfo

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from assistance.reminders import scan_notice_reminders
        from linkage.models import Delivery, Notification, Reminder

        now = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday, 09:00
        started = time.perf_counter()
        generate(now)
        print(f"generated {TOTAL:,} notices ({OPEN:,} open) across {UNITS} units in {time.perf_counter() - started:.1f} s")
        rows = []
        scan = 0
        while True:  # the backlog of a system switched on with 50,000 open notices, drained scan by scan
            scan += 1
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = scan_notice_reminders(now)
                elapsed = time.perf_counter() - started
            rows.append((f"scan {scan}", elapsed, len(queries), result))
            if not result["more"]:
                break
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = scan_notice_reminders(now)
            elapsed = time.perf_counter() - started
        rows.append(("repeat scan (everything already sent)", elapsed, len(queries), result))
        print()
        print(f"{'scan':<40} {'seconds':>8} {'queries':>8} {'notices':>8} {'reminders':>10}")
        for label, elapsed, count, result in rows:
            print(f"{label:<40} {elapsed:>8.2f} {count:>8} {result['notices']:>8} {result['reminders']:>10}")
        print()
        print(f"reminder rows: {Reminder.objects.count():,}; in-app notifications: {Notification.objects.count():,}; "
              f"email/SMS deliveries: {Delivery.objects.count():,}; scans to drain the backlog: {scan}")
        worst = max(elapsed for _, elapsed, _, _ in rows)
        counts = sorted({count for label, _, count, result in rows if result["reminders"]})
        print(f"target: one scan under 10 s → {'met' if worst < 10 else 'NOT met'} (slowest {worst:.2f} s); "
              f"queries per scan that sends reminders: {counts} (independent of how many it sends)")


if __name__ == "__main__":
    main()
