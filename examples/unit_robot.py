#!/usr/bin/env python3
"""A unit's robot: the reference receiver of the platform's outbound webhooks (issue 21 item 4).

It runs an HTTP server that
- verifies each delivery: `X-Linkage-Signature: sha256=<hex HMAC-SHA256(secret, X-Linkage-Timestamp + "." + body)>`,
  compared in constant time, and the timestamp within `--tolerance` seconds of its clock (a replayed old request is
  refused); a bad signature answers 401, a stale one 400, so the platform retries neither forever nor in vain;
- drops an event id it has already handled (`X-Linkage-Event-Id`, the body's "id"): a retry or an administrator's
  replay answers 200 and does nothing again;
- on `notice.served` of an inquiry (查询) notice acknowledges it (签收) and replies through the REST API with its
  system account's token: outcome `not_found` and a canned text, or what `lookup(notice)` returns when you plug in
  the unit's own search (see `UnitRobot.lookup`).

The work is done before the answer: if the API call fails the robot answers 503 and forgets the event id, so the
platform's retry (exponential backoff) brings the event back. Only the standard library and `requests`.

    python examples/unit_robot.py --secret "$WEBHOOK_SECRET" --token "$API_TOKEN" \
        --api https://zxld.example.gov.cn/api/v1 --port 8088
"""

import argparse
import hashlib
import hmac
import json
import logging
import threading
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

logger = logging.getLogger("unit_robot")

MAX_BODY = 1_000_000
REMEMBERED_EVENTS = 10_000
CANNED_TEXT = "经本单位系统自动查询，未查到被执行人名下相关财产。"


class Refused(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status


def signature(secret, timestamp, body):
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(secret, headers, body, *, tolerance=300, now=None):
    """Raise `Refused` unless the delivery is signed with `secret` and fresh; return the parsed event."""
    timestamp = headers.get("X-Linkage-Timestamp", "")
    given = headers.get("X-Linkage-Signature", "")
    if not timestamp.isdigit() or not given.startswith("sha256="):
        raise Refused(401, "missing signature")
    if not hmac.compare_digest(given[len("sha256="):], signature(secret, timestamp, body)):
        raise Refused(401, "bad signature")
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        raise Refused(400, "stale timestamp")
    try:
        event = json.loads(body)
    except ValueError as error:
        raise Refused(400, "not JSON") from error
    if event.get("id") != headers.get("X-Linkage-Event-Id"):
        raise Refused(400, "event id mismatch")
    return event


class SeenEvents:
    """The event ids being handled or handled (the last REMEMBERED_EVENTS; a real robot keeps them in its database)."""

    def __init__(self):
        self._ids, self._lock = OrderedDict(), threading.Lock()

    def claim(self, event_id):
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = True
            while len(self._ids) > REMEMBERED_EVENTS:
                self._ids.popitem(last=False)
            return True

    def forget(self, event_id):
        with self._lock:
            self._ids.pop(event_id, None)


class UnitRobot:
    def __init__(self, *, secret, token, api, host="127.0.0.1", port=0, tolerance=300, timeout=10):
        self.secret, self.tolerance, self.timeout = secret, tolerance, timeout
        self.api = api.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.session.max_redirects = 0
        self.seen = SeenEvents()
        self.handled = []  # (event id, type, what was done): for the operator's log and the tests
        self.host, self.port = host, port
        self.server = None

    # ----------------------------------------------------------------------------------------- the work

    def lookup(self, notice):
        """The unit's own search for the notice's debtor: (outcome, text). Replace with a real query."""
        return "not_found", CANNED_TEXT

    def handle(self, event):
        data = event.get("data") or {}
        if event.get("type") == "notice.served" and data.get("measure") == "inquiry":
            notice_id = int(data["id"])
            notice = self._get(f"/notices/{notice_id}/")
            if notice["state"] == "served":  # a retry after a failed reply finds it acknowledged already
                notice = self._post(f"/notices/{notice_id}/acknowledge/", {})
            if notice["state"] != "acknowledged":
                return f"nothing to do ({notice['state']})"
            outcome, text = self.lookup(notice)
            self._post(f"/notices/{notice_id}/reply/", {"outcome": outcome, "text": text})
            return f"replied {outcome}"
        return "ignored"

    def _get(self, path):
        response = self.session.get(f"{self.api}{path}", timeout=self.timeout, allow_redirects=False)
        response.raise_for_status()
        return response.json()

    def _post(self, path, payload):
        response = self.session.post(f"{self.api}{path}", json=payload, timeout=self.timeout, allow_redirects=False)
        if response.status_code >= 400:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def receive(self, headers, body):
        """(status, answer) for one delivery."""
        try:
            event = verify(self.secret, headers, body, tolerance=self.tolerance)
        except Refused as refused:
            return refused.status, {"error": str(refused)}
        if not self.seen.claim(event["id"]):
            return 200, {"duplicate": True}
        try:
            done = self.handle(event)
        except Exception as error:  # the platform retries: forget the id so the retry is handled
            self.seen.forget(event["id"])
            logger.warning("event %s failed: %s", event["id"], error)
            return 503, {"error": str(error)[:300]}
        self.handled.append((event["id"], event.get("type"), done))
        return 200, {"ok": True, "done": done}

    # ----------------------------------------------------------------------------------------- the server

    def start(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    return self._answer(413, {"error": "too large"})
                status, answer = robot.receive(self.headers, self.rfile.read(length))
                return self._answer(status, answer)

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                logger.debug(*args)

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://{self.host}:{self.server.server_address[1]}/"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.session.close()  # the API's keep-alive connections


def main():
    parser = argparse.ArgumentParser(description="执行联动 unit robot: receives webhooks and answers inquiries")
    parser.add_argument("--secret", required=True, help="the endpoint's signing secret")
    parser.add_argument("--token", required=True, help="the unit system account's API token")
    parser.add_argument("--api", required=True, help="the API base, e.g. https://zxld.example.gov.cn/api/v1")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--tolerance", type=int, default=300, help="seconds a timestamp may be off")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    robot = UnitRobot(secret=arguments.secret, token=arguments.token, api=arguments.api, host=arguments.host,
                      port=arguments.port, tolerance=arguments.tolerance)
    print(f"listening on {robot.start()}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        robot.stop()


if __name__ == "__main__":
    main()
