"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS a kept connection is checked before each request uses it; Django's check sends `SELECT 1`
and waits for the answer, one round trip to the server on every request. A connection the server has ended
(restart, pg_terminate_backend, failover, idle timeout) has its socket readable — the server's FATAL message, then
the end of the stream — while a live idle connection has nothing to read: PostgreSQL sends nothing unprompted to a
session that is not LISTENing. So the check looks at the socket without waiting; only when something is there does
Django's own check decide (it fails on a dead connection, which Django then replaces). A connection cut without a
word (a network partition) is found by neither check before a query waits on it, as before.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        raw = self.connection
        if raw is None or raw.closed:
            return False
        try:
            poller = select.poll()
            poller.register(raw.fileno(), select.POLLIN)
            waiting = poller.poll(0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if waiting else True
