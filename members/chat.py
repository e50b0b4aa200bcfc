"""The units' work-chat channels as linkage sees them: `chat_targets(organisation_ids)` for the recipients of a
message to units, and `chat_config(address)` — registered with linkage.chat at start-up — for the gateway at send
time. Plus the masking of what the administrator must not read back (robot keys in URLs, secrets)."""

import urllib.parse
from collections import defaultdict

from linkage.chat import ChatConfig, ChatTarget

from .models import ChatChannel

PREFIX = "chat:"


def chat_targets(organisation_ids):
    """{organisation id: (ChatTarget, …)} of the active channels of these active units (one query)."""
    targets = defaultdict(tuple)
    for channel in ChatChannel.objects.filter(organisation_id__in=list(organisation_ids), active=True,
                                              organisation__active=True).order_by("id"):
        targets[channel.organisation_id] += (ChatTarget(key=channel.address, name=channel.name, channel=channel.kind),)
    return targets


def chat_config(address):
    """The configuration behind a delivery's address "chat:<id>", or None when there is no such channel."""
    if not address.startswith(PREFIX) or not address[len(PREFIX):].isdigit():
        return None
    channel = ChatChannel.objects.select_related("organisation").filter(pk=int(address[len(PREFIX):])).first()
    if channel is None:
        return None
    return ChatConfig(channel=channel.kind, url=channel.url, secret=channel.secret, msgtype=channel.msgtype,
                      active=channel.active and channel.organisation.active)


def mask(secret):
    """Enough to recognise a secret, never enough to use it: "SEC1…89（共40位）"."""
    if not secret:
        return "（未设置）"
    if len(secret) <= 8:
        return f"{'*' * len(secret)}（共{len(secret)}位）"
    return f"{secret[:4]}…{secret[-2:]}（共{len(secret)}位）"


def mask_url(url):
    """The URL with every query value masked (企业微信 key, 钉钉 access_token)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    query = "&".join(f"{name}={mask(value)}" for name, value in urllib.parse.parse_qsl(parts.query,
                                                                                        keep_blank_values=True))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
