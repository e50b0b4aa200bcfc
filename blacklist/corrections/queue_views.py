"""The court's priority queue of the list's errors (信用纠错优先办理): the full page; the home panel reads the same
selector (dashboard.views). Court staff only: anybody else gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .queue import priority_queue


@login_required
def priority_list(request):
    user = request.user
    if not user.is_court_staff:
        raise Http404
    return render(request, "blacklist/priority_queue.html",
                  {"queue": priority_queue(user.organisation_id, timezone.now())})
