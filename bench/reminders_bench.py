"""Benchmark: reminder scans over 1,000,000 notices of which 50,000 are open and all falling due (issues 4, 18).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reminders_bench.py
      [LINKAGE_CODE_ROOT=/path/to/another/tree] (the code measured; default this tree)
The data (generated once with set-based SQL into linkage_bench_reminders_base, kept, VACUUM ANALYZE'd): 1,000,000
notices, 50,000 open and due from 30 days ago to the next working day, so every one of them is in a reminder stage
(a worst-case backlog, as on the day the system is switched on). Each run works on a fresh copy
(linkage_bench_reminders, CREATE DATABASE … TEMPLATE, dropped afterwards unless --keep): scans until the backlog is
drained, then one more that finds everything sent; prints the wall time and query count of each and the total.
Target (issue 18): the 50,000 processed in under 10 s in all. `--drop-base` drops the base database.
"""

import time

from _database import base_arguments, bench_database, copy_of_base, drop

TOTAL = 1_000_000
OPEN = 50_000
UNITS = 30


BASE, RUN = "linkage_bench_reminders_base", "linkage_bench_reminders"


def generate(now, *, falling_due=False):
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
                deadline_rule, deadline_explanation, lift_ground, lift_reason, lifted_from, lifting_ruling_number, updated_at)
            SELECT %(batch)s + (g %% 1000), %(case)s + (g %% 1000), %(court)s, %(unit)s + (g %% %(units)s), %(measure)s,
                %(party)s + (g %% 1000), '（2026）粤0103执1号', '民诉法', '',
                CASE WHEN g < %(open)s THEN (CASE WHEN g %% 2 = 0 THEN 'served' ELSE 'acknowledged' END) ELSE 'closed' END,
                %(clerk)s, now(),
                %(now)s - interval '40 days',
                CASE WHEN g < %(open)s THEN %(now)s + ((g %% %(spread)s) - 30) * interval '1 day' + interval '14 hours'
                     ELSE %(now)s - interval '35 days' END,
                false, '3个工作日', '{}', '', '', '', '', now()
            FROM generate_series(0, %(total)s - 1) g
            """,
            {"batch": first_batch, "case": first_case, "court": court.pk, "unit": first_unit, "units": UNITS,
             "measure": inquiry.pk, "party": first_party, "open": OPEN, "clerk": clerk.pk, "now": now,
             "total": TOTAL, "spread": 32 if falling_due else 60},
        )
        # Every notice names what it asks about (a notice cannot be filed without one): one item each.
        cursor.execute(
            "INSERT INTO assistance_noticeitem (notice_id, position, property_kind, identifier, holder, amount, share, "
            "description) SELECT id, 0, 'bank_account', '62220000' || id, '工商银行荔湾支行', 150000, '', "
            "'查询被执行人名下银行账户及存款余额' FROM assistance_notice")
        cursor.execute("ANALYZE")


NOW = "2026-11-24T09:00:00+08:00"  # a Tuesday, 09:00


def main():
    import datetime

    args = base_arguments()
    now = datetime.datetime.fromisoformat(NOW)
    if args.drop_base:
        return drop(BASE)
    if args.base_only:
        with bench_database(BASE, keep=True):
            from django.db import connection

            started = time.perf_counter()
            generate(now, falling_due=True)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            print(f"generated {TOTAL:,} notices ({OPEN:,} open, all falling due) across {UNITS} units in "
                  f"{time.perf_counter() - started:.1f} s")
        return
    with copy_of_base(BASE, RUN, __file__, keep=args.keep):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        import assistance
        from assistance.reminders import scan_notice_reminders
        from linkage.models import Delivery, Notification, Reminder

        print(f"code: {assistance.__file__}")
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
        total = sum(elapsed for label, elapsed, _, _ in rows if label.startswith("scan "))
        processed = sum(result["notices"] for label, _, _, result in rows if label.startswith("scan "))
        counts = sorted({count for label, _, count, result in rows if result["reminders"]})
        print(f"target (issue 18): {OPEN:,} notices falling due processed in under 10 s → "
              f"{'met' if total < 10 and processed >= OPEN else 'NOT met'} ({processed:,} in {total:.2f} s, "
              f"{total / max(processed, 1) * 1000:.3f} ms each); queries per scan that sends reminders: {counts}")


if __name__ == "__main__":
    main()
