"""Load, before a worker takes its first request, what Django and the app otherwise load on first use.

Django imports the URL configuration (and with it DRF, drf-spectacular, the screening's spreadsheet reader…) when the
first request is resolved, and the public search imports pypinyin, whose dictionaries take a third of a second to
read, at its first search by name. Measured on a fresh process against the load test's database: the first request
took 630-790 ms instead of 5 ms, the first search by name 345-375 ms instead of 3 ms. In a server those are every
worker's first requests after it starts (and after each recycling, where GUNICORN_MAX_REQUESTS turns that on), with
the requests that arrive meanwhile queued behind them.

Nothing here touches the database or opens a connection, so it may run before a fork as well as after one.
"""

from django.urls import get_resolver


def warm_up():
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URL configuration and every view module it names
    resolver.reverse_dict  # noqa: B018 - builds the reverse and namespace tables (first reverse() or include)
    from blacklist.listings.services import name_pinyin

    name_pinyin("张三")  # imports pypinyin and reads its dictionaries
