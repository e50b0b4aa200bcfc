"""Querysets whose SQL is compiled once per shape and then run with other values.

Django compiles a queryset's SQL anew every time it runs: on the notice list that is the larger part of the
request's Python time, although the SQL differs from one request to the next only in its values. A PreparedQuery
is built once from a queryset written with stand-in values (`Sentinels`) where the request's values go; it keeps
the compiled SQL and which parameter takes which value, and then runs that SQL with each request's values, turning
rows into model instances as the queryset itself would (select_related objects, deferred fields, converters).

The ORM stays the one place the query is written: only its compilation is cached. The shape of a query (which
filters, joins, ordering) must be part of the caller's cache key; a value that changes the SQL text rather than a
parameter (a boolean choosing a branch, a list of varying length) belongs in the key, not in a slot. A value
computed at build time (such as `timezone.now()`) must be a slot too, or it would be frozen into the cache. A stand-in
that comes back as a LIKE pattern ('%' before or after it: startswith, contains, endswith) is a LIKE slot: the value
is escaped as those lookups escape it; a stand-in found inside any other value is refused when the query is prepared.
A lookup that computes a different value from its stand-in without containing it (`__year`, a date range) would
freeze that value unnoticed: use slots with equality, IN and LIKE lookups only, and compare each use with the ORM's
own answer in a test (tests/assistance/test_prepared_list.py and tests/blacklist/test_public.py; the notice an
action finds is checked route by route and role by role in tests/test_permission_matrix.py).
"""

import datetime
import decimal
import itertools
import json
import time
from types import SimpleNamespace

from django.db import connections
from django.db.models.query import get_related_populators

from . import statements

_BASE = 2_100_000_000  # a stand-in integer still fits a 32-bit column (Django drops out-of-range lookups)


class Sentinels:
    """Stand-in values for a query's slots, each distinct from every real value and from the others."""

    def __init__(self):
        self._numbers = itertools.count(1)
        self.slots = {}

    def _add(self, name, value):
        self.slots[name] = value
        return value

    def int(self, name):
        return self._add(name, _BASE + next(self._numbers))

    def str(self, name):
        return self._add(name, f"\x1fslot-{next(self._numbers)}-{name}\x1f")

    def like(self, name, value):
        """A stand-in of the same type as `value` (the ORM may prepare it, e.g. a Decimal id made an int)."""
        if isinstance(value, str):
            return self.str(name)
        if isinstance(value, (int, decimal.Decimal)) and not isinstance(value, bool):
            return self._add(name, type(value)(_BASE + next(self._numbers)))
        if isinstance(value, datetime.datetime):
            return self.datetime(name)
        raise TypeError(f"no stand-in for a {type(value).__name__} ({name})")

    def datetime(self, name):
        moment = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(microseconds=next(self._numbers))
        return self._add(name, moment)


# The roles whose visibility rule reads only the user's organisation, which a stand-in carries as a slot. The
# committee's rule reads its jurisdiction (members.selectors.jurisdiction_id_of), which a stand-in has not: a
# committee user has no role here (all flags false) and takes the ORM's own path.
ROLE_FLAGS = ("is_court_staff", "is_liaison")
ID_LIMIT = 2**63  # ids are bigint: beyond, the ORM finds nothing without asking the database


def compiled_once(cache, key, build):
    """`cache[key]`: the prepared queries of one shape, built by `build(Sentinels())` the first time (per process)."""
    prepared = cache.get(key)
    if prepared is None:
        prepared = cache[key] = build(Sentinels())
    return prepared


def role_of(user):
    """What the visibility rules (`visible_to`) read of a user besides its organisation: its role flags, as a key."""
    return tuple(getattr(user, flag) for flag in ROLE_FLAGS)


def stand_in_user(role, sentinels):
    """A user with these role flags whose organisation is a stand-in: what a `visible_to(user)` is compiled with."""
    return SimpleNamespace(**dict(zip(ROLE_FLAGS, role, strict=True)), is_committee=False,
                           organisation_id=sentinels.int("organisation"))


class PreparedQuery:
    """The compiled SQL of `queryset`, built with `sentinels` where the values go; run with `values` by slot name."""

    def __init__(self, queryset, sentinels, *, server_prepared=True):
        self.db = queryset.db
        # Whether the SQL is also prepared on the server (linkage.statements), and so planned once for any values:
        # not for a query whose best plan depends on the value (a column where one value is most of the rows).
        self.server_prepared = server_prepared
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()
        self._params = [self._place(param, sentinels.slots) for param in params]
        for kind, param, _ in self._params:
            # A stand-in the ORM transformed otherwise (e.g. inside a list): its value cannot be slotted.
            # (A slot the query does not use, such as the unit of a role that sees every unit, is no harm.)
            if kind == "const" and any(_contains(param, sentinel) for sentinel in sentinels.slots.values()):
                raise ValueError(f"a stand-in was transformed by the ORM and cannot be a slot: {param!r}")
        self._compiler = compiler
        self._like = connections[self.db].ops.prep_for_like_query
        self._row_converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        self._model_rows = compiler.klass_info is not None
        if self._model_rows:
            select, klass_info = compiler.select, compiler.klass_info
            fields = klass_info["select_fields"]
            self._model = klass_info["model"]
            self._model_slice = slice(fields[0], fields[-1] + 1)
            self._init_list = [column[0].target.attname for column in select[self._model_slice]]
            self._populators = get_related_populators(klass_info, select, self.db)
            self._annotations = tuple(compiler.annotation_col_map.items())

    @staticmethod
    def _place(param, slots):
        for name, sentinel in slots.items():
            if param == sentinel and type(param) is type(sentinel):
                return ("slot", name, None)
            if isinstance(param, (int, str)) and not isinstance(param, bool) and param == sentinel:
                return ("slot", name, type(param))  # the ORM's prep (e.g. a Decimal id made an int): done again
            if isinstance(param, str) and isinstance(sentinel, str) and param.count(sentinel) == 1:
                # A LIKE pattern (startswith, contains, endswith): '%' around the value, which the ORM escaped.
                head, tail = param.split(sentinel)
                if set(head + tail) <= {"%"}:
                    return ("like", name, (head, tail))
        return ("const", param, None)

    def params(self, values):
        out = []
        for kind, what, how in self._params:
            if kind == "const":
                out.append(what)
            elif kind == "like":
                out.append(f"{how[0]}{self._like(values[what])}{how[1]}")
            else:
                value = values[what]
                out.append(how(value) if how is not None and value is not None else value)
        return out

    def execute(self, values, *, prefix="", suffix="", extra=(), prepare=True):
        """The rows (tuples) of the SQL with `values`, wrapped as `prefix` + SQL + `suffix` (extra: suffix's params);
        through a server-side prepared statement (linkage.statements) unless `prepare` is false."""
        sql, params = f"{prefix}{self.sql}{suffix}", [*self.params(values), *extra]
        with connections[self.db].cursor() as cursor:
            if prepare and self.server_prepared:
                statements.execute(cursor, sql, params)
            else:
                cursor.execute(sql, params)
            return cursor.fetchall()

    def rows(self, values, *, suffix="", extra=()):
        """The rows as a values()/values_list() queryset's tuples, through the same converters."""
        rows = self.execute(values, suffix=suffix, extra=extra)
        if self._row_converters:
            rows = [tuple(row) for row in self._compiler.apply_converters(rows, self._row_converters)]
        return rows

    def instances(self, values, *, suffix="", extra=()):
        """Model instances, as iterating the queryset would give them (its select_related objects attached)."""
        if not self._model_rows:
            raise TypeError("a values() query gives rows, not instances")
        rows = self.execute(values, suffix=suffix, extra=extra)
        if self._row_converters:
            rows = self._compiler.apply_converters(rows, self._row_converters)
        model, db, init_list, model_slice = self._model, self.db, self._init_list, self._model_slice
        objects = []
        for row in rows:
            obj = model.from_db(db, init_list, row[model_slice])
            for populator in self._populators:
                populator.populate(row, obj)
            for name, position in self._annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def set_prefetched(instance, name, rows, *, reverse=None):
    """Give `instance.<name>.all()` these rows, as prefetch_related would have (no query when it is read); `reverse`:
    the rows' foreign key to `instance`, set on each row as prefetch_related sets it."""
    if reverse is not None:
        for row in rows:
            reverse.set_cached_value(row, instance)
    queryset = getattr(instance, name).all()
    queryset._result_cache, queryset._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _contains(param, sentinel):
    if isinstance(param, str) and isinstance(sentinel, str):
        return sentinel.strip("\x1f") in param
    if isinstance(param, (list, tuple, set, frozenset)):
        return any(_contains(item, sentinel) or item == sentinel for item in param)
    return False


ESTIMATE_SECONDS = 60
MAX_ESTIMATES = 1000
_estimates = {}  # (count SQL, limit, values) -> (monotonic expiry, estimated count)


def forget_estimates():
    _estimates.clear()


class PreparedPage:
    """What CappedCountPaginator needs of a list, from prepared queries instead of a queryset: `rows` gives the
    instances in the list's order, `count` the same rows' ids without ordering (a values("pk") query)."""

    ordered = True

    def __init__(self, rows, count, values):
        self._rows, self._count, self._values = rows, count, values

    def capped_count(self, limit):
        """(count, estimated) as CappedCountPaginator counts a queryset: exact up to `limit`, else the planner's.
        An estimate is kept for ESTIMATE_SECONDS (per process, for these values): a list past the limit is given as
        "about N" anyway, and counting its first `limit` rows again on every page cost more than the page itself
        (a court's list of a million notices: 2.3 ms of the server's time for the count, 0.7 ms for the page)."""
        key = (self._count.sql, limit, *self._count.params(self._values))
        kept = _estimates.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1], True
        bounded = self._count.execute(
            self._values, prefix="SELECT COUNT(*) FROM (", suffix=" LIMIT %s) subquery", extra=[limit + 1]
        )[0][0]
        if bounded <= limit or connections[self._count.db].vendor != "postgresql":
            return bounded, False
        plan = self._count.execute(self._values, prefix="EXPLAIN (FORMAT JSON) ", prepare=False)[0][0]
        estimate = planner_rows(plan, bounded)
        if len(_estimates) >= MAX_ESTIMATES:
            _estimates.clear()
        _estimates[key] = (time.monotonic() + ESTIMATE_SECONDS, estimate)
        return estimate, True

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("a page is read by a slice")
        start, stop = index.start or 0, index.stop
        return self._rows.instances(self._values, suffix=" LIMIT %s OFFSET %s", extra=[stop - start, start])


def planner_rows(plan, bounded):
    """The planner's row estimate from EXPLAIN (FORMAT JSON), never below the rows already counted."""
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(int(plan[0]["Plan"]["Plan Rows"]), bounded)
