"""Work-chat channels beside SMS: a unit's 企业微信 or 钉钉 group robot, or a generic signed webhook (the unit's own
system or a 政务微信 bridge). The administrator configures them per unit (`members.ChatChannel`); this module only
knows what it is handed, so linkage never imports members:

- `ChatTarget` (key, name, channel) travels on `Recipient.chat` — `members.recipients.unit_recipients` attaches the
  unit's active channels — and `notify` writes one `Delivery` per target per message (address = the target key);
- at send time the delivery's address is turned into a `ChatConfig` (URL, secret, text or markdown) by the resolver
  members registers at start-up (`register_resolver`), so secrets stay in one table and never in a delivery row.

Each gateway sends the delivery's idempotency key with every attempt (header `Idempotency-Key`; in the webhook's
body too), so a receiver that got a message before can drop the retry. Any failure — an error status, a robot's
`errcode` other than 0, no answer within `CHAT_GATEWAY_TIMEOUT` — raises, and `deliver` retries with backoff
exactly like SMS. The robots keep no status endpoint: a post whose answer was lost is posted again with the same
key (at least once; the signed webhook's receiver deduplicates, a robot group may show it twice)."""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

MAX_CONTENT_BYTES = 2000  # 企业微信 text is at most 2048 bytes; the other channels get the same cut


@dataclass(frozen=True)
class ChatTarget:
    key: str  # "chat:<id>": the Delivery's address
    name: str
    channel: str  # a chat DeliveryChannel value: wecom, dingtalk, webhook


@dataclass(frozen=True)
class ChatConfig:
    channel: str
    url: str
    secret: str = ""
    msgtype: str = "text"  # text or markdown (the robots); the webhook always sends JSON
    active: bool = True


class ChatSendError(Exception):
    pass


_resolver = None


def register_resolver(function):
    """Called once by the app that stores the channels: `function(address) -> ChatConfig | None`."""
    global _resolver
    _resolver = function


def resolve(address):
    if _resolver is None:
        raise ChatSendError("未配置工作群渠道解析")
    return _resolver(address)


def cut_bytes(text, limit=MAX_CONTENT_BYTES):
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def _post(url, payload, headers):
    request = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", **headers})
    timeout = settings.CHAT_GATEWAY_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.read()
    except TimeoutError as error:
        raise ChatSendError(f"{timeout} 秒内未应答") from error
    except urllib.error.HTTPError as error:
        raise ChatSendError(f"返回 {error.code}") from error
    except urllib.error.URLError as error:
        raise ChatSendError(f"无法连接：{error.reason}") from error


def _check_robot_answer(answer, name):
    try:
        result = json.loads(answer or b"{}")
    except ValueError as error:
        raise ChatSendError(f"{name}应答不是JSON") from error
    if result.get("errcode", 0) != 0:
        raise ChatSendError(f"{name}返回错误 {result.get('errcode')}：{result.get('errmsg', '')}"[:300])


class WeComRobotGateway:
    """企业微信 group robot: POST {"msgtype": "text"|"markdown", …} to its webhook URL (…/webhook/send?key=…)."""

    def send(self, config, subject, body, *, idempotency_key):
        if config.msgtype == "markdown":
            payload = {"msgtype": "markdown", "markdown": {"content": cut_bytes(f"**{subject}**\n{body}", 4000)}}
        else:
            payload = {"msgtype": "text", "text": {"content": cut_bytes(f"{subject}\n{body}")}}
        answer = _post(config.url, json.dumps(payload, ensure_ascii=False).encode(),
                       {"Idempotency-Key": idempotency_key})
        _check_robot_answer(answer, "企业微信")


def dingtalk_signed_url(url, secret, timestamp_ms):
    """The robot URL with the 加签 query: timestamp (ms) and sign = base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    sign = base64.b64encode(hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()).decode()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urllib.parse.urlencode({'timestamp': timestamp_ms, 'sign': sign})}"


class DingTalkRobotGateway:
    """钉钉 group robot: POST {"msgtype": "text"|"markdown", …} to …/robot/send?access_token=…, signed (加签) when
    the channel has a secret."""

    def send(self, config, subject, body, *, idempotency_key):
        if config.msgtype == "markdown":
            payload = {"msgtype": "markdown",
                       "markdown": {"title": subject[:60], "text": cut_bytes(f"#### {subject}\n\n{body}", 4000)}}
        else:
            payload = {"msgtype": "text", "text": {"content": cut_bytes(f"{subject}\n{body}")}}
        url = config.url
        if config.secret:
            url = dingtalk_signed_url(url, config.secret, int(time.time() * 1000))
        answer = _post(url, json.dumps(payload, ensure_ascii=False).encode(), {"Idempotency-Key": idempotency_key})
        _check_robot_answer(answer, "钉钉")


def webhook_signature(secret, timestamp, body):
    """hex HMAC-SHA256 of "<timestamp>.<body>" with the channel's secret (what the receiver recomputes)."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


class SignedWebhookGateway:
    """POST JSON {"idempotency_key", "title", "text"} with headers `X-Linkage-Timestamp` (Unix seconds),
    `X-Linkage-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and `Idempotency-Key`. The body is
    the same on every attempt; the receiver checks the signature (and the timestamp's freshness) and drops a key it
    has seen. Any 2xx is success."""

    def send(self, config, subject, body, *, idempotency_key):
        payload = json.dumps({"idempotency_key": idempotency_key, "title": subject, "text": body},
                             ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {"Idempotency-Key": idempotency_key, "X-Linkage-Timestamp": timestamp,
                   "X-Linkage-Signature": f"sha256={webhook_signature(config.secret, timestamp, payload)}"}
        _post(config.url, payload, headers)


def gateway_for(channel):
    path = settings.CHAT_GATEWAYS.get(channel)
    if not path:
        raise ChatSendError(f"未知的工作群渠道：{channel}")
    return import_string(path)()


def send_chat(delivery, idempotency_key):
    """Send one chat delivery: resolve its channel's configuration, then post through the channel's gateway."""
    config = resolve(delivery.address)
    if config is None or not config.active:
        raise ChatSendError("该工作群渠道已停用或不存在")
    gateway_for(config.channel).send(config, delivery.subject, delivery.body, idempotency_key=idempotency_key)
