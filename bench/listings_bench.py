"""Benchmark: the public search over 1,000,000 published dishonest-debtor listings (issue 5).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/listings_bench.py
In process, at 1,000,000 listings (the end-to-end figures over HTTP at the 10,000,000 of issue 18 come from
bench/http_bench.py on the data of bench/scale_data.py). It creates its own database (linkage_bench_listings), generates the listings with one set-based INSERT … SELECT
generate_series (100 common surnames × 200 given names of one or two characters: 20,000 distinct names, 50 listings
each, so 张伟 and 张伟强 both occur many times; unique 18-digit resident ID numbers with their real check digit), then
measures median and p95 over 50 runs of `public_search(identifier=..., name=...)` — a resident ID number is searched only
with the exact name and a valid number (issue 17 item 4) — (target < 5 ms median) and of a
2-character `public_search(name=...)` (target < 20 ms median, < 50 ms p95; issue 18), plus, for comparison, the bare `name LIKE 'x%'`
query without the range that lets the (state, name) B-tree serve it; prints the plans; then drops the database
(keep it with --keep).
"""

import random
import statistics
import time

from _database import bench_database, keep_argument

TOTAL = 1_000_000
RUNS = 50
DB = "linkage_bench_listings"
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)[:100]
GIVEN_CHARS = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红文辉建国志鹏飞宇浩然欣怡子轩梓涵雨晨")
GIVEN_NAMES = (GIVEN_CHARS + [a + b for a in GIVEN_CHARS[:16] for b in GIVEN_CHARS[16:]])[:200]


def id_number(g):
    """The identifier of row g, exactly as the SQL below builds it: region, birth date, serial, the GB 11643 check."""
    import datetime

    from linkage.identifiers import resident_id_check_char

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=g % 18000)
    body = f"440103{born:%Y%m%d}{g // 18000:03d}"
    return body + resident_id_check_char(body)


def name_of(g):
    """The name of row g, exactly as the SQL below builds it."""
    return SURNAMES[g % 100] + GIVEN_NAMES[(g // 100) % 200]


def insert_listings(cursor, *, case, party, court, clerk, today, total):
    """`total` published listings in one INSERT … SELECT generate_series, on 1,000 consecutive cases and parties
    starting at the ids given. (debtor, case) pairs are unique (one live listing per debtor and case): debtor
    g % 1000, case g / 1000."""
    from blacklist.listings.services import name_pinyin

    cursor.execute(
        """
        INSERT INTO blacklist_listing (case_id, debtor_id, court_id, ground, facts, period_years, state, name,
            name_pinyin, id_number, credit_code, legal_representative, sex, age, obligation, performed_amount,
            unperformed_amount, basis_issuer, basis_number, case_number, filed_on, court_name, decided_on,
            published_on, ends_on, proposed_by_id, proposed_at, approved_by_id, deletion_ground, updated_at)
        SELECT %(case)s + g / 1000, %(party)s + g %% 1000, %(court)s, 3, '转移财产规避执行', 2, 'published',
            s.surnames[1 + g %% 100] || s.givens[1 + (g / 100) %% 200],
            s.surname_py[1 + g %% 100] || ' ' || s.given_py[1 + (g / 100) %% 200],
            b.body || substr('10X98765432', 1 + (SELECT sum(substr(b.body, i, 1)::int
                * (ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])[i]) FROM generate_series(1, 17) i)::int %% 11, 1),
            '', '', CASE WHEN g %% 2 = 0 THEN '男' ELSE '女' END, 20 + g %% 60, '给付货款', 0, 10000 + g %% 90000,
            '某院', '（2025）粤0103民初1号', '（2026）粤0103执' || (1 + g / 1000) || '号', %(today)s,
            '基准人民法院', %(today)s, %(today)s - (g %% 700), %(today)s - (g %% 700) + 730, %(clerk)s, now(),
            %(clerk)s, '', now()
        FROM generate_series(0, %(total)s - 1) g,
             (SELECT %(surnames)s::text[] AS surnames, %(givens)s::text[] AS givens,
                     %(surname_py)s::text[] AS surname_py, %(given_py)s::text[] AS given_py) s,
             LATERAL (SELECT '440103' || to_char(date '1950-01-01' + g %% 18000, 'YYYYMMDD')
                             || lpad((g / 18000)::text, 3, '0') AS body) b
        """,
        {"case": case, "party": party, "court": court, "clerk": clerk, "today": today, "total": total,
         "surnames": SURNAMES, "givens": GIVEN_NAMES, "surname_py": [name_pinyin(n) for n in SURNAMES],
         "given_py": [name_pinyin(n) for n in GIVEN_NAMES]},
    )


def generate(today):
    from django.db import connection

    from cases.models import Case, Party
    from members.models import Jurisdiction, Organisation, User

    assert len(SURNAMES) == 100 and len(GIVEN_NAMES) == 200 and len(set(GIVEN_NAMES)) == 200
    jurisdiction = Jurisdiction.objects.create(code="bench", name="基准辖区")
    court = Organisation.objects.create(jurisdiction=jurisdiction, code="bench-court", name="基准人民法院",
                                        short_name="法院", kind="court", level="county")
    clerk = User.objects.create(username="bench-clerk", role="clerk", organisation=court)
    cases = Case.objects.bulk_create([
        Case(number=f"（2026）粤0103执{n + 1}号", court=court, amount=1000, basis_issuer="某院",
             basis_number="（2025）粤0103民初1号", filed_on=today, created_by=clerk) for n in range(1000)])
    parties = Party.objects.bulk_create([
        Party(case=cases[n], role="debtor", kind="person", name="某某", id_number="11010519491231002X")
        for n in range(1000)])
    with connection.cursor() as cursor:
        insert_listings(cursor, case=cases[0].pk, party=parties[0].pk, court=court.pk, clerk=clerk.pk, today=today,
                        total=TOTAL)
        cursor.execute("ANALYZE blacklist_listing")


def measure(function, arguments):
    timings = []
    for argument in arguments:
        started = time.perf_counter()
        function(argument)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def main():
    with bench_database(DB, keep=keep_argument()):
        import datetime

        from django.db import connection

        from blacklist.models import Listing
        from blacklist.public.search import PUBLISHED_FIELDS, name_search_queryset, public_search

        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()")
            collation = cursor.fetchone()
        started = time.perf_counter()
        generate(datetime.date(2026, 11, 24))
        print(f"generated {TOTAL:,} published listings in {time.perf_counter() - started:.1f} s "
              f"(database collation {collation[0]}, ctype {collation[1]})")
        rng = random.Random(5)
        rows_sampled = [rng.randrange(TOTAL) for _ in range(RUNS)]
        identifiers = [(id_number(g), name_of(g)) for g in rows_sampled]
        names = [rng.choice(SURNAMES) + rng.choice(GIVEN_CHARS) for _ in range(RUNS)]
        # Warm up (connection, plan cache of the server, pypinyin's dictionary).
        assert public_search(identifier=identifiers[0][0], name=identifiers[0][1]).results, identifiers[0]
        public_search(name=names[0])
        hits = [len(public_search(name=name).results) for name in names]

        def bare_like(name):  # name__startswith alone: LIKE 'x%', which the default-opclass B-tree cannot serve
            return list(Listing.objects.filter(state="published", name__startswith=name).order_by("name")
                        .values("name", "id_number")[:21])

        rows = [
            ("exact ID: public_search(identifier=, name=)",
             *measure(lambda v: public_search(identifier=v[0], name=v[1]), identifiers), 5.0),
            ("name, 2 characters: public_search(name=...)", *measure(lambda v: public_search(name=v), names), 20.0),
            ("for comparison: bare name LIKE 'x%' (10 runs)", *measure(bare_like, names[:10]), None),
        ]
        print()
        print(f"{'query':<48} {'median ms':>10} {'p95 ms':>8} {'target':>10} {'met':>5}")
        for label, median, p95, target in rows:
            verdict = ("yes" if median < target else "NO") if target else "-"
            print(f"{label:<48} {median:>10.2f} {p95:>8.2f} {(f'< {target:g} ms' if target else '-'):>10} "
                  f"{verdict:>5}")
        print(f"\nname searches returned {min(hits)}-{max(hits)} rows (limit 20; most hit the limit)")
        for label, queryset in [
            ("name search (as public_search runs it)",
             name_search_queryset("张伟").values(*PUBLISHED_FIELDS)[:21]),
            ("bare LIKE", Listing.objects.filter(state="published", name__startswith="张伟").order_by("name")
             .values("name")[:21]),
            ("exact ID", Listing.objects.filter(state="published", id_number=identifiers[0][0],
                                                name=identifiers[0][1]).values("name")[:21]),
        ]:
            print(f"\nplan, {label}:\n  " + queryset.explain().replace("\n", "\n  "))


if __name__ == "__main__":
    main()
