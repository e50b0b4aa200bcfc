"""What the list does when something happens to a case or a debtor (`cases.signals`), inside the sender's
transaction."""

from cases.models import CaseStatus

from .listings import services
from .models import LIVE

# A case's status that gives a ground for deleting its listings: the court must delete them within 3 working days.
REMOVAL_GROUNDS = {CaseStatus.CONCLUDED: "performed", CaseStatus.TERMINATED: "terminated",
                   CaseStatus.SUSPENDED: "suspended"}


def _record_removal_ground(case, actor, ground):
    for listing in case.listings.filter(state__in=LIVE):
        services.record_removal_ground(actor=actor, listing=listing, ground=ground)


def record_ground_of_case_status(sender, *, case, actor, status, **kwargs):
    ground = REMOVAL_GROUNDS.get(status)
    if ground:
        _record_removal_ground(case, actor, ground)


def record_ground_of_performance(sender, *, case, actor, **kwargs):
    _record_removal_ground(case, actor, "performed")
