"""Urgent dispatch pages, phone first: the clerk's short form under the case ("紧急出警"), the request's page with
one big button for the police liaison ("已接警", then "已到场") and the clerk's close. Whoever may not see the case
or the request gets a 404."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases.forms import BootstrapFormMixin
from cases.models import Case
from linkage.forms import run_action

from ..dispatch import DISPATCH_MACHINE
from ..dispatch_models import PLACE_MAX, SITUATION_MAX, DispatchRequest
from ..services import dispatch as services
from .common import call, first_error


class DispatchForm(BootstrapFormMixin, forms.Form):
    place = forms.CharField(label="现场地点", max_length=PLACE_MAX,
                            widget=forms.TextInput(attrs={"placeholder": "如：荔湾区某街某号某小区3栋"}),
                            error_messages={"required": "请填写现场地点。"})
    situation = forms.CharField(label="现场情况", required=False, max_length=SITUATION_MAX,
                                widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：被执行人亲属围堵、推搡执行人员"}))
    confirm = forms.BooleanField(label="确认现场遭遇暴力抗拒执行，请求公安机关立即出警",
                                 error_messages={"required": "请勾选确认后发送。"})


class CloseForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="处置情况", max_length=SITUATION_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写处置情况。"})


def _visible(user, pk):
    return get_object_or_404(DispatchRequest.objects.visible_to(user).select_related(
        "case", "court", "police", "requested_by", "acknowledged_by", "arrived_by", "closed_by"), pk=pk)


@login_required
def dispatch_new(request, case_id):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("court"), pk=case_id)
    user = request.user
    if not (user.is_clerk and user.organisation_id == case.court_id):
        raise Http404
    form = DispatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dispatch = call(form, services.request_dispatch, actor=user, case=case, place=form.cleaned_data["place"],
                        situation=form.cleaned_data["situation"])
        if dispatch is not None:
            messages.success(request, f"已向{dispatch.police.name}发出出警请求，已短信、工作群通知其A角、B角和负责人。")
            return redirect("assistance:dispatch-detail", pk=dispatch.pk)
    return render(request, "assistance/dispatch_form.html",
                  {"case": case, "form": form, "police": services.police_unit_for(case),
                   "ack_minutes": settings.DISPATCH_ACK_MINUTES},
                  status=400 if request.method == "POST" else 200)


@login_required
def dispatch_detail(request, pk):
    dispatch = _visible(request.user, pk)
    actions = [name for name in DISPATCH_MACHINE.actions_for(request.user, dispatch) if name != "escalate"]
    return render(request, "assistance/dispatch_detail.html", {
        "dispatch": dispatch, "actions": actions, "close_form": CloseForm(),
        "events": dispatch.events.select_related("actor").order_by("at", "id"),
    })


@login_required
@require_POST
def dispatch_action(request, pk, name):
    dispatch = _visible(request.user, pk)
    if name == "close":
        form = CloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return redirect("assistance:dispatch-detail", pk=dispatch.pk)
        _, done = run_action(request, services.close_dispatch, actor=request.user, dispatch=dispatch,
                             note=form.cleaned_data["note"])
        success = "出警请求已结束。"
    elif name == "acknowledge":
        _, done = run_action(request, services.acknowledge_dispatch, actor=request.user, dispatch=dispatch)
        success = "已接警，已通知请求的执行员。到场后请点击“已到场”。"
    elif name == "arrive":
        _, done = run_action(request, services.arrive_dispatch, actor=request.user, dispatch=dispatch)
        success = "已登记到场时间。"
    else:
        raise Http404
    if done:
        messages.success(request, success)
    return redirect("assistance:dispatch-detail", pk=dispatch.pk)
