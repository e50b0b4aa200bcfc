"""What assistance does when something happens to a case (`cases.signals`), inside the sender's transaction."""

from cases.models import CaseStatus

from . import services
from .models import LiftGround

IN_FORCE = ["served", "acknowledged", "replied", "closed"]  # the notices whose measure a unit still carries out


def lift_measures_of_ended_case(sender, *, case, actor, status, reason="", **kwargs):
    """A concluded or terminated case: every measure still in force is lifted and each unit gets a lifting notice
    (公安县工作办法 第三十五条)."""
    if status not in (CaseStatus.CONCLUDED, CaseStatus.TERMINATED):
        return
    for notice in case.notices.filter(state__in=IN_FORCE):
        services.lift_notice(actor=actor, notice=notice, ground=LiftGround.CONCLUDED,
                             reason=reason or f"案件{CaseStatus(status).label}")
