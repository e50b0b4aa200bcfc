"""The grid liaisons' login by mobile number and an SMS code (issue 25): a light account has no password (it is
unusable) and no A/B pair, only the phone registered for it.

`request_code` records a row for every well-formed number asked for (members/sms_login_models.py) and sends a 6-digit
code (`secrets`) at once through the SMS gateway (`linkage.notify.sms_gateway()`, not queued: the person is waiting)
only when the number belongs to exactly one active grid liaison whose community and subdistrict are active. Its
answer, its limits and `check_code`'s answers are the same for a number nobody has, so the pages tell nobody which
numbers are known. A number gets one code per SMS_LOGIN_RESEND_SECONDS and SMS_LOGIN_DAILY_LIMIT a day (the pages
also limit each client address, linkage/ratelimit.py); a newer code supersedes the older one. A code lives
SMS_LOGIN_CODE_MINUTES, allows SMS_LOGIN_MAX_ATTEMPTS wrong tries and works once. Only a keyed hash of it is stored.

The codes are not a `linkage.statemachine.Machine`: nobody acts on them but the anonymous person at the phone, so
there is no actor to check; each service still locks (the number, by an advisory lock, or the row), checks the state
and saves in one transaction.
"""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from linkage.errors import ApplicationError
from linkage.notify import sms_gateway

from .models import User, UserRole
from .sms_login_models import SmsLoginCode, SmsLoginCodeState
from .validators import MOBILE_RE

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
BAD_MOBILE = "手机号码应为以1开头的11位数字。"
NO_CODE = "请先获取短信验证码。"
EXPIRED = "验证码已过期，请重新获取。"
USED = "该验证码已使用过，请重新获取。"
LOCKED = "验证码错误次数过多，已失效，请重新获取。"
ACCOUNT_GONE = "该网格员账户已停用或所在村（居）委会已撤销，无法登录；请联系街道（镇）或系统管理员。"


def clean_mobile(value):
    """The number without spaces or dashes, checked against MOBILE_RE; else ApplicationError."""
    mobile = (value or "").strip().replace(" ", "").replace("-", "")
    if not MOBILE_RE.match(mobile):
        raise ApplicationError(BAD_MOBILE, field="mobile")
    return mobile


def masked(mobile):
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else mobile


def eligible_grid_liaisons(mobile):
    """The active grid liaisons of this number whose community and subdistrict are active."""
    return User.objects.filter(
        mobile=mobile, role=UserRole.GRID, is_active=True, community__active=True,
        community__subdistrict__active=True, organisation__active=True,
    )


def _hash(row, code):
    return salted_hmac("members.sms_login", f"{row.idempotency_key}:{code}", algorithm="sha256").hexdigest()


def _lock_number(mobile):
    """Serialise the requests of one number (two at once must not both pass the resend limit): a transaction-level
    advisory lock on PostgreSQL; SQLite (the embedded default of `scripts/run`) takes the database's write lock when
    the transaction writes, and has no advisory locks."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"sms-login:{mobile}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _check_limits(mobile, now):
    recent = SmsLoginCode.objects.of_mobile(mobile).filter(created_at__gt=now - datetime.timedelta(days=1))
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    wait = settings.SMS_LOGIN_RESEND_SECONDS
    if last is not None and (now - last).total_seconds() < wait:
        remaining = wait - int((now - last).total_seconds())
        raise ApplicationError(f"验证码已发送，请{remaining}秒后再重新获取。", field="mobile")
    if recent.count() >= settings.SMS_LOGIN_DAILY_LIMIT:
        raise ApplicationError("该号码今日获取验证码的次数已达上限，请明天再试或联系系统管理员。", field="mobile")


def request_code(*, mobile, client_address=None, now=None):
    """Record a code request for `mobile` and, when it is one eligible grid liaison's, send the code now. Returns the
    row. Raises ApplicationError for a malformed number or a number over its limits (the same for every number).
    A gateway failure is logged and marks the row failed; the answer stays the same (the person asks again)."""
    mobile = clean_mobile(mobile)
    now = now or timezone.now()
    code = None
    with transaction.atomic():
        _lock_number(mobile)
        _check_limits(mobile, now)
        users = list(eligible_grid_liaisons(mobile)[:2])
        if len(users) > 1:
            logger.warning("SMS login: %s belongs to more than one grid liaison; no code sent", masked(mobile))
        row = SmsLoginCode(mobile=mobile, client_address=client_address or None, created_at=now,
                           expires_at=now + datetime.timedelta(minutes=settings.SMS_LOGIN_CODE_MINUTES))
        if len(users) == 1:
            code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
            row.user, row.state, row.code_hash = users[0], SmsLoginCodeState.PENDING, _hash(row, code)
            SmsLoginCode.objects.of_mobile(mobile).pending().update(state=SmsLoginCodeState.SUPERSEDED)
        else:
            row.state = SmsLoginCodeState.NOT_SENT
        row.save()
    if code is not None:
        text = (f"【执行联动】您的网格员登录验证码为{code}，{settings.SMS_LOGIN_CODE_MINUTES}分钟内有效。"
                "请勿告诉他人；如非本人操作，请忽略本短信。")
        try:
            sms_gateway().send(mobile, text, idempotency_key=str(row.idempotency_key))
        except Exception:  # any gateway failure: the row says so, the person asks again after the wait
            logger.exception("SMS login code to %s could not be sent", masked(mobile))
            SmsLoginCode.objects.filter(pk=row.pk, state=SmsLoginCodeState.PENDING).update(
                state=SmsLoginCodeState.FAILED)
    return row


def check_code(*, mobile, code, now=None):
    """The grid liaison the latest code of `mobile` was sent to, when `code` is that code, still pending and in time;
    the row is marked used. Otherwise an ApplicationError (a wrong code is counted, and past the limit the code is
    dead). A number nobody has answers like a known number given a wrong code."""
    mobile = clean_mobile(mobile)
    code = (code or "").strip()
    now = now or timezone.now()
    limit = settings.SMS_LOGIN_MAX_ATTEMPTS
    with transaction.atomic():
        row = (SmsLoginCode.objects.select_for_update().of_mobile(mobile)
               .exclude(state=SmsLoginCodeState.SUPERSEDED).order_by("-created_at", "-id").first())
        if row is None:
            raise ApplicationError(NO_CODE, field="code")
        if row.state == SmsLoginCodeState.USED:
            raise ApplicationError(USED, field="code")
        if row.is_expired(now):
            raise ApplicationError(EXPIRED, field="code")
        if row.state == SmsLoginCodeState.LOCKED or row.attempts >= limit:
            raise ApplicationError(LOCKED, field="code")
        right = (row.state == SmsLoginCodeState.PENDING and len(code) == CODE_DIGITS
                 and constant_time_compare(row.code_hash, _hash(row, code)))
        if right:
            user = eligible_grid_liaisons(mobile).filter(pk=row.user_id).first()
            row.state, row.used_at = SmsLoginCodeState.USED, now
            row.save(update_fields=["state", "used_at"])
        else:
            row.attempts += 1
            if row.attempts >= limit and row.state == SmsLoginCodeState.PENDING:
                row.state = SmsLoginCodeState.LOCKED
            row.save(update_fields=["attempts", "state"])
    # Raised after the transaction, so the counted attempt is kept.
    if not right:
        left = limit - row.attempts
        raise ApplicationError(f"验证码错误，还可尝试{left}次。" if left > 0 else LOCKED, field="code")
    if user is None:
        raise ApplicationError(ACCOUNT_GONE, field="code")
    return user
