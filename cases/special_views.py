"""The special-debtor notification tasks on the case's page: the addressee, the time limit, and the clerk's form to
name the body and record the sending (记录通报). Court staff and the committee read them; only a clerk of the case's
court acts, anybody else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from linkage.forms import first_error, run_action

from . import special
from .forms import SpecialNotificationForm
from .models import Case


def tasks_for_page(case, editable):
    """The case's tasks, each with `deadline`, `overdue` and, for the clerk, its `form`."""
    tasks = list(case.special_notifications.select_related("debtor", "done_by", "recipient_unit")
                 .order_by("created_at", "id"))
    deadlines = special.deadlines_of(tasks)
    for task in tasks:
        task.deadline = deadlines[task.pk]
        task.overdue = special.is_overdue(task, task.deadline)
        if editable and not task.is_done:
            task.form = SpecialNotificationForm(
                roster=special.roster_addressees(case.court.jurisdiction_id, task.kind), prefix=f"special{task.pk}",
                initial={"unit": task.recipient_unit_id, "name": "" if task.recipient_unit_id else task.recipient,
                         "level": task.recipient_level})
    return tasks


@login_required
@require_POST
def special_notification(request, pk, notification_id):
    """The clerk names the body to notify ("保存通报对象") or records the sending ("记录通报")."""
    user = request.user
    case = get_object_or_404(Case.objects.editable_by(user).select_related("court"), pk=pk)
    task = get_object_or_404(case.special_notifications.select_related("debtor"), pk=notification_id)
    form = SpecialNotificationForm(request.POST, roster=special.roster_addressees(case.court.jurisdiction_id,
                                                                                  task.kind),
                                   prefix=f"special{task.pk}")
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(reverse("cases:detail", args=[case.pk]) + "#special-notifications")
    data = form.cleaned_data
    addressee = {"unit": data["unit"], "name": data["name"], "level": data["level"]}
    if request.POST.get("action") == "address":
        updated, ok = run_action(request, special.set_addressee, actor=user, notification=task, **addressee)
        if ok:
            messages.success(request, f"已设定通报对象：{updated.recipient}。")
    else:
        if not (data["unit"] or data["name"].strip()):
            addressee = {}
        updated, ok = run_action(request, special.record_sending, actor=user, notification=task,
                                 sent_on=data["done_on"], method=data["method"],
                                 document_number=data["document_number"], note=data["note"], **addressee)
        if ok:
            messages.success(request, f"已记录：{task.debtor.name}已通报{updated.recipient}。")
    return redirect(reverse("cases:detail", args=[case.pk]) + "#special-notifications")
