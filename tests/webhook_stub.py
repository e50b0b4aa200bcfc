"""A receiver of the platform's webhooks on loopback: records each post (headers, body) and answers as told."""

import socket
from http.server import ThreadingHTTPServer

from tests.loopback import JsonHandler, LoopbackServer


def free_port():
    """A port of 127.0.0.1 nobody listens on (a receiver that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebhookStub(LoopbackServer):
    def __init__(self, port=0):
        self.posts, self.answers = [], []  # answers: (status, headers) for the next posts; then 200
        stub = self

        class Handler(JsonHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stub.posts.append(({name: value for name, value in self.headers.items()}, body))
                status, extra = stub.answers.pop(0) if stub.answers else (200, {})
                if extra:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._answer(status, {"ok": status < 300, "note": "收到" * 400})

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        import threading

        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/linkage"
