"""Benchmark: screening 10,000 applicants (100 of them listed) against 1,000,000 published listings (issue 5 item 6).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/screening_bench.py
      [LINKAGE_CODE_ROOT=/path/to/another/tree] (the code measured; default this tree)
It generates once a base database (linkage_bench_screening_base, kept; --drop-base drops it) and runs each time on a
fresh copy (linkage_bench_screening), so two trees measured one after the other see the same rows; it generates the listings with set-based SQL (1,000 cases ×
1,000 debtors, one published listing per pair), gives 100 of them valid resident ID numbers that the applicants
carry, runs one screening of 10,000 applicants through `screen_applicants` and prints its wall time and query
count; then drops the copy (keep it with --keep). Target (issue 18): under 2 s.
"""

import time

from _database import base_arguments, bench_database, copy_of_base, drop

LISTINGS = 1_000_000
APPLICANTS = 10_000
HITS = 100
BASE, RUN = "linkage_bench_screening_base", "linkage_bench_screening"


def resident_id(n):
    import datetime

    from linkage.identifiers import resident_id_check_char

    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
    first17 = f"440103{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def generate(today):
    """One court with two clerks, one liaison unit, 1,000 cases, 1,000 debtors, 1,000,000 published listings whose
    identifiers never match an applicant, except the first HITS which get the applicants' numbers."""
    from django.db import connection

    from cases.models import Case, Party
    from members.models import Jurisdiction, Organisation, User

    jurisdiction = Jurisdiction.objects.create(code="bench", name="基准辖区")
    court = Organisation.objects.create(jurisdiction=jurisdiction, code="bench-court", name="基准人民法院",
                                        short_name="法院", kind="court", level="county")
    unit = Organisation.objects.create(jurisdiction=jurisdiction, code="bench-unit", name="基准住建局",
                                       short_name="住建局", kind="police", level="county")
    clerk = User.objects.create(username="bench-clerk", role="clerk", organisation=court)
    User.objects.create(username="bench-clerk-2", role="clerk", organisation=court)
    liaison = User.objects.create(username="bench-liaison", role="liaison", organisation=unit, liaison_role="A")
    cases = Case.objects.bulk_create([
        Case(number=f"（2026）粤0103执{n + 1}号", court=court, amount=1000, basis_issuer="某院",
             basis_number="（2025）粤0103民初1号", filed_on=today, created_by=clerk)
        for n in range(1000)
    ])
    Party.objects.bulk_create([
        Party(case=case, role="debtor", kind="person", name="某某", id_number="11010519491231002X") for case in cases
    ])
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM cases_case")
        first_case = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM cases_party")
        first_party = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO blacklist_listing (case_id, debtor_id, court_id, ground, facts, period_years, state, name,
                name_pinyin, id_number, credit_code, legal_representative, sex, age, obligation, performed_amount,
                unperformed_amount, basis_issuer, basis_number, case_number, filed_on, court_name, decided_on,
                published_on, ends_on, proposed_by_id, proposed_at, approved_by_id, deletion_ground, updated_at)
            SELECT %(case)s + g / 1000, %(party)s + g %% 1000, %(court)s, 3, '转移财产', 2, 'published',
                '失信人' || g, '', '99' || lpad(g::text, 16, '0'), '', '', '男', 40, '给付', 0, 1000, '某院',
                '（2025）粤0103民初1号', '（2026）粤0103执' || (g / 1000 + 1) || '号', %(today)s, '基准人民法院',
                %(today)s, %(today)s, %(today)s + interval '2 years', %(clerk)s, now(), %(clerk)s, '', now()
            FROM generate_series(0, %(total)s - 1) g
            """,
            {"case": first_case, "party": first_party, "court": court.pk, "clerk": clerk.pk, "today": today,
             "total": LISTINGS},
        )
        # The applicants n = 0, 100, 200 … are listed: the first HITS listings get their numbers.
        cursor.execute("SELECT id FROM blacklist_listing ORDER BY id LIMIT %s", [HITS])
        ids = [row[0] for row in cursor.fetchall()]
        pairs = [(pk, resident_id(n * (APPLICANTS // HITS)), f"申请人{n * (APPLICANTS // HITS)}")
                 for n, pk in enumerate(ids)]
        values = ",".join(cursor.mogrify("(%s, %s, %s)", pair).decode() for pair in pairs)
        cursor.execute(f"UPDATE blacklist_listing l SET id_number = v.n, name = v.m FROM (VALUES {values}) "
                       "AS v(id, n, m) WHERE l.id = v.id")
        cursor.execute("VACUUM (ANALYZE)")
    return liaison


def main():
    args = base_arguments()
    if args.drop_base:
        return drop(BASE)
    if args.base_only:
        with bench_database(BASE, keep=True):
            import datetime

            started = time.perf_counter()
            generate(datetime.date(2026, 11, 1))
            print(f"generated {LISTINGS:,} published listings in {time.perf_counter() - started:.1f} s")
        return
    with copy_of_base(BASE, RUN, __file__, keep=args.keep):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        import assistance
        from blacklist.models import ScreeningResult, ScreeningSource
        from blacklist.screening.services import screen_applicants
        from linkage.models import Notification
        from members.models import User

        print(f"code: {assistance.__file__}")
        liaison = User.objects.get(username="bench-liaison")
        applicants = [{"name": f"申请人{n}", "id_number": resident_id(n)} for n in range(APPLICANTS)]
        rows = []
        for label in ("first screening", "second screening"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                batch = screen_applicants(actor=liaison, applicants=applicants, source=ScreeningSource.API)
                elapsed = time.perf_counter() - started
            rows.append((label, elapsed, len(queries), batch))
        print()
        print(f"{'run':<20} {'seconds':>8} {'queries':>8} {'applicants':>11} {'hits':>6}")
        for label, elapsed, count, batch in rows:
            print(f"{label:<20} {elapsed:>8.2f} {count:>8} {batch.total:>11,} {batch.hits:>6}")
        print()
        print(f"result rows: {ScreeningResult.objects.count():,}; hit rows with a listing: "
              f"{ScreeningResult.objects.filter(listing__isnull=False).count():,}; "
              f"in-app notifications to the court's 2 clerks: {Notification.objects.count():,}")
        worst = max(elapsed for _, elapsed, _, _ in rows)
        print(f"target (issue 18): a screening of {APPLICANTS:,} under 2 s → {'met' if worst < 2 else 'NOT met'} "
              f"(slowest {worst:.2f} s)")


if __name__ == "__main__":
    main()
