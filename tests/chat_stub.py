"""Work-chat receivers played on loopback for `linkage.chat`'s gateways: a real `http.server` on 127.0.0.1 in a thread.

`ChatStub(mode)` with mode "wecom", "dingtalk" or "webhook" takes POSTs and records every request (`posts`: path,
query, headers, JSON body). What reaches the group (`group`) depends on the receiver:
- the robots (wecom, dingtalk) post every accepted request to the group, as the real ones do; 钉钉 checks the
  加签 signature (`secret`) and answers errcode 310000 when it is wrong;
- the signed webhook checks the HMAC over timestamp + "." + body (401 when wrong) and, like a receiver should, drops
  an Idempotency-Key it has already taken — `group` holds each distinct message once.
`fail_next = n` answers the next n POSTs with 500, taking nothing; `slow_next = n` takes the next n messages (they
reach the group) but answers only after `delay` seconds, after the client has given up.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse

from .loopback import JsonHandler, LoopbackServer


class ChatStub(LoopbackServer):
    def __init__(self, mode, *, secret="", delay=1.0):
        self.mode, self.secret, self.delay = mode, secret, delay
        self.fail_next = 0
        self.slow_next = 0
        self.posts = []
        self.group = []  # what the people in the group see
        self.seen_keys = set()
        self.bad_signatures = 0
        lock = threading.Lock()
        stub = self

        class Handler(JsonHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                headers = {name: value for name, value in self.headers.items()}
                with lock:
                    stub.posts.append({"path": parts.path, "query": query, "headers": headers, "body": json.loads(raw)})
                    if stub.fail_next:
                        stub.fail_next -= 1
                        outcome = "fail"
                    elif not stub._signature_ok(query, headers, raw):
                        stub.bad_signatures += 1
                        outcome = "bad"
                    else:
                        outcome = "slow" if stub.slow_next else "ok"
                        stub.slow_next = max(0, stub.slow_next - 1)
                        key = headers.get("Idempotency-Key")
                        if stub.mode != "webhook" or key not in stub.seen_keys:
                            stub.group.append(json.loads(raw))
                        stub.seen_keys.add(key)
                if outcome == "fail":
                    self._answer(500, {"error": "busy"})
                elif outcome == "bad":
                    if stub.mode == "webhook":
                        self._answer(401, {"error": "bad signature"})
                    else:
                        self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
                else:
                    if outcome == "slow":
                        time.sleep(stub.delay)
                    self._answer(200, {"errcode": 0, "errmsg": "ok"})

        base = self.start(Handler)
        self.url = {
            "wecom": f"{base}/cgi-bin/webhook/send?key=wecom-robot-key-0001",
            "dingtalk": f"{base}/robot/send?access_token=dingtalk-token-0001",
            "webhook": f"{base}/linkage/inbound",
        }[mode]

    def _signature_ok(self, query, headers, raw):
        """What the real receiver checks, computed here independently of linkage.chat."""
        if self.mode == "dingtalk" and self.secret:
            timestamp = query.get("timestamp", "")
            expected = base64.b64encode(hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(),
                                                 hashlib.sha256).digest()).decode()
            fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3600_000
            return fresh and hmac.compare_digest(query.get("sign", ""), expected)
        if self.mode == "webhook":
            timestamp = headers.get("X-Linkage-Timestamp", "")
            expected = "sha256=" + hmac.new(self.secret.encode(), timestamp.encode() + b"." + raw,
                                            hashlib.sha256).hexdigest()
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
            return fresh and hmac.compare_digest(headers.get("X-Linkage-Signature", ""), expected)
        return True

    def keys(self):
        return [post["headers"].get("Idempotency-Key") for post in self.posts]
