"""The case page's 「网格协助」 section (the cases app never imports grid): the case's grid tasks the reader may see,
read through the relation (`case.grid_tasks.visible_to`), each with its answer in Chinese, its photos and, for the
case's court, the cancel and 转公安查控 buttons; and the link to send one."""

from django import template
from django.db.models import Prefetch
from django.utils import timezone

from .. import services
from ..display import decorate
from ..forms import CancelForm
from ..machine import GRID_TASK
from ..models import GridTaskPhoto

register = template.Library()


@register.inclusion_tag("grid/_case_section.html")
def grid_section(case, user):
    own_court = user.is_court_staff and user.organisation_id == case.court_id
    tasks = list(case.grid_tasks.visible_to(user).select_related("community__subdistrict", "party").prefetch_related(
        Prefetch("photos", queryset=GridTaskPhoto.objects.order_by("uploaded_at", "id")),
    ).order_by("-sent_at", "-id"))
    decorate(tasks, timezone.localdate())
    for task in tasks:
        task.may_cancel = GRID_TASK.may(user, task, "cancel")
        task.cancel_form = CancelForm(prefix=f"cancel{task.pk}") if task.may_cancel else None
        task.may_forward = own_court and services.may_forward(user, task)
    return {
        "case": case,
        "tasks": tasks,
        "may_send": own_court and case.is_open,
        "shown": bool(tasks) or own_court,
    }
