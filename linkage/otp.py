"""The optional second factor: a time-based one-time password (TOTP, RFC 6238) from an authenticator app.

A user who has enrolled (``/accounts/otp/``) must give the app's current 6-digit code with the password; a user who
has not logs in with the password alone. Enrolling shows a QR code (and the key, for typing in), and takes effect
once the user has typed one correct code. Turning it off needs a current code too. django-otp throttles wrong codes.
"""

import base64
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device
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


class LoginForm(AuthenticationForm):
    otp_token = forms.CharField(label="动态口令", required=False, max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            device = _confirmed_device(user)
            code = cleaned.get("otp_token")
            if not code:
                raise forms.ValidationError("此账户已启用双重验证，请同时填写验证器应用显示的6位动态口令。",
                                            code="otp_required")
            problem = _check_code(device, code)
            if problem:
                raise forms.ValidationError(problem, code="otp_invalid")
            user.otp_device = device  # django-otp records the verified device in the session at login
        return cleaned


class CodeForm(forms.Form):
    otp_token = forms.CharField(label="动态口令", max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


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
    message = f"该账户从此地址连续登录失败次数过多，已暂停登录{minutes}分钟；请稍后再试，或联系系统管理员解除锁定。"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
