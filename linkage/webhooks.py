"""Signed HTTP posts to a unit's own system (outbound webhooks, members.WebhookEndpoint), kept here beside the
work-chat webhook (linkage/chat.py) whose signature they share: `X-Linkage-Signature: sha256=<hex HMAC-SHA256(secret,
timestamp + "." + body)>`, `X-Linkage-Timestamp` (Unix seconds) and `X-Linkage-Event-Id`.

`post_signed` never follows a redirect (a 3xx is an answer like any other, and a failure), waits at most
`WEBHOOK_TIMEOUT` seconds, and returns what the receiver said — status and the first characters of the body — so
the caller can show it. `endpoint_url_error` is the one rule for the URLs an administrator may register."""

import ipaddress
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .chat import webhook_signature

ANSWER_CHARS = 500
LOOPBACK_HOSTS = frozenset({"localhost"})


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, unreachable, timed out)
    body: str  # the first ANSWER_CHARS characters of the answer, or the error

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx comes back to the caller as an HTTPError


_opener = urllib.request.build_opener(_NoRedirect)


def is_loopback(host):
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def endpoint_url_error(url):
    """A Chinese message when `url` may not be registered, else None: https, or http only on loopback, with DEBUG
    or with `WEBHOOK_ALLOW_HTTP`; no credentials in the URL."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "接收地址格式不正确。"
    if parts.scheme not in ("https", "http") or not host:
        return "接收地址应以 https:// 开头。"
    if parts.username or parts.password:
        return "接收地址中不能包含用户名或密码，请使用签名密钥验证。"
    if parts.fragment:
        return "接收地址不能包含“#”片段。"
    if parts.scheme == "http" and not (is_loopback(host) or settings.DEBUG or settings.WEBHOOK_ALLOW_HTTP):
        return "接收地址应使用 https://（仅本机地址或经配置允许的内网可使用 http://）。"
    return None


def signed_headers(secret, event_id, body, timestamp=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": "linkage-webhooks/1",
            "X-Linkage-Event-Id": str(event_id), "X-Linkage-Timestamp": timestamp,
            "X-Linkage-Signature": f"sha256={webhook_signature(secret, timestamp, body)}"}


def post_signed(url, secret, event_id, body):
    """POST `body` (bytes) signed with `secret`; returns the receiver's `Answer` (never raises for the network)."""
    request = urllib.request.Request(url, data=body, method="POST", headers=signed_headers(secret, event_id, body))
    timeout = settings.WEBHOOK_TIMEOUT
    try:
        with _opener.open(request, timeout=timeout) as response:  # noqa: S310 - a registered, checked URL
            return Answer(response.status, _text(response.read(ANSWER_CHARS * 4)))
    except urllib.error.HTTPError as error:
        try:
            text = _text(error.read(ANSWER_CHARS * 4))
        except OSError:
            text = ""
        return Answer(error.code, text)
    except TimeoutError:
        return Answer(None, f"{timeout:g} 秒内未应答")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Answer(None, f"{timeout:g} 秒内未应答")
        return Answer(None, f"无法连接：{error.reason}"[:ANSWER_CHARS])
    except OSError as error:
        return Answer(None, f"连接中断：{error}"[:ANSWER_CHARS])


def _text(data):
    return data.decode("utf-8", errors="replace")[:ANSWER_CHARS]
