"""The optional second factor: a time-based one-time password (TOTP, RFC 6238) from an authenticator app.

A user who has enrolled (``/accounts/otp/``) must give the app's current 6-digit code with the password, on the login
page, the admin's login page and the API's token endpoint alike; a user who has not logs in with the password alone,
except that a role listed in LINKAGE_OTP_REQUIRED_ROLES is sent to enrol first and gets no API token until it has. Enrolling shows a QR code (and the key, for typing in), and takes effect
once the user has typed one correct code. Turning it off needs a current code too. django-otp throttles wrong codes.
"""

import base64
import io

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image
from django_otp.util import random_hex

DEVICE_NAME = "验证器应用"


def _confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _check_code(device, code):
    """None when the code is right; else a Chinese message (wrong, or throttled after repeated wrong codes)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return "动态口令错误次数过多，请稍后再试。"
    if not device.verify_token((code or "").strip()):
        return "动态口令错误或已过期，请输入验证器应用当前显示的6位数字。"
    return None


def enrolment_required(user):
    """Whether the user's role must use the second factor (LINKAGE_OTP_REQUIRED_ROLES: "administrator" — the admin
    role or a superuser —, "committee", "leader", "clerk", "liaison")."""
    from django.conf import settings

    roles = set(settings.LINKAGE_OTP_REQUIRED_ROLES)
    if not roles or user is None or not user.is_authenticated or getattr(user, "is_grid", False):
        return False  # a grid liaison proves who they are by the SMS code to their phone (members/sms_login.py)
    if "administrator" in roles and (getattr(user, "is_administrator", False) or user.is_superuser):
        return True
    return getattr(user, "role", None) in roles


ENROL_FIRST = "您的账户须启用双重验证后才能使用本系统：请登录网页，在“双重验证”页面绑定验证器应用。"


def second_factor_problem(user, code, *, api=False):
    """None when the user may be let in with this one-time code (or without one, when they have no device); else a
    Chinese message. A page login of a user who must enrol but has not is let in (EnrolmentMiddleware then sends
    them to enrol); the API refuses them a token (api=True). Sets user.otp_device, so django-otp marks the session
    verified at login."""
    device = _confirmed_device(user)
    if device is None:
        return ENROL_FIRST if api and enrolment_required(user) else None
    if not code:
        return "此账户已启用双重验证，请同时填写验证器应用显示的6位动态口令。"
    problem = _check_code(device, code)
    if problem is None:
        user.otp_device = device
    return problem


class SecondFactorMixin:
    """The one-time code, checked after the password by the login page and the admin's login alike."""

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            problem = second_factor_problem(user, cleaned.get("otp_token"))
            if problem:
                raise forms.ValidationError(problem, code="otp_invalid")
        return cleaned


def _otp_field(*, required=False):
    return forms.CharField(label="动态口令", required=required, max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


GRID_USE_SMS = "网格员账户不能用密码登录：请使用“网格员短信登录”，以登记的手机号码和短信验证码登录。"


class LoginForm(SecondFactorMixin, AuthenticationForm):
    otp_token = _otp_field()

    def confirm_login_allowed(self, user):
        """A grid liaison logs in only by SMS code (its password is unusable; one an administrator set is refused)."""
        super().confirm_login_allowed(user)
        if getattr(user, "is_grid", False):
            raise forms.ValidationError(GRID_USE_SMS, code="grid_sms_only")


class AdminLoginForm(SecondFactorMixin, AdminAuthenticationForm):
    """/admin/login/: the same password and one-time code as the login page (admin.site.login_form)."""

    otp_token = _otp_field()


class EnrolmentMiddleware:
    """A logged-in user whose role must use the second factor (LINKAGE_OTP_REQUIRED_ROLES) and who has no confirmed
    device is sent to enrol before anything else (the API answers 403 in Chinese)."""

    ALLOWED = ("/accounts/otp/", "/accounts/logout/", "/accounts/password/", "/static/", "/favicon.ico",
               "/admin/logout/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and enrolment_required(user) and not request.path.startswith(self.ALLOWED)
                and not (hasattr(user, "is_verified") and user.is_verified())  # logged in with a code: enrolled
                and _confirmed_device(user) is None):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": ENROL_FIRST}, status=403)
            messages.warning(request, "您的账户角色要求启用双重验证：请先绑定验证器应用。")
            return redirect("otp-settings")
        return self.get_response(request)


class CodeForm(forms.Form):
    otp_token = _otp_field(required=True)


def _pending_device(user):
    """The user's not-yet-confirmed device, made with a fresh key if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    user = request.user
    device = _confirmed_device(user)
    form = CodeForm(request.POST or None)
    if device is None:
        pending = _pending_device(user)
        if request.method == "POST" and form.is_valid():
            problem = _check_code(pending, form.cleaned_data["otp_token"])
            if problem:
                form.add_error("otp_token", problem)
            else:
                with transaction.atomic():
                    pending.confirmed = True
                    pending.save(update_fields=["confirmed"])
                messages.success(request, "已启用双重验证：以后登录须同时输入验证器应用的动态口令。")
                return redirect("otp-settings")
        return render(request, "registration/otp_settings.html", {
            "enabled": False, "form": form, "secret": _base32(pending.bin_key),
        })
    if request.method == "POST" and form.is_valid():
        problem = _check_code(device, form.cleaned_data["otp_token"])
        if problem:
            form.add_error("otp_token", problem)
        else:
            with transaction.atomic():  # kept, not deleted: unconfirmed, with a new key for a later enrolment
                device.confirmed = False
                device.key = random_hex(20)
                device.save(update_fields=["confirmed", "key"])
            messages.success(request, "已停用双重验证。")
            return redirect("otp-settings")
    return render(request, "registration/otp_settings.html", {"enabled": True, "form": form})


@login_required
def qr_code(request):
    """The QR code of the pending enrolment's otpauth:// address, as SVG (an image of the app's own, no CDN)."""
    if _confirmed_device(request.user) is not None:
        return HttpResponse(status=404)
    device = _pending_device(request.user)
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


def _base32(binary):
    """The key as authenticator apps take it typed in (base32, in groups of four)."""
    text = base64.b32encode(binary).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked-out login: the page in Chinese with HTTP 429 (the API gets JSON)."""
    from django.conf import settings
    from django.http import JsonResponse

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if getattr(request, "linkage_account_locked", False):  # linkage.lockout: too many failures from any address
        message = f"该账户近期登录失败次数过多，已暂停登录{minutes}分钟；请稍后再试，或联系系统管理员解除锁定。"
    else:
        message = f"该账户从此地址连续登录失败次数过多，已暂停登录{minutes}分钟；请稍后再试，或联系系统管理员解除锁定。"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
