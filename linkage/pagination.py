"""Pagination whose count stays cheap on very long lists, for the API and the HTML lists alike."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from .prepared import planner_rows


class CappedCountPaginator(Paginator):
    """A paginator whose count stays cheap on very long lists: exact up to EXACT_COUNT_LIMIT rows (COUNT over a
    LIMIT-ed subquery, so at most that many index entries are read); beyond it, PostgreSQL's planner estimate (never
    below the limit). A court with a million notices pages through them without counting a million rows each time."""

    EXACT_COUNT_LIMIT = 10_000
    estimated = False  # whether `count` is the planner's estimate (a page says "约")

    @cached_property
    def count(self):
        queryset = self.object_list
        if hasattr(queryset, "capped_count"):  # a list read through prepared queries (linkage.prepared)
            count, self.estimated = queryset.capped_count(self.EXACT_COUNT_LIMIT)
            return count
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
