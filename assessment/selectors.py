"""Reads of the assessment: whose board a user may see, the board itself (live, or the frozen version of a
finalised one), a unit's row.

Visibility: the administrator, the court staff and the committee of a jurisdiction see its whole board; a unit's
liaison sees only its own unit's row, rank and figures; anybody else nothing. What a user may not see is a 404.
"""

from django.http import Http404

from members.models import Jurisdiction

from .board import assessed_units, build_board
from .machines import is_committee_of, is_court_of
from .models import Assessment, AssessmentState, ScoreboardVersion


def jurisdiction_for(user, code=None):
    """The jurisdiction whose assessment the user works on: its own organisation's; an administrator without one
    names it (`?jurisdiction=<code>`) or gets the first that has member units."""
    if not user.is_authenticated:
        return None
    if user.organisation_id and not (user.is_administrator and code):
        return user.organisation.jurisdiction
    if user.is_administrator:
        jurisdictions = Jurisdiction.objects.live().order_by("code")
        if code:
            return jurisdictions.filter(code=code).first()
        return jurisdictions.filter(organisations__kind__isnull=False).distinct().first() or jurisdictions.first()
    return None


def may_see_board(user, jurisdiction):
    if not user.is_authenticated or jurisdiction is None:
        return False
    return user.is_administrator or is_court_of(user, jurisdiction.pk) or is_committee_of(user, jurisdiction.pk)


def visible_unit(user, jurisdiction, unit_id):
    """An assessed unit the user may look at, or 404: any of the jurisdiction's for board viewers, its own for a
    liaison."""
    try:
        unit_id = int(unit_id)
    except (TypeError, ValueError):
        raise Http404
    if may_see_board(user, jurisdiction):
        pass
    elif user.is_authenticated and user.is_liaison and user.organisation_id == unit_id:
        pass
    else:
        raise Http404
    for unit in assessed_units(jurisdiction):
        if unit.pk == unit_id:
            return unit
    raise Http404


def assessment_of(jurisdiction, year):
    return Assessment.objects.filter(jurisdiction=jurisdiction, year=year).first()


def latest_version(assessment):
    if assessment is None:
        return None
    return assessment.versions.order_by("-number").first()


def board_for(jurisdiction, year, assessment=None, *, version=None, as_of=None):
    """The board to show: a named finalised version; the latest version while the assessment is finalised (frozen,
    whatever happened since); otherwise the live board computed now."""
    if version is not None:
        found = ScoreboardVersion.objects.filter(assessment=assessment, number=version).first() if assessment else None
        if found is None:
            raise Http404
        return found.data
    if assessment is not None and assessment.state == AssessmentState.FINALISED:
        current = latest_version(assessment)
        if current is not None:
            return current.data
    return build_board(jurisdiction, year, assessment, as_of=as_of)


def row_of(board, unit_id):
    for row in board["rows"]:
        if row["unit"]["id"] == unit_id:
            return row
    return None


def board_for_liaison(board, unit_id):
    """The board cut down to what a unit's liaison may see: its own row (with its rank), the scheme, nothing of the
    other units (no charts of them, no nominations of others)."""
    own = row_of(board, unit_id)
    return {
        **{key: board[key] for key in ("year", "jurisdiction", "as_of", "state", "state_display", "final", "version",
                                       "criteria", "groups")},
        "rows": [own] if own else [],
        "unit_count": len(board["rows"]),
        "nominations": [n for n in board.get("nominations", []) if n["unit_id"] == unit_id and n["state"] == "approved"],
    }
