"""`{% grace_panel %}`: the grace panel of a listing's page (暂缓采取失信惩戒措施, blacklist.grace); and
`{% case_graces case %}`: the schedules of the running graces of a case's listings, for the case page (cases reads
blacklist's content through this tag, never by importing it)."""

from django import template

from ..grace import panel

register = template.Library()


@register.inclusion_tag("blacklist/grace/_panel.html", takes_context=True)
def grace_panel(context):
    request = context["request"]
    return {**panel.panel(request.user, context["listing"], context.get("grace_forms")),
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("blacklist/grace/_case_schedules.html")
def case_graces(case):
    return {"case_graces": panel.running_on_case(case)}
