"""The judicial suggestion letter's entry points on other pages: the "发司法建议" button on the case page and on an
overdue or refused notice's page (for a clerk of the court), and on the case page the case's letters the viewer may
see."""

from django import template

from ..services.suggestions import notice_ground
from ..suggestion_models import SuggestionLetter

register = template.Library()


def _court_clerk(user, court_id):
    return getattr(user, "is_authenticated", False) and user.is_clerk and user.organisation_id == court_id


@register.inclusion_tag("assistance/_suggestion_case.html")
def suggestion_button(case, user):
    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    rows = list(SuggestionLetter.objects.visible_to(user).filter(case=case).select_related("unit")[:10])
    may_draft = _court_clerk(user, case.court_id)
    return {"show": may_draft or bool(rows), "may_draft": may_draft, "case": case, "letters": rows}


@register.inclusion_tag("assistance/_suggestion_notice.html")
def suggestion_notice_button(notice, user):
    show = _court_clerk(user, notice.court_id) and notice_ground(notice) is not None
    return {"show": show, "notice": notice}
