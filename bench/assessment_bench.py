"""Benchmark: a year's assessment metrics for 40 units over 300,000 notices (issue 7). Target: under 5 s.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/assessment_bench.py
It creates its own database (linkage_bench_assessment on the server of DATABASE_URL), migrates it, generates with
set-based SQL 300,000 notices served in 2025 on 40 units (served all year round, across every holiday; 5 %
withdrawn, 5 % lifted unanswered, 5 % still open, the rest answered, a share of them late), their reminders and
escalations, extension requests and review suggestions, then times `assessment.metrics.compute_metrics` for the
year (first run and the median of three more) and the whole live board (`assessment.board.build_board`: metrics,
scores, ranks, chart data). The database is dropped afterwards unless --keep.
"""

import datetime
import statistics
import time

from _database import bench_database, keep_argument

DATABASE = "linkage_bench_assessment"
NOTICES = 300_000
UNITS = 40
CASES = 1_000
YEAR = 2025
TARGET_SECONDS = 5.0


def generate():
    from django.db import connection

    from assistance.models import NoticeBatch
    from cases.models import Case, Party
    from members.models import Jurisdiction, Measure, Organisation, User

    started = time.perf_counter()
    jurisdiction = Jurisdiction.objects.create(code="bench", name="基准辖区")
    court = Organisation.objects.create(jurisdiction=jurisdiction, code="bench-court", name="基准人民法院",
                                        short_name="法院", kind="court", level="county")
    Organisation.objects.create(jurisdiction=jurisdiction, code="bench-committee", name="基准政法委",
                                short_name="政法委", kind="committee", level="county")
    units = [Organisation.objects.create(jurisdiction=jurisdiction, code=f"bench-unit-{n}", name=f"基准协助单位{n}",
                                         short_name=f"单位{n}", kind="police", level="county", sort_order=n)
             for n in range(UNITS)]
    measures = list(Measure.objects.filter(code__in=["inquiry", "freeze"]).order_by("code"))
    publish = Measure.objects.get(code="publish")
    for unit in units:
        unit.measures.set(measures)
    for unit in units[:5]:  # a few joint-punishment units, so the push figures are computed too
        unit.measures.add(publish)
    clerk = User.objects.create(username="bench-clerk", role="clerk", organisation=court)
    cases = Case.objects.bulk_create([
        Case(number=f"（2025）粤0103执{n + 1}号", court=court, amount=1000, basis_issuer="某院",
             basis_number="（2024）粤0103民初1号", filed_on=datetime.date(2025, 1, 2), created_by=clerk)
        for n in range(CASES)
    ])
    debtors = Party.objects.bulk_create([
        Party(case=case, role="debtor", kind="person", name="某某", id_number="11010519491231002X") for case in cases
    ])
    batches = NoticeBatch.objects.bulk_create([NoticeBatch(case=case, created_by=clerk) for case in cases])
    params = {
        "n": NOTICES, "cases": [c.pk for c in cases], "debtors": [d.pk for d in debtors],
        "batches": [b.pk for b in batches], "units": [u.pk for u in units], "measures": [m.pk for m in measures],
        "court": court.pk, "clerk": clerk.pk, "start": f"{YEAR}-01-01 00:00:00+08",
    }
    with connection.cursor() as cursor:
        # Service all year round; deadline three or one working days later (about 4.2 / 1.4 calendar days);
        # acknowledgement after ~8 hours, reply after ~2.5 days on average (exponential), so a share is late.
        cursor.execute("""
            INSERT INTO assistance_notice (batch_id, case_id, court_id, unit_id, measure_id, debtor_id, ruling_number,
                legal_basis, note, state, created_by_id, created_at, signed_at, served_at, due_at, deadline_provisional,
                deadline_rule, deadline_explanation, acknowledged_at, replied_at, closed_at, lifted_at, lift_ground,
                lift_reason, withdrawn_at, lifted_from, lifting_ruling_number, lifting_at, updated_at)
            SELECT (%(batches)s::bigint[])[1 + g %% %(n_cases)s], (%(cases)s::bigint[])[1 + g %% %(n_cases)s],
                   %(court)s, (%(units)s::bigint[])[1 + g %% %(n_units)s], (%(measures)s::bigint[])[1 + g %% 2],
                   (%(debtors)s::bigint[])[1 + g %% %(n_cases)s], '（2025）粤0103执1号', '民事诉讼法', '',
                   CASE WHEN r1 < 0.05 THEN 'withdrawn' WHEN r1 < 0.10 THEN 'lifted'
                        WHEN r1 < 0.15 THEN 'acknowledged' WHEN r1 < 0.55 THEN 'replied' ELSE 'closed' END,
                   %(clerk)s, served - interval '4 hours', served - interval '2 hours', served,
                   served + CASE WHEN g %% 2 = 0 THEN interval '33 hours' ELSE interval '100 hours' END, false,
                   '3个工作日', '{}'::jsonb,
                   CASE WHEN r1 >= 0.05 AND r1 < 0.10 THEN NULL
                        ELSE served + (-ln(1 - r2) * 8) * interval '1 hour' END,
                   CASE WHEN r1 >= 0.15 THEN served + interval '1 hour' + (-ln(1 - r3) * 60) * interval '1 hour' END,
                   NULL, CASE WHEN r1 >= 0.05 AND r1 < 0.10 THEN served + interval '30 days' END,
                   CASE WHEN r1 >= 0.05 AND r1 < 0.10 THEN 'performed' ELSE '' END, '',
                   CASE WHEN r1 < 0.05 THEN served + interval '1 day' END, '', '',
                   CASE WHEN r1 >= 0.05 AND r1 < 0.10 THEN served + interval '30 days' END, now()
            FROM (SELECT g, %(start)s::timestamptz + random() * interval '364 days' AS served,
                         random() AS r1, random() AS r2, random() AS r3
                  FROM generate_series(1, %(n)s) AS g) AS s
        """, {**params, "n_cases": CASES, "n_units": UNITS})
        # The reminder ladder for the notices that ran late, and an escalation for a third of them.
        cursor.execute("""
            INSERT INTO linkage_reminder (content_type_id, object_id, kind, due_at, recipient_key, recipient_name,
                                          created_at)
            SELECT ct.id, n.id, k.kind, n.due_at, 'contact:' || k.recipient, '', n.due_at
            FROM assistance_notice n
            CROSS JOIN (VALUES ('before_due', 'a'), ('due_day', 'a'), ('due_day', 'b'), ('overdue', 'a'),
                               ('overdue', 'b'), ('overdue', 'l')) AS k(kind, recipient)
            CROSS JOIN (SELECT id FROM django_content_type WHERE app_label = 'assistance' AND model = 'notice') ct
            WHERE COALESCE(n.replied_at, now()) > n.due_at AND n.state <> 'withdrawn'
        """)
        cursor.execute("""
            INSERT INTO linkage_reminder (content_type_id, object_id, kind, due_at, recipient_key, recipient_name,
                                          created_at)
            SELECT ct.id, n.id, 'escalation', n.due_at, 'user:' || r, '', n.due_at
            FROM assistance_notice n CROSS JOIN generate_series(1, 2) AS r
            CROSS JOIN (SELECT id FROM django_content_type WHERE app_label = 'assistance' AND model = 'notice') ct
            WHERE COALESCE(n.replied_at, now()) > n.due_at + interval '3 days' AND n.id % 3 = 0
        """)
        cursor.execute("""
            INSERT INTO assistance_extensionrequest (notice_id, days, reason, state, requested_by_id, requested_at,
                                                     decision_reason)
            SELECT id, 2, '需调取档案', CASE WHEN id %% 2 = 0 THEN 'granted' ELSE 'refused' END, %(clerk)s, served_at,
                   ''
            FROM assistance_notice WHERE id %% 50 = 0
        """, params)
        cursor.execute("""
            INSERT INTO assistance_reviewsuggestion (notice_id, reason, state, resolution, raised_by_id, raised_at,
                                                     decision_reason)
            SELECT id, '账户非被执行人', CASE WHEN id %% 3 = 0 THEN 'upheld' ELSE 'not_upheld' END, '', %(clerk)s,
                   served_at, ''
            FROM assistance_notice WHERE id %% 97 = 0
        """, params)
        cursor.execute("SELECT count(*) FROM assistance_notice")
        notices = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM linkage_reminder")
        reminders = cursor.fetchone()[0]
        cursor.execute("ANALYZE")
    print(f"  生成 {notices:,} 份通知书、{reminders:,} 条提醒记录、{UNITS} 个单位：{time.perf_counter() - started:.1f} s",
          flush=True)
    return jurisdiction, [unit.pk for unit in units]


def timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main():
    keep = keep_argument()
    with bench_database(DATABASE, keep=keep):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from assessment.board import build_board
        from assessment.metrics import compute_metrics

        print(f"年度考评基准测试：{UNITS} 个单位、{NOTICES:,} 份 {YEAR} 年送达的通知书", flush=True)
        jurisdiction, unit_ids = generate()
        first, metrics = timed(lambda: compute_metrics(unit_ids, YEAR))
        runs = [timed(lambda: compute_metrics(unit_ids, YEAR))[0] for _ in range(3)]
        with CaptureQueriesContext(connection) as queries:
            compute_metrics(unit_ids, YEAR)
        board_seconds, board = timed(lambda: build_board(jurisdiction, YEAR))
        received = sum(m["received"] for m in metrics.values())
        on_time = sum(m["replied_on_time"] for m in metrics.values())
        assessed = sum(m["assessed"] for m in metrics.values())
        sample = metrics[unit_ids[0]]
        print(f"  计入考评的通知书 {received:,} 份，按期回复率 {on_time / assessed:.1%}；"
              f"单位0：平均用时 {sample['reply_days_avg']} 个工作日，90% 用时 {sample['reply_days_p90']}，"
              f"逾期 {sample['overdue']} 件 / {sample['overdue_days']} 个工作日，督办 {sample['escalations']} 次")
        median = statistics.median(runs)
        verdict = "达标" if max(first, median) < TARGET_SECONDS else "未达标"
        print(f"计算一年指标：首次 {first:.2f} s，之后中位数 {median:.2f} s（{len(queries.captured_queries)} 次查询）"
              f" —— 目标 < {TARGET_SECONDS:.0f} s，{verdict}")
        print(f"整张考评表（指标 + 评分 + 排名 + 图表数据）：{board_seconds:.2f} s，{len(board['rows'])} 行")


if __name__ == "__main__":
    main()
