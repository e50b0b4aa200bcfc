from pathlib import Path

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import cache_control

from assistance import selectors as notice_selectors
from members import selectors as member_selectors
from members.models import Organisation

from . import workdays
from .models import CalendarDay, CalendarYear, Delivery, DeliveryState
from .otp import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """A user changes their own password (the old one, then the new one twice, checked by AUTH_PASSWORD_VALIDATORS).
    The session stays logged in; every API token of the user is revoked (linkage.tokens, on the password's change)."""

    template_name = "registration/change_password.html"
    success_url = reverse_lazy("password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"


@login_required
def home(request):
    """Each role's work bench: what is waiting for this user."""
    user = request.user
    today = timezone.localdate()
    context = {"today": today, "now": timezone.now()}
    if user.is_committee or user.is_administrator:
        context["pending_changes"] = member_selectors.pending_change_requests_for(user)[:10]
        context["pending_changes_count"] = member_selectors.pending_change_requests_for(user).count()
        units = Organisation.objects.active().member_units()
        if user.is_committee and not user.is_administrator:  # a committee follows its own jurisdiction's units
            units = units.filter(jurisdiction_id=member_selectors.jurisdiction_id_of(user))
        context["incomplete_units"] = list(units.incomplete()[:10])
        context["incomplete_count"] = units.incomplete().count()
    if user.is_administrator:
        last_year = workdays.last_known_year()
        context["calendar_last_year"] = last_year
        context["calendar_next_missing"] = last_year is None or last_year < today.year + 1
        context["failed_deliveries"] = Delivery.objects.filter(state=DeliveryState.FAILED).count()
        # Unknown sends the status checks could not settle: never re-sent by the app, so a person must look.
        context["unknown_deliveries"] = Delivery.objects.filter(state=DeliveryState.UNKNOWN,
                                                                next_attempt_at__isnull=True).count()
    if user.is_liaison:
        context["own_unit"] = (
            member_selectors.roster(include_inactive=True).filter(pk=user.organisation_id).first()
        )
        context["own_changes"] = member_selectors.change_requests_visible_to(user)[:5]
        context["inbox_counts"] = notice_selectors.inbox_counts(user)
    if user.is_court_staff:
        context["court_work"] = notice_selectors.court_workload(user)
        from blacklist.listings.services import removal_breaches
        from blacklist.models import Listing

        context["removals_due"] = list(
            Listing.objects.filter(court_id=user.organisation_id, state__in=["published", "shielded"],
                                   removal_due_at__isnull=False).order_by("removal_due_at")[:10]
        )
        context["removal_breach_count"] = removal_breaches(court_id=user.organisation_id).count()
    if user.is_committee:
        context["overdue_by_unit"] = notice_selectors.overdue_by_unit(user)
    return render(request, "home.html", context)


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
