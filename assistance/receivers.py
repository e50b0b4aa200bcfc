"""What assistance does when something happens to a case (`cases.signals`), inside the sender's transaction."""

from cases.models import CONCLUDED_STATUSES, CaseStatus

from .services.lifting import conclude_case


def stop_measures_of_concluded_case(sender, *, case, actor, status, reason="", **kwargs):
    """A case concluded, terminated or whose round was terminated stops everything it started (公安县工作办法 第三十五条):
    unserved notices are withdrawn, every measure in force goes to the leader to lift, each unit is told."""
    if status in CONCLUDED_STATUSES:
        conclude_case(case=case, actor=actor, status_label=CaseStatus(status).label, reason=reason)
