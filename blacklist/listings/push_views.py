"""The in-app push of the list to joint-punishment units (issue 5 item 3): a liaison's page of every publish,
shield, unshield, delete, revoke, expiry and correction, newest first, each with its acknowledgement deadline (the
close of the 1st working day after the push, see `reminders`) and a button to acknowledge it. The same events are
the API feed (`/api/v1/listings/feed/`).

Liaisons only (anybody else: 404). A liaison whose unit has no joint-punishment duty sees an explanation and no
events. Pages are a keyset on the event id (`?before=`), so the page never counts the table. Each row shows the
listing as the unit received it at that event (the event's snapshot), as the feed does.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from linkage.forms import run_action
from linkage.workdays import TIMEZONE, WorkingCalendar
from members.selectors import jurisdiction_id_of

from . import selectors, services
from .reminders import PUSH_LABELS, acknowledgement_deadline

PUSHES_PER_PAGE = 50


def _liaison(request):
    if not request.user.is_liaison or not request.user.organisation_id:
        raise Http404
    return request.user


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _with_query(path, query):
    return f"{path}?{urlencode(query)}" if query else path


@login_required
def push_list(request):
    user = _liaison(request)
    joint = selectors.may_acknowledge(user)
    pending = request.GET.get("pending") == "1"
    before = _int_or_none(request.GET.get("before"))
    rows, older = [], None
    if joint:
        events = list(selectors.pushes_for_unit(user.organisation, pending_only=pending,
                                                before_id=before)[:PUSHES_PER_PAGE + 1])
        if len(events) > PUSHES_PER_PAGE:
            events = events[:PUSHES_PER_PAGE]
            older = events[-1].pk
        now = timezone.now()
        if events:
            days = [timezone.localtime(event.at, TIMEZONE).date() for event in events]
            calendar = WorkingCalendar.for_range(min(days), max(days) + datetime.timedelta(days=31))
        for event in events:
            acknowledgement = event.unit_acknowledgements[0] if event.unit_acknowledgements else None
            due_at = acknowledgement_deadline(event.at, calendar)
            done_at = acknowledgement.acknowledged_at if acknowledgement else now
            rows.append({"event": event, "listing": event.published_fields or event.listing,
                         "label": PUSH_LABELS.get(event.action, event.action),
                         "due_at": due_at, "acknowledgement": acknowledgement, "late": done_at > due_at})
    query = {"pending": "1"} if pending else {}
    return render(request, "blacklist/push_list.html", {
        "joint": joint, "rows": rows, "pending": pending,
        "older_url": _with_query("", {**query, "before": older}) if older else "",
        "back": _with_query(reverse("blacklist:push-list"), {**query, **({"before": before} if before else {})}),
    })


@login_required
@require_POST
def push_acknowledge(request, event_id):
    user = _liaison(request)
    event = get_object_or_404(selectors.pushed_events(jurisdiction_id_of(user)).select_related("listing"), pk=event_id)
    result, ok = run_action(request, services.acknowledge_event, actor=user, event=event)
    if ok:
        _acknowledgement, created = result
        label = PUSH_LABELS.get(event.action, event.action)
        messages.success(request, f"已签收：{event.listing.name}（{event.listing.case_number}）{label}。"
                         if created else "本单位已签收过该推送。")
    back = request.POST.get("next", "")
    if not back.startswith(reverse("blacklist:push-list")):
        back = reverse("blacklist:push-list")
    return redirect(back)
