"""`{% tracking_panel %}`: the notice page's 查人扣车 panel — the request's facts and clock, the detention suggestions,
and the forms of the moves the machine allows this user now (assistance/tracking.py)."""

from django import template
from django.urls import reverse

from ..tracking import DETENTION_MACHINE, TRACKING_MACHINE
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
from ..tracking_models import DetentionState, DetentionSuggestion, Tracking

register = template.Library()

FORMS = {"status_report": StatusReportForm, "register_control": ControlForm, "record_finding": FindingForm,
         "hand_over": HandOverForm, "take_over": TakeOverForm, "cancel": CancelForm}


@register.inclusion_tag("assistance/_tracking_panel_body.html", takes_context=True)
def tracking_panel(context):
    notice, user = context["notice"], context["request"].user
    tracking = Tracking.objects.filter(notice_id=notice.pk).first()
    if tracking is None:
        return {"tracking": None}
    tracking.notice = notice
    suggestions = list(DetentionSuggestion.objects.filter(notice_id=notice.pk).select_related("raised_by", "decided_by")
                       .order_by("raised_at", "id"))
    for suggestion in suggestions:
        suggestion.notice = notice
    pending = next((s for s in suggestions if s.state == DetentionState.PENDING), None)
    forms = [(name, TRACKING_MACHINE.label(name), FORMS[name]())
             for name in TRACKING_MACHINE.actions_for(user, tracking) if name in FORMS]
    can_suggest = (user.is_liaison and user.organisation_id == notice.unit_id and pending is None
                   and notice.measure.code == "locate_person"
                   and tracking.state in ("found", "reported", "taken_over"))
    if can_suggest:
        forms.append(("suggest_detention", "建议停止执行拘留", DetentionSuggestionForm()))
    if pending is not None and DETENTION_MACHINE.may(user, pending, "stop"):
        forms.append(("decide_detention", "决定是否停止执行拘留", DetentionDecisionForm()))
    forms = [(name, label, form, reverse(f"assistance:tracking-{name.replace('_', '-')}", args=[notice.pk]))
             for name, label, form in forms]
    return {"tracking": tracking, "notice": notice, "suggestions": suggestions, "forms": forms,
            "events": tracking.events.select_related("actor").order_by("at", "id"),
            "csrf_token": context.get("csrf_token")}
