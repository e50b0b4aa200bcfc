"""Relief for applicants in hardship (执行救助; 法发〔2010〕15号 art. 8, Yunfu item 19): the clerk records an applicant
who cannot be paid and lives in hardship, proposes judicial relief (the court's bureau leader approves or refuses
it) or refers the applicant to the jurisdiction's civil-affairs unit for social relief.

The referral is a notice of the measure `social_relief` (assistance/relief.py): drafted here, then signed, served,
acknowledged, reminded and replied through the notice's own services, so the unit's inbox, the reminder ladder and
the structured reply (accepted with kind and amount, or why not: services/replies.py) are the notices' own."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Party, PartyKind, PartyRole
from cases.services import require_clerk_of
from linkage import parsing
from linkage.errors import ApplicationError, TransitionNotAllowed
from linkage.notify import Message, notify
from linkage.text import REASON_MAX, TEXT_MAX
from members.models import Measure, Organisation
from members.recipients import court_leaders, user_recipients

from .. import notifications
from ..machines import NOTICE_MACHINE, concluded_case_refusal
from ..models import Notice, NoticeBatch, NoticeItem, NoticeState, PropertyKind
from ..relief import REFERRAL_BASIS, SOCIAL_RELIEF, referral_item
from ..relief_models import RELIEF_MACHINE, HardshipRecord, JudicialReliefProposal, ReliefReferral, ReliefState

# A referral that ended without an answer may be replaced by a new one.
ENDED_REFERRAL_STATES = (NoticeState.WITHDRAWN,)


def _case_link(case):
    return reverse("cases:detail", args=[case.pk]) + "#relief"


def civil_affairs_units(court):
    """The active member units of the court's jurisdiction that take referrals for social relief."""
    return (Organisation.objects.filter(jurisdiction_id=court.jurisdiction_id, active=True,
                                        measures__code=SOCIAL_RELIEF)
            .exclude(kind__in=("court", "committee")).order_by("sort_order", "id"))


@transaction.atomic
def record_hardship(*, actor, case, applicant, circumstances, unpaid_amount):
    """A clerk of the case's court records an applicant of the case whose claim cannot be paid in full and who
    lives in hardship (a natural person): the circumstances and the amount still unpaid (not more than the case's unperformed
    amount). One record per applicant of a case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    if not isinstance(applicant, Party) or applicant.case_id != case.pk or applicant.role != PartyRole.APPLICANT:
        raise ApplicationError("所选当事人不是本案申请执行人。", field="applicant")
    if applicant.kind != PartyKind.PERSON:  # relief is for people whose living depends on the claim
        raise ApplicationError("生活困难救助只适用于自然人申请执行人。", field="applicant")
    circumstances = parsing.text(circumstances, "生活困难情况", "circumstances", limit=TEXT_MAX)
    unpaid = parsing.amount(unpaid_amount, "未兑现债权", "unpaid_amount", required=True)
    if unpaid <= 0:
        raise ApplicationError("未兑现债权应大于零。", field="unpaid_amount")
    if unpaid > case.unperformed_amount:
        raise ApplicationError(f"未兑现债权不能超过本案未履行金额（{case.unperformed_amount:,.2f}元）。",
                               field="unpaid_amount")
    if HardshipRecord.objects.filter(case=case, applicant=applicant).exists():
        raise ApplicationError("该申请执行人已登记生活困难情况。", field="applicant")
    return HardshipRecord.objects.create(case=case, court_id=case.court_id, applicant=applicant,
                                         circumstances=circumstances, unpaid_amount=unpaid, recorded_by=actor)


def _lock_record(record):
    return HardshipRecord.objects.select_for_update(of=("self",)).select_related("case", "applicant").get(pk=record.pk)


@transaction.atomic
def propose_judicial_relief(*, actor, record, amount, reason):
    """A clerk of the court proposes judicial relief for a recorded applicant: an amount (more than zero, not more
    than the unpaid claim) and the reasons. One proposal waits at a time and relief is granted once; a refused one
    may be proposed anew. The court's leaders are told it waits for their decision."""
    record = _lock_record(record)
    require_clerk_of(actor, record.court_id)
    amount = parsing.amount(amount, "拟救助金额", "amount", required=True)
    if amount <= 0:
        raise ApplicationError("拟救助金额应大于零。", field="amount")
    if amount > record.unpaid_amount:
        raise ApplicationError(f"拟救助金额不能超过未兑现债权（{record.unpaid_amount:,.2f}元）。", field="amount")
    reason = parsing.text(reason, "救助理由", "reason", limit=REASON_MAX)
    live = record.proposals.filter(state__in=(ReliefState.PROPOSED, ReliefState.APPROVED)).first()
    if live is not None:
        raise TransitionNotAllowed(f"该申请执行人已有{live.get_state_display()}的司法救助，不能再提出。",
                                   state=live.state)
    try:
        with transaction.atomic():
            proposal = JudicialReliefProposal.objects.create(record=record, amount=amount, reason=reason,
                                                             proposed_by=actor)
    except IntegrityError:  # a second proposal at the same moment
        raise TransitionNotAllowed("该申请执行人已有待决定的司法救助。", state=ReliefState.PROPOSED)
    RELIEF_MACHINE.record(proposal, "propose", actor, to_state=ReliefState.PROPOSED, reason=reason,
                          data={"amount": str(amount)})
    recipients = user_recipients(court_leaders(record.court_id))
    if recipients:
        notify(recipients, Message(
            kind="relief_proposed", title=f"【司法救助待决定】{record.case.number} {record.applicant.name}",
            body=(f"{actor.display_name}提出对{record.case.number}申请执行人{record.applicant.name}给予司法救助"
                  f"人民币{amount:,.2f}元，理由：{reason}。请决定是否准予。"),
            link=_case_link(record.case)))
    return proposal


@transaction.atomic
def decide_judicial_relief(*, actor, proposal, approved, reason=""):
    """The court's bureau leader approves or refuses a proposal of judicial relief; a refusal says why. The clerk
    who proposed it is told."""
    proposal = RELIEF_MACHINE.lock(proposal)
    action = "approve" if approved else "refuse"
    RELIEF_MACHINE.check(proposal, action, actor)
    reason = parsing.text(reason, "决定理由", "reason", limit=REASON_MAX, required=not approved)
    now = timezone.now()
    RELIEF_MACHINE.move(proposal, action, actor, role=False, reason=reason, at=now, decided_by=actor,
                        decided_at=now, decision_reason=reason)
    record = proposal.record
    recipients = user_recipients([proposal.proposed_by])
    if recipients:
        verdict = proposal.get_state_display()
        notify(recipients, Message(
            kind="relief_decided", title=f"【{verdict}】{record.case.number} {record.applicant.name}",
            body=(f"{actor.display_name}对{record.case.number}申请执行人{record.applicant.name}的司法救助"
                  f"（人民币{proposal.amount:,.2f}元）决定：{verdict}" + (f"，理由：{reason}。" if reason else "。")),
            link=_case_link(record.case)))
    return proposal


@transaction.atomic
def refer_to_civil_affairs(*, actor, record, unit=None, note=""):
    """A clerk of the court refers a recorded applicant to the jurisdiction's civil-affairs unit for social relief:
    a draft notice of the measure `social_relief` to that unit (the one unit with that duty, or the one chosen
    among several), naming the applicant and the hardship in its letter (社会救助转介函), waiting for the leader's
    signature like any notice. One referral at a time: a withdrawn one may be replaced. Refused on a concluded
    case, as every notice is."""
    record = _lock_record(record)
    require_clerk_of(actor, record.court_id)
    case = Case.objects.select_for_update().select_related("court").get(pk=record.case_id)
    if refusal := concluded_case_refusal(case, "发出"):
        raise ApplicationError(refusal)
    current = Notice.objects.filter(relief_referral__record=record).exclude(state__in=ENDED_REFERRAL_STATES).first()
    if current is not None:
        raise TransitionNotAllowed(f"该申请执行人已转介民政部门（转介函第{current.pk}号，"
                                   f"{current.get_state_display()}），不能重复转介。", state=current.state)
    units = list(civil_affairs_units(case.court))
    if not units:
        raise ApplicationError("本辖区没有承担社会救助转介职责的在册民政部门，请联系办公室在单位职责中登记。",
                               field="unit")
    if unit is None:
        if len(units) > 1:
            raise ApplicationError("本辖区有多个民政部门，请选择转介单位。", field="unit")
        unit = units[0]
    elif unit.pk not in {candidate.pk for candidate in units}:
        raise ApplicationError(f"“{unit.name}”不承担本辖区社会救助转介职责。", field="unit")
    debtor = case.parties.debtors().order_by("position", "id").first()
    if debtor is None:
        raise ApplicationError("本案没有被执行人，不能转介。")
    batch = NoticeBatch.objects.create(case=case, created_by=actor)
    notice = Notice.objects.create(
        batch=batch, case=case, court_id=case.court_id, unit=unit, measure=Measure.objects.get(code=SOCIAL_RELIEF),
        debtor=debtor, ruling_number="", legal_basis=REFERRAL_BASIS,
        note=parsing.text(note, "其他事项", "note", limit=REASON_MAX, required=False), created_by=actor,
    )
    NoticeItem.objects.create(notice=notice, position=1, property_kind=PropertyKind.OTHER,
                              description=referral_item(record.applicant.name))
    NOTICE_MACHINE.record(notice, "create", actor, to_state=NoticeState.DRAFT, data={"hardship_record": record.pk})
    ReliefReferral.objects.create(record=record, notice=notice)
    notifications.drafts_waiting([notice])
    return notice
