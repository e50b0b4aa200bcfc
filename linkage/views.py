from pathlib import Path

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import cache_control

from . import workdays
from .models import CalendarDay, CalendarYear
from .otp import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if getattr(self.request.user, "is_grid", False):  # logged in by SMS, back on this page: its own home
            from django.conf import settings

            return settings.GRID_HOME_URL
        return super().get_default_redirect_url()


class PasswordChangeView(auth_views.PasswordChangeView):
    """A user changes their own password (the old one, then the new one twice, checked by AUTH_PASSWORD_VALIDATORS).
    The session stays logged in; every API token of the user is revoked (linkage.tokens, on the password's change)."""

    template_name = "registration/change_password.html"
    success_url = reverse_lazy("password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"


RULE_CHOICES = [("working_days", "个工作日"), ("calendar_days", "日（自然日）"), ("hours", "小时")]


class DeadlineForm(forms.Form):
    start = forms.DateTimeField(label="起算时间（送达时间）", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    count = forms.IntegerField(label="期限", min_value=0, max_value=365)
    unit = forms.ChoiceField(label="单位", choices=RULE_CHOICES)


@login_required
def calendar(request):
    """The working-day calendar of a year, and a calculator that explains a deadline."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2004), today.year + 5)
    form = DeadlineForm(request.GET if "start" in request.GET else None)
    deadline = None
    if form.is_valid():
        start = form.cleaned_data["start"]
        count = form.cleaned_data["count"]
        compute = {
            "working_days": workdays.add_working_days,
            "calendar_days": workdays.add_calendar_days,
            "hours": workdays.add_hours,
        }[form.cleaned_data["unit"]]
        deadline = compute(start, count)
    return render(
        request,
        "calendar.html",
        {
            "year": year,
            "years": range(today.year - 2, today.year + 3),
            "days": CalendarDay.objects.filter(date__year=year),
            "known": CalendarYear.objects.filter(year=year).first(),
            "last_known_year": workdays.last_known_year(),
            "form": form,
            "deadline": deadline,
        },
    )


FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"


@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page links (the pages link /static/favicon.ico)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
