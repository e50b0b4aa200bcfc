"""The production gunicorn settings (linkage/gunicorn_conf.py): what OPERATIONS.md promises about idle connections
and worker recycling, read from the file gunicorn reads."""

import runpy

from django.conf import settings

CONF = f"{settings.BASE_DIR}/linkage/gunicorn_conf.py"
NGINX_UPSTREAM_KEEPALIVE_TIMEOUT = 60  # nginx's default for `keepalive_timeout` in an upstream block


def _conf(monkeypatch, **environment):
    for name in ("GUNICORN_KEEPALIVE", "GUNICORN_MAX_REQUESTS", "GUNICORN_THREADS", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONF)


def test_gunicorn_keeps_idle_connections_longer_than_the_proxy_so_the_proxy_closes_them(monkeypatch):
    conf = _conf(monkeypatch)
    assert conf["keepalive"] > NGINX_UPSTREAM_KEEPALIVE_TIMEOUT
    assert conf["threads"] >= 2  # gthread: keep-alive connections are kept at all (a sync worker closes each one)


def test_workers_are_not_recycled_unless_asked(monkeypatch):
    conf = _conf(monkeypatch)
    assert conf["max_requests"] == 0 and conf["max_requests_jitter"] == 0
    conf = _conf(monkeypatch, GUNICORN_MAX_REQUESTS="50000", GUNICORN_KEEPALIVE="90")
    assert (conf["max_requests"], conf["max_requests_jitter"], conf["keepalive"]) == (50000, 5000, 90)
