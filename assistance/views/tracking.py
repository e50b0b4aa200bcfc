"""The tracking panel's moves on the notice page (查人扣车): one view, told which move; the form parses the input and
the service decides (assistance/services/tracking.py). Done or refused, the page is shown again with the message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..services import tracking as services
from ..tracking_forms import (
    CancelForm,
    ControlForm,
    DetentionDecisionForm,
    DetentionSuggestionForm,
    FindingForm,
    HandOverForm,
    StatusReportForm,
    TakeOverForm,
)
from .common import call, first_error, visible_notice

# name: (form, service call, message when done)
ACTIONS = {
    "status_report": (StatusReportForm, lambda u, n, d: services.report_status(actor=u, notice=n, text=d["text"]),
                      "已反馈查找情况。"),
    "register_control": (ControlForm, lambda u, n, d: services.register_control(
        actor=u, notice=n, registered_on=d["registered_on"] or timezone.localdate(), plate=d["plate"]), "已录入布控。"),
    "record_finding": (FindingForm, lambda u, n, d: services.record_finding(
        actor=u, notice=n, found_at=d["found_at"], place=d["place"]), "已记录。请在24小时内回复办理结果（通知法院）。"),
    "hand_over": (HandOverForm, lambda u, n, d: services.hand_over_vehicle(actor=u, notice=n, place=d["place"],
                                                                            at=d["at"]), "已记录车辆移交，待法院确认接收。"),
    "take_over": (TakeOverForm, lambda u, n, d: services.take_over(actor=u, notice=n, at=d["at"], note=d["note"]),
                  "已记录接收。"),
    "cancel": (CancelForm, lambda u, n, d: services.cancel_tracking(actor=u, notice=n, reason=d["reason"]),
               "已撤销协查，通知书已撤回，已通知公安机关。"),
    "suggest_detention": (DetentionSuggestionForm, lambda u, n, d: services.suggest_stop_detention(
        actor=u, notice=n, reason=d["reason"]), "已提出停止执行拘留建议，法院应在24小时内决定。"),
    "decide_detention": (DetentionDecisionForm, lambda u, n, d: services.decide_detention(
        actor=u, notice=n, stop=d["decision"] == "stop", reason=d["reason"]), "已作出决定并通知协助单位。"),
}


@login_required
@require_POST
def tracking_action(request, pk, name):
    notice = visible_notice(request.user, pk)
    form_class, run, done = ACTIONS[name]
    form = form_class(request.POST)
    if form.is_valid() and call(form, run, u=request.user, n=notice, d=form.cleaned_data) is not None:
        messages.success(request, done)
    else:
        messages.error(request, first_error(form))
    return redirect("assistance:detail", pk=notice.pk)
