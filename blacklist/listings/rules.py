"""Who may be listed, on which date, at whose request (法释〔2017〕7号 arts. 3, 5, 10): the rules the proposal, a
correction of the identity number and the approval all apply, written once.

- The decision date (决定日期) is a fact: not after today (Asia/Shanghai), not before the earliest fact date.
- A natural person's age is counted on the decision date from the birth date in the resident ID number
  (`debtor_age_on`, the only place the listing's age is computed); a minor on that date may not be listed.
- 第十条第二款: after a deletion on the applicant's written request (第一款第三项), the applicant may not apply again
  within six months to list that debtor (`require_no_applicant_bar`). The court may still relist the debtor of its
  own motion when a ground of art. 1 arises: the bar is on the applicant's application, not on the court.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from cases.models import PartyKind, PartyRole
from linkage.dates import local_date, require_past_date
from linkage.errors import ApplicationError
from linkage.identifiers import age_on
from linkage.numerals import arabic_date

from ..models import DeletionGround, Listing, ListingState

ADULT_AGE = 18
APPLICANT_BAR_MONTHS = 6


def add_months(day, months):
    """The same day `months` calendar months later; the month's last day when it has no such day (31 August + 6
    months → 28 or 29 February), as 民法典 art. 202 counts a period in months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reapply_from(deleted_on):
    """The first day the applicant may apply again after a deletion at their request on `deleted_on`: the six
    months end on the same day six calendar months later (民法典 arts. 201-202: the day of deletion is not
    counted), so the day after that."""
    return add_months(deleted_on, APPLICANT_BAR_MONTHS) + datetime.timedelta(days=1)


def require_decision_date(decided_on, field="decided_on"):
    """The decision date, or today when none is given; refused when it is after today."""
    return require_past_date(decided_on or timezone.localdate(), "决定日期", field)


def debtor_age_on(id_number, day, field="debtor"):
    """Full years of age on `day` of the person with this resident ID number (the birthday counts: 18 on the 18th
    birthday; born 29 February, a year older on 1 March of a common year). A number the standard rejects (wrong
    check digit, impossible birth date) is refused: no age can be read from it."""
    if not id_number:
        raise ApplicationError("自然人被执行人没有公民身份号码，无法核对其在决定之日的年龄。", field=field)
    try:
        return age_on(id_number, day)
    except ValidationError as error:
        raise ApplicationError(f"被执行人的公民身份号码有误（{error.messages[0]}），无法核对其在决定之日的年龄。",
                               field=field) from None


def require_adult_on(id_number, decided_on, field="debtor"):
    """The person's age on the decision date, refused when under 18 (法释〔2017〕7号 art. 3)."""
    age = debtor_age_on(id_number, decided_on, field)
    if age < ADULT_AGE:
        raise ApplicationError(f"被执行人在决定之日（{arabic_date(decided_on)}）未满十八周岁（{age}周岁），"
                               "不得纳入失信被执行人名单。", field=field)
    return age


def require_applicant_of(case, applicant, field="applicant"):
    """A party named as the applicant who asked must be an applicant (申请执行人) of the listing's case."""
    if applicant is not None and (applicant.role != PartyRole.APPLICANT or applicant.case_id != case.pk):
        raise ApplicationError("应为本案的申请执行人。", field=field)
    return applicant


def applicant_bar(*, case_id, debtor_id, applicant_id):
    """The last deletion of this debtor's listing in this case made at this applicant's written request, and the
    last day (inclusive) of the six months after it: (listing, deleted_on, last_day), or None. A deletion recorded
    before the requesting applicant was kept (no `deletion_applicant`) bars every applicant of the case."""
    latest = None
    deletions = (Listing.objects.filter(case_id=case_id, debtor_id=debtor_id, state=ListingState.DELETED,
                                        deletion_ground=DeletionGround.APPLICANT_REQUEST, ended_at__isnull=False)
                 .filter(Q(deletion_applicant_id=applicant_id) | Q(deletion_applicant__isnull=True))
                 .select_related("deletion_applicant"))
    for listing in deletions:
        deleted_on = local_date(listing.ended_at)
        if latest is None or deleted_on > latest[1]:
            latest = (listing, deleted_on, add_months(deleted_on, APPLICANT_BAR_MONTHS))
    return latest


def require_no_applicant_bar(*, case_id, debtor_id, applicant, applied_on, field="applicant"):
    """法释〔2017〕7号 第十条第二款: refused when the applicant applies on or before the last day of the six months
    after a deletion made at their written request; the refusal names the day from which they may apply."""
    if applicant is None:
        return
    bar = applicant_bar(case_id=case_id, debtor_id=debtor_id, applicant_id=applicant.pk)
    if bar is None or applied_on > bar[2]:
        return
    listing, deleted_on, last_day = bar
    requested = (f"于{arabic_date(listing.deletion_requested_on)}" if listing.deletion_requested_on else "")
    raise ApplicationError(
        f"申请执行人{applicant.name}{requested}书面申请删除该被执行人的失信信息，本院已于{arabic_date(deleted_on)}删除；"
        f"依照法释〔2017〕7号第十条第二款，六个月内（至{arabic_date(last_day)}）申请执行人不得再次申请将其纳入失信被执行人名单，"
        f"自{arabic_date(reapply_from(deleted_on))}起方可申请。", field=field)


def check_approvable(listing):
    """At approval the rules are applied again to what will be published: the decision date is not after today,
    a natural person is of age on it (from the listing's own identity number, which a correction may have
    changed), and the applicant's application is not barred. Returns the age to publish (None for an
    organisation)."""
    today = timezone.localdate()
    if listing.decided_on > today:
        raise ApplicationError(f"决定日期（{arabic_date(listing.decided_on)}）晚于今天，不能批准发布。请撤回后重新提请。")
    if listing.applicant_id:
        require_no_applicant_bar(case_id=listing.case_id, debtor_id=listing.debtor_id, applicant=listing.applicant,
                                 applied_on=listing.applied_on, field=None)
    if listing.debtor.kind != PartyKind.PERSON:
        return None
    try:
        return require_adult_on(listing.id_number, listing.decided_on, field=None)
    except ApplicationError as error:
        raise ApplicationError(f"{error.message}不能批准发布，请撤回该提请。") from None
