"""Sections other apps' pages show: the liaison inbox's decisions and the committee home page's open decisions.
Each reads through the selectors, so visibility is the one rule of `Decision.objects.visible_to`."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("meetings/_inbox_decisions.html")
def inbox_decisions(user, limit=10):
    """The decisions the liaison's unit must carry out (open and answered), soonest due first, with counts."""
    if not getattr(user, "is_authenticated", False) or user.is_committee:
        return {"show": False}
    counts = selectors.decision_counts(user)
    rows = list(selectors.decision_list_for(user, tab="open")[:limit])
    return {"show": True, "decisions": rows, "counts": counts}


@register.inclusion_tag("meetings/_home_decisions.html")
def committee_open_decisions(user, limit=10):
    """For the committee's home page: decisions not yet confirmed done, across meetings."""
    if not getattr(user, "is_committee", False):
        return {"show": False}
    rows, count = selectors.unfinished_decisions(user, limit=limit)
    return {"show": True, "decisions": rows, "count": count}
