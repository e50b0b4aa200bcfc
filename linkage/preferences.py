"""Each user's notification preferences, with defaults for whoever set nothing (and for roster contacts without an
account): every channel on, the digest as the kinds registry says, quiet hours as `NOTIFY_DEFAULT_QUIET_HOURS`
("" = none; e.g. "22:00-07:30"). Quiet hours are local time (Asia/Shanghai); a span past midnight wraps.

`preferences_for(user_ids)` loads the rows of all recipients in one query — `notify_many` calls it once per batch."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .kinds import kind_info
from .models import NotificationPreference
from .workdays import TIMEZONE

CHANNELS = ("email", "sms", "chat")


def parse_quiet_hours(text):
    """"22:00-07:30" → (time(22, 0), time(7, 30)); "" → None. A malformed value is a configuration error."""
    text = (text or "").strip()
    if not text:
        return None
    start, end = (datetime.time.fromisoformat(part.strip()) for part in text.split("-", 1))
    return (start, end) if start != end else None


@dataclass(frozen=True)
class Preferences:
    kinds: dict = field(default_factory=dict)
    quiet: tuple | None = None  # (start, end) local times, or None

    def wants(self, kind, channel):
        if kind_info(kind).every_channel:  # an alarm (紧急出警): not the user's to turn off
            return True
        choice = self.kinds.get(kind, {})
        return bool(choice.get(channel, True))

    def digest(self, kind):
        choice = self.kinds.get(kind, {})
        return bool(choice.get("digest", kind_info(kind).digest))

    def quiet_until(self, now=None):
        """The end of the quiet hours `now` falls in (an aware datetime), or None when it is not quiet now."""
        return quiet_until(self.quiet, now)


def quiet_until(quiet, now=None):
    if not quiet:
        return None
    start, end = quiet
    local = timezone.localtime(now or timezone.now(), TIMEZONE)
    moment = local.time()
    if start < end:  # e.g. 12:00-14:00, within one day
        inside, end_day = start <= moment < end, local.date()
    elif moment >= start:  # e.g. 22:00-07:30, before midnight
        inside, end_day = True, local.date() + datetime.timedelta(days=1)
    else:  # after midnight
        inside, end_day = moment < end, local.date()
    if not inside:
        return None
    return datetime.datetime.combine(end_day, end, tzinfo=TIMEZONE)


def default_preferences():
    return Preferences(quiet=parse_quiet_hours(settings.NOTIFY_DEFAULT_QUIET_HOURS))


def from_row(row):
    if row is None:
        return default_preferences()
    quiet = None
    if row.quiet_hours_enabled and row.quiet_start and row.quiet_end and row.quiet_start != row.quiet_end:
        quiet = (row.quiet_start, row.quiet_end)
    return Preferences(kinds=dict(row.kinds or {}), quiet=quiet)


def preferences_for(user_ids):
    """{user id: Preferences} for these accounts, in one query; users without a row get the defaults."""
    user_ids = {pk for pk in user_ids if pk}
    rows = {row.user_id: row for row in NotificationPreference.objects.filter(user_id__in=user_ids)} if user_ids else {}
    default = default_preferences()
    return {pk: from_row(rows[pk]) if pk in rows else default for pk in user_ids}


@transaction.atomic
def save_preferences(*, user, quiet_hours_enabled, quiet_start, quiet_end, choices):
    """A user's own preferences, replaced as a whole: `choices` is {kind: {"email", "sms", "chat", "digest": bool}};
    only the kinds that differ from the defaults are stored. Quiet hours need a start and an end that differ."""
    from .errors import ApplicationError
    from .kinds import KINDS

    if quiet_hours_enabled:
        if not quiet_start or not quiet_end:
            raise ApplicationError("启用免打扰时段时，请填写开始和结束时间。", field="quiet_start")
        if quiet_start == quiet_end:
            raise ApplicationError("免打扰的开始和结束时间不能相同。", field="quiet_end")
    stored = {}
    for code, choice in choices.items():
        if code not in KINDS:
            raise ApplicationError(f"未知的通知类别：{code}")
        defaults = {"email": True, "sms": True, "chat": True, "digest": KINDS[code].digest}
        changed = {name: bool(choice.get(name, value)) for name, value in defaults.items()}
        if changed != defaults:
            stored[code] = changed
    row, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    row.quiet_hours_enabled = bool(quiet_hours_enabled)
    row.quiet_start, row.quiet_end = (quiet_start, quiet_end) if quiet_hours_enabled else (row.quiet_start,
                                                                                            row.quiet_end)
    row.kinds = stored
    row.save()
    return row
