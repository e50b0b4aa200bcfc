"""Pagination whose count stays cheap on very long lists, for the API and the HTML lists alike."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """A paginator whose count stays cheap on very long lists: exact up to EXACT_COUNT_LIMIT rows (COUNT over a
    LIMIT-ed subquery, so at most that many index entries are read); beyond it, PostgreSQL's planner estimate (never
    below the limit). A court with a million notices pages through them without counting a million rows each time."""

    EXACT_COUNT_LIMIT = 10_000
    estimated = False  # whether `count` is the planner's estimate (a page says "约")

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        bounded = queryset.order_by()[: self.EXACT_COUNT_LIMIT + 1].count()
        if bounded <= self.EXACT_COUNT_LIMIT or connections[queryset.db].vendor != "postgresql":
            return bounded
        self.estimated = True
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            return planner_rows(cursor.fetchone()[0], bounded)


def planner_rows(plan, bounded):
    """The planner's row estimate from EXPLAIN (FORMAT JSON), never below the rows already counted."""
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(int(plan[0]["Plan"]["Plan Rows"]), bounded)
