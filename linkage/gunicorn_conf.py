"""Gunicorn settings for production: `gunicorn -c linkage/gunicorn_conf.py linkage.wsgi` (see OPERATIONS.md).

Command-line options override these; the load test (bench/load_test.py) uses this file with its own bind address
and worker count.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# CPU-bound requests (Python, then PostgreSQL on the same or another machine): about one worker per core and a half.
# On the 2-core test machine 3 workers gave the best throughput of 2, 3 and 4 (bench/LOAD_REPORT.md).
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count() * 3 // 2)))
# Two threads per worker (gunicorn's gthread worker): a request waiting on PostgreSQL or on a slow client no longer
# holds the whole process, and connections are kept alive between requests (nginx: `keepalive` in the upstream block,
# `proxy_http_version 1.1` and an empty Connection header). At 72 simulated users on the 2-core machine, three runs
# each way: the same CPU per request and throughput as sync workers, p50 39-180 ms against 190-360 ms, and the load
# generator spent a fifth less CPU per request on connections it no longer opens for each one.
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# Longer than the proxy's idle timeout for its upstream connections (nginx's `keepalive_timeout` in the upstream
# block, 60 s by default), so that the proxy, not gunicorn, closes an idle connection: when gunicorn closes one, a
# request the proxy sends on it at that moment is lost, and nginx does not retry a POST (it answers 502).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 75))
timeout = 60
# Workers are not recycled after a number of requests unless GUNICORN_MAX_REQUESTS says so. A recycled worker closes
# its idle keep-alive connections as it exits, and a request already sent on one is lost: at 200 req/s with
# recycling every 2,000 requests, 2 POSTs failed ("connection closed") in 5 recyclings, and the new worker's first
# requests wait for it to start. Memory stayed flat without it: the workers' RSS grew from 157-159 MB to 159-160 MB
# over 150 s and 30,000 requests of the load test's mix, most of it in the first 20 s.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10


def post_worker_init(worker):
    """Once the application is loaded, move its objects (modules, settings, URL patterns, model metadata) out of
    the garbage collector's view: they live as long as the process, and every full collection would otherwise walk
    them again. Measured on the notice inbox: about 5% less CPU per request."""
    gc.freeze()
