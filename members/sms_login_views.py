"""The two pages of the grid liaisons' SMS login (members/sms_login.py has the rules): the mobile number, then the
code. Each client address is limited per minute on both (linkage/ratelimit.py, as the public pages are); the number
being asked about travels in the session from the first page to the second. A successful login is a long session
for the phone (SMS_LOGIN_SESSION_DAYS) and lands on the grid pages (GRID_HOME_URL)."""

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from linkage.audit import client_address
from linkage.errors import ApplicationError
from linkage.ratelimit import over_limit, retry_after

from . import sms_login

SESSION_KEY = "sms_login_mobile"
# The session of a grid liaison is held by Django's model backend (the password backends refuse nobody's session).
BACKEND = "django.contrib.auth.backends.ModelBackend"
TOO_MANY = "请求过于频繁，请稍后再试。"


def home_for(user):
    """Where a logged-in user is sent from the login pages: a grid liaison to the grid pages, others to the bench."""
    return settings.GRID_HOME_URL if getattr(user, "is_grid", False) else settings.LOGIN_REDIRECT_URL


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label="手机号码", max_length=20, error_messages={"required": "请填写手机号码。"},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel",
                                      "autofocus": True}))

    def clean_mobile(self):
        try:
            return sms_login.clean_mobile(self.cleaned_data["mobile"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error


class CodeForm(forms.Form):
    code = forms.CharField(
        label="短信验证码", max_length=6, error_messages={"required": "请填写短信验证码。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True,
                                      "pattern": "[0-9]{6}"}))

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not (len(code) == sms_login.CODE_DIGITS and code.isascii() and code.isdigit()):
            raise forms.ValidationError("验证码应为6位数字。")
        return code


def _limited(request, form, template, scope, per_minute, context=None):
    if not over_limit(request, scope=scope, per_minute=per_minute):
        return None
    form.add_error(None, TOO_MANY)
    response = render(request, template, {"form": form, **(context or {})}, status=429)
    response["Retry-After"] = retry_after()
    return response


@never_cache
@sensitive_post_parameters("mobile")
@require_http_methods(["GET", "POST"])
def request_page(request):
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    template = "registration/sms_login.html"
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limited = _limited(request, form, template, "sms-login-request", settings.SMS_LOGIN_RATE_PER_MINUTE)
        if limited:
            return limited
        try:
            sms_login.request_code(mobile=form.cleaned_data["mobile"], client_address=client_address(request))
        except ApplicationError as error:
            form.add_error("mobile", error.message)
        else:
            request.session[SESSION_KEY] = form.cleaned_data["mobile"]
            return redirect("sms-login-code")
    return render(request, template, {"form": form})


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def code_page(request):
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    mobile = request.session.get(SESSION_KEY)
    if not mobile:
        return redirect("sms-login")
    template = "registration/sms_login_code.html"
    context = {"masked_mobile": sms_login.masked(mobile), "minutes": settings.SMS_LOGIN_CODE_MINUTES}
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limited = _limited(request, form, template, "sms-login-check", settings.SMS_LOGIN_CHECK_RATE_PER_MINUTE,
                           context)
        if limited:
            return limited
        try:
            user = sms_login.check_code(mobile=mobile, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            login(request, user, backend=BACKEND)
            request.session.pop(SESSION_KEY, None)
            request.session.set_expiry(settings.SMS_LOGIN_SESSION_DAYS * 24 * 3600)
            return redirect(settings.GRID_HOME_URL)
    return render(request, template, {"form": form, **context})
