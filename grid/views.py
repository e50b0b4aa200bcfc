"""The grid pages. The grid liaison's phone pages (`/grid/`, a task and its reply form); the court's 发送网格协助 form;
the task's page for whoever may see it (the court, the subdistrict, the committee: history, answer and photos); the
photos, served only to those who may see their task. Whatever a user may not see is a 404 (`visible_to`), and every
change is a service of grid/services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.models import Case
from linkage.forms import first_error, run_action, run_service

from . import services
from .display import answer_lines, decorate
from .forms import CancelForm, SendTaskForm, answer_form, send_initial
from .machine import GRID_TASK
from .models import GridTask, GridTaskPhoto, GridTaskState

HOME_LIMIT = 200  # a grid liaison's community has a handful; court staff read theirs on the case pages


def _tasks(user):
    return GridTask.objects.visible_to(user).select_related("case", "community__subdistrict", "party", "court")


def _task_or_404(user, pk):
    return get_object_or_404(_tasks(user), pk=pk)


@login_required
def home(request):
    """网格协助事项: the tasks the user may see, open first (soonest due first), then answered and cancelled."""
    today = timezone.localdate()
    order = models.Case(models.When(state=GridTaskState.SENT, then=models.Value(0)), default=models.Value(1),
                        output_field=models.IntegerField())
    tasks = list(_tasks(request.user).annotate(open_first=order).order_by("open_first", "due_on", "-sent_at", "-id")
                 [:HOME_LIMIT])
    decorate(tasks, today)
    return render(request, "grid/home.html", {
        "open_tasks": [t for t in tasks if t.state == GridTaskState.SENT],
        "closed_tasks": [t for t in tasks if t.state != GridTaskState.SENT],
        "nav_section": "grid",
    })


def _may_answer(user, task):
    return "answer" in GRID_TASK.actions_for(user, task)


def _task_page(request, task, *, form=None, cancel_form=None, status=200):
    user = request.user
    today = timezone.localdate()
    may_answer = _may_answer(user, task)
    may_cancel = "cancel" in GRID_TASK.actions_for(user, task)
    decorate([task], today)
    events = list(task.events.select_related("actor").order_by("at", "id"))
    return render(request, "grid/task.html", {
        "task": task,
        "events": events,
        "photos": list(task.photos.order_by("uploaded_at", "id")),
        "lines": answer_lines(task),
        "form": (form or answer_form(task)) if may_answer else None,
        "cancel_form": (cancel_form or CancelForm(prefix=f"cancel{task.pk}")) if may_cancel else None,
        "may_forward": services.may_forward(user, task),
        "is_grid": user.is_grid,
        "nav_section": "grid",
    }, status=status)


@login_required
def task_detail(request, pk):
    """A task. Its grid liaison opening it marks it viewed and gets the reply form of its kind (POST answers);
    the court, the subdistrict and the committee read it with its history, answer and photos."""
    user = request.user
    task = _task_or_404(user, pk)
    if request.method == "POST":
        return _answer(request, task)
    if user.is_grid and task.state == GridTaskState.SENT and task.viewed_at is None:
        viewed, _ = run_action(request, services.mark_viewed, actor=user, task=task)
        task = viewed or task
    return _task_page(request, task)


def _answer(request, task):
    user = request.user
    if not _may_answer(user, task):
        messages.error(request, "该事项当前不能回复。" if user.is_grid else "只有该村（居）委会的网格员可以回复。")
        return redirect("grid:task", pk=task.pk)
    form = answer_form(task, request.POST, request.FILES)
    if form.is_valid():
        answered = run_service(form, services.answer_task, actor=user, task=task, answer=form.answer(),
                               photos=form.photos())
        if answered is not None:
            messages.success(request, "已回复，法院可在案件中查看。")
            return redirect("grid:task", pk=task.pk)
    messages.error(request, first_error(form))
    return _task_page(request, task, form=form, status=400)


def _back_to_case(task):
    return redirect(reverse("cases:detail", args=[task.case_id]) + "#grid-tasks")


@login_required
@require_POST
def task_cancel(request, pk):
    """The court withdraws an open task, with a reason."""
    user = request.user
    task = _task_or_404(user, pk)
    form = CancelForm(request.POST, prefix=f"cancel{task.pk}")
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back_to_case(task) if user.is_court_staff else redirect("grid:task", pk=task.pk)
    _, ok = run_action(request, services.cancel_task, actor=user, task=task, reason=form.cleaned_data["reason"])
    if ok:
        messages.success(request, f"已撤回：{task.get_kind_display()}（{task.community}）。")
    return _back_to_case(task) if user.is_court_staff else redirect("grid:task", pk=task.pk)


@login_required
@require_POST
def task_forward(request, pk):
    """The court records a found debtor's whereabouts on the police's open locate tracking (转公安查控)."""
    user = request.user
    task = _task_or_404(user, pk)
    _, ok = run_action(request, services.forward_finding, actor=user, task=task)
    if ok:
        messages.success(request, "已将网格员查找到的下落转公安查控。")
    return _back_to_case(task) if user.is_court_staff else redirect("grid:task", pk=task.pk)


@login_required
def photo(request, pk):
    """A reply's photo, to those who may see its task only (404 otherwise), as stored and never sniffed."""
    item = get_object_or_404(GridTaskPhoto.objects.filter(task__in=GridTask.objects.visible_to(request.user)), pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _case_of_court(user, pk):
    """A case of the user's own court (clerk or leader): only they send a grid task on it; anybody else 404."""
    if not user.is_court_staff:
        raise Http404
    return get_object_or_404(Case.objects.select_related("court"), pk=pk, court_id=user.organisation_id)


@login_required
def send(request, pk):
    """发送网格协助: the court sends a task on its case to a community (the debtor's, by default)."""
    user = request.user
    case = _case_of_court(user, pk)
    if request.method == "POST":
        form = SendTaskForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            task = run_service(form, services.send_task, actor=user, case=case, **data)
            if task is not None:
                messages.success(request, f"已发送：{task.get_kind_display()}（{task.community}），"
                                          f"请于{task.due_on:%Y年%m月%d日}前回复。")
                return _back_to_case(task)
        messages.error(request, first_error(form))
        status = 400
    else:
        form = SendTaskForm(initial=send_initial(case, request.GET.get("party")), case=case)
        status = 200
    return render(request, "grid/send.html", {"case": case, "form": form, "nav_section": "cases"}, status=status)
