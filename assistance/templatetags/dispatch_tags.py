"""The urgent dispatch's two small entry points on other apps' pages: the "紧急出警" button (and the case's open
request) on the case page, and the open requests card on the work bench and the liaison's inbox."""

from django import template

from ..dispatch_models import DispatchRequest

register = template.Library()


@register.inclusion_tag("assistance/_dispatch_case.html")
def dispatch_button(case, user):
    """On the case page: the button for a clerk of the case's court while the case is not concluded, and the
    case's requests (open or not) for whoever may see them."""
    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    rows = list(DispatchRequest.objects.visible_to(user).filter(case=case).select_related("police")[:5])
    may_send = user.is_clerk and user.organisation_id == case.court_id and not case.is_concluded
    return {"show": may_send or bool(rows), "may_send": may_send, "case": case, "dispatches": rows}


@register.inclusion_tag("assistance/_dispatch_open.html")
def open_dispatches(user, limit=5):
    """The open urgent requests this user sees (the police unit's liaisons first of all), newest first."""
    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    rows = list(DispatchRequest.objects.visible_to(user).open()
                .select_related("case", "court", "police")[:limit])
    return {"show": bool(rows), "dispatches": rows, "user": user}
