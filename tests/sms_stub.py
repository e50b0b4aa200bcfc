"""An SMS provider played on loopback (what leaves the machine is the one thing tests stand in for), for
`linkage.notify.HttpSMSGateway`.

POST /send takes {"mobile", "text", "idempotency_key"}: the message reaches the phone (`phone`) as soon as the
request is read — like a real provider, which sends before it answers — then the answer waits `delay` seconds, so a
client with a shorter timeout never hears it. The provider does NOT deduplicate: every POST it takes is an SMS on the
phone, so `phone` shows exactly what a person would receive. `fail_next = n` answers the next n POSTs with 500 without
sending; `lose_next = n` swallows the next n POSTs (nothing sent, no answer before the client gives up).

GET /status?idempotency_key=… answers {"state": "sent"} for a key it sent, 404 for a key it never sent.
"""

import json
import threading
import time
import urllib.parse

from .loopback import JsonHandler, LoopbackServer


class SMSStub(LoopbackServer):
    def __init__(self, *, delay=0.0):
        self.delay = delay
        self.fail_next = 0
        self.lose_next = 0
        self.posts = []  # (Idempotency-Key header, JSON body) of every POST received
        self.phone = []  # (mobile, text) of every SMS sent
        self.sent_keys = set()
        self.status_queries = []
        lock = threading.Lock()
        stub = self

        class Handler(JsonHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    stub.posts.append((self.headers.get("Idempotency-Key"), body))
                    if stub.fail_next:
                        stub.fail_next -= 1
                        outcome = "fail"
                    elif stub.lose_next:
                        stub.lose_next -= 1
                        outcome = "lose"
                    else:
                        outcome = "send"
                        stub.phone.append((body["mobile"], body["text"]))
                        stub.sent_keys.add(body.get("idempotency_key"))
                if outcome == "fail":
                    self._answer(500, {"error": "busy"})
                    return
                time.sleep(stub.delay)
                if outcome == "lose":
                    self.close_connection = True
                    return
                self._answer(200, {"state": "accepted"})

            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                key = (query.get("idempotency_key") or [""])[0]
                with lock:
                    stub.status_queries.append(key)
                    known = key in stub.sent_keys
                if known:
                    self._answer(200, {"state": "sent"})
                else:
                    self._answer(404, {"error": "unknown message"})

        base = self.start(Handler)
        self.url, self.status_url = f"{base}/send", f"{base}/status"
