"""Referrals of people who refuse to enforce or obstruct (issue 23 items 2 and 3; models in
assistance/referral_models.py).

Crime referral (拒不执行判决、裁定罪): the clerk drafts (debtor, police unit of the roster, facts, evidence list), the
bureau leader signs, the clerk sends (due = sent + `CRIME_REFERRAL_ANSWER_DAYS` calendar days); the police liaison
records the filing (case number, date) or the refusal (decision number and reasons, both required); on a refusal the
court may request the procuratorate of the roster to supervise (立案监督): that service grants the procuratorate's
liaisons the guardian object permission `view_crimereferral` on that one referral, through which they read it and its
case. The procuratorate's liaison records the answer. The grant is kept after the answer: the procuratorate keeps the
record of what it decided, read-only, and every later read of that one case is still limited to it.

Discipline referral (纪检监察): the clerk drafts (a party flagged public servant / party-government organ, the
discipline body of the roster, facts, evidence, ruling), the leader signs and sends; the body's liaison answers."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.models import VIEW_CASE, Case, Party, PartyRole
from cases.services import require_clerk_of
from linkage import parsing
from linkage.dates import require_past_date
from linkage.errors import ApplicationError
from linkage.notify import Message, notify
from linkage.text import REASON_MAX, TEXT_MAX
from linkage.workdays import add_calendar_days
from members.models import Organisation, OrganisationKind, User
from members.recipients import court_leaders, unit_recipients, user_recipients

from ..referral_documents import issue_crime_referral
from ..referral_models import (
    CRIME_MACHINE,
    DISCIPLINE_MACHINE,
    EVIDENCE_DESCRIPTION_MAX,
    EVIDENCE_LINES_MAX,
    EVIDENCE_NAME_MAX,
    CrimeReferral,
    CrimeReferralState,
    DisciplineAnswer,
    DisciplineReferral,
    DisciplineState,
    SupervisionOutcome,
)

VIEW_PERMISSION = "assistance.view_crimereferral"


def roster_units(court, kind):
    """The active units of the court's jurisdiction of this kind (police, procuratorate, discipline)."""
    return Organisation.objects.filter(jurisdiction_id=court.jurisdiction_id, active=True, kind=kind).order_by(
        "sort_order", "id")


def _unit(court, kind, unit, field, noun):
    units = list(roster_units(court, kind))
    if not units:
        raise ApplicationError(f"本辖区名册中没有{noun}，请联系办公室登记。", field=field)
    if unit is None:
        if len(units) > 1:
            raise ApplicationError(f"本辖区有多个{noun}，请选择。", field=field)
        return units[0]
    if unit.pk not in {u.pk for u in units}:
        raise ApplicationError(f"“{unit.name}”不是本辖区名册中的{noun}。", field=field)
    return unit


def parse_evidence(lines):
    """The evidence list: at least one line {name, description} (description: pages or what it shows)."""
    if not isinstance(lines, list | tuple):
        raise ApplicationError("证据清单格式不正确。", field="evidence")
    clean = []
    for index, line in enumerate(lines, 1):
        if not isinstance(line, dict):
            raise ApplicationError(f"证据清单第{index}项格式不正确。", field="evidence")
        name = parsing.text(line.get("name"), f"证据清单第{index}项名称", "evidence", limit=EVIDENCE_NAME_MAX,
                            required=False)
        description = parsing.text(line.get("description"), f"证据清单第{index}项说明", "evidence",
                                   limit=EVIDENCE_DESCRIPTION_MAX, required=False)
        if not name and not description:
            continue
        if not name:
            raise ApplicationError(f"请填写证据清单第{index}项的证据名称。", field="evidence")
        clean.append({"name": name, "description": description})
    if not clean:
        raise ApplicationError("请至少列明一项证据。", field="evidence")
    if len(clean) > EVIDENCE_LINES_MAX:
        raise ApplicationError(f"证据清单最多{EVIDENCE_LINES_MAX}项。", field="evidence")
    return clean


def _lock_case(case, actor):
    case = Case.objects.select_for_update().select_related("court").get(pk=case.pk)
    require_clerk_of(actor, case.court_id)
    if not case.is_open:
        raise ApplicationError("案件已结案，不能移送。")
    return case


def _debtor_of(case, party, field="debtor"):
    if not isinstance(party, Party) or party.case_id != case.pk or party.role != PartyRole.DEBTOR:
        raise ApplicationError("所选当事人不是本案被执行人。", field=field)
    return party


def referral_link(referral):
    name = "crime" if isinstance(referral, CrimeReferral) else "discipline"
    return reverse(f"assistance:referral-{name}-detail", args=[referral.pk])


def _tell(users_or_recipients, kind, title, body, referral):
    recipients = users_or_recipients
    if recipients and isinstance(recipients[0], User):
        recipients = user_recipients(recipients)
    if recipients:
        notify(recipients, Message(kind=kind, title=title, body=body, link=referral_link(referral)))


# ------------------------------------------------------------------------------------------------ crime referral


@transaction.atomic
def draft_crime_referral(*, actor, case, debtor, facts, evidence, police=None):
    """A clerk of the case's court drafts a referral of a debtor of an open case to the police of the roster."""
    case = _lock_case(case, actor)
    debtor = _debtor_of(case, debtor)
    police = _unit(case.court, OrganisationKind.POLICE, police, "police", "公安机关")
    facts = parsing.text(facts, "涉嫌犯罪事实", "facts", limit=TEXT_MAX)
    evidence = parse_evidence(evidence)
    live = CrimeReferral.objects.filter(case=case, debtor=debtor).exclude(
        state__in=(CrimeReferralState.REFUSED, CrimeReferralState.SUPERVISED)).first()
    if live is not None:
        raise ApplicationError(f"该被执行人已有{live.get_state_display()}的拒执罪移送，不能重复移送。", field="debtor")
    referral = CrimeReferral.objects.create(case=case, court_id=case.court_id, debtor=debtor, police=police,
                                            facts=facts, evidence=evidence, created_by=actor)
    CRIME_MACHINE.record(referral, "draft", actor, to_state=CrimeReferralState.DRAFTED)
    _tell(court_leaders(case.court_id), "referral_sent", f"【拒执罪移送待签发】{case.number} {debtor.name}",
          f"{actor.display_name}起草了对被执行人{debtor.name}涉嫌拒不执行判决、裁定罪的移送函，请审核签发。", referral)
    return referral


@transaction.atomic
def sign_crime_referral(*, actor, referral):
    """The bureau leader signs the draft: the letter is issued in the same transaction (frozen with its verification
    code and signed: `referral_documents.issue_crime_referral`)."""
    referral = CRIME_MACHINE.lock(referral)
    referral = CRIME_MACHINE.move(referral, "sign", actor, signed_by=actor, signed_at=timezone.now())
    issue_crime_referral(referral)
    return referral


@transaction.atomic
def send_crime_referral(*, actor, referral, now=None):
    """The clerk sends the signed referral: the police answers within CRIME_REFERRAL_ANSWER_DAYS calendar days (the
    close of that day, the next working day when it is not one)."""
    referral = CRIME_MACHINE.lock(referral)
    CRIME_MACHINE.check(referral, "send", actor)
    now = now or timezone.now()
    due = add_calendar_days(now, settings.CRIME_REFERRAL_ANSWER_DAYS).due_at
    CRIME_MACHINE.move(referral, "send", actor, role=False, at=now, sent_at=now, due_at=due,
                       data={"due_at": due.isoformat()})
    _tell(unit_recipients([referral.police_id]), "referral_sent",
          f"【拒执罪移送】{referral.court.name}移送被执行人{referral.debtor.name}",
          f"{referral.court.name}将被执行人{referral.debtor.name}涉嫌拒不执行判决、裁定罪一案移送你单位，请于"
          f"{timezone.localtime(due):%Y年%m月%d日}前作出立案决定或不予立案决定书。", referral)
    return referral


@transaction.atomic
def record_police_filing(*, actor, referral, case_number, filed_on):
    referral = CRIME_MACHINE.lock(referral)
    CRIME_MACHINE.check(referral, "file", actor)
    number = parsing.text(case_number, "立案编号", "case_number", limit=60)
    filed_on = require_past_date(parsing.date(filed_on, "立案日期", "filed_on", required=True), "立案日期", "filed_on")
    if filed_on < timezone.localtime(referral.sent_at).date():
        raise ApplicationError("立案日期不能早于移送日期。", field="filed_on")
    CRIME_MACHINE.move(referral, "file", actor, role=False, answered_at=timezone.now(), police_case_number=number,
                       police_filed_on=filed_on, data={"case_number": number, "filed_on": filed_on.isoformat()})
    _tell([referral.created_by], "referral_answered", f"【公安已立案】{referral.case.number} {referral.debtor.name}",
          f"{referral.police.name}已对被执行人{referral.debtor.name}立案（{number}）。", referral)
    return referral


@transaction.atomic
def record_police_refusal(*, actor, referral, decision_number, reasons):
    referral = CRIME_MACHINE.lock(referral)
    CRIME_MACHINE.check(referral, "refuse", actor)
    number = parsing.text(decision_number, "不予立案决定书文号", "decision_number", limit=60)
    reasons = parsing.text(reasons, "不予立案理由", "reasons", limit=REASON_MAX)
    CRIME_MACHINE.move(referral, "refuse", actor, role=False, reason=reasons, answered_at=timezone.now(),
                       refusal_number=number, refusal_reasons=reasons, data={"decision_number": number})
    _tell([referral.created_by], "referral_answered", f"【公安不予立案】{referral.case.number} {referral.debtor.name}",
          f"{referral.police.name}决定不予立案（{number}），理由：{reasons}。可提请人民检察院立案监督。", referral)
    return referral


@transaction.atomic
def request_supervision(*, actor, referral, reasons, procuratorate=None, now=None):
    """The court (clerk or leader) asks the procuratorate of the roster to supervise the refusal to file. Its
    liaisons (and any liaison account of the unit made later reads through `grant_supervision_access`) are given
    the object permission on this referral only."""
    referral = CRIME_MACHINE.lock(referral)
    CRIME_MACHINE.check(referral, "request_supervision", actor)
    procuratorate = _unit(referral.court, OrganisationKind.PROCURATORATE, procuratorate, "procuratorate",
                          "人民检察院")
    reasons = parsing.text(reasons, "提请监督理由", "reasons", limit=REASON_MAX)
    now = now or timezone.now()
    due = add_calendar_days(now, settings.CRIME_SUPERVISION_ANSWER_DAYS).due_at
    CRIME_MACHINE.move(referral, "request_supervision", actor, role=False, reason=reasons, at=now,
                       procuratorate=procuratorate, supervision_requested_at=now, supervision_due_at=due,
                       supervision_reasons=reasons, data={"procuratorate": procuratorate.pk})
    grant_supervision_access(referral)
    _tell(unit_recipients([procuratorate.pk]), "referral_sent",
          f"【提请立案监督】{referral.court.name}：被执行人{referral.debtor.name}",
          f"{referral.police.name}对{referral.court.name}移送的被执行人{referral.debtor.name}涉嫌拒不执行判决、裁定罪"
          f"决定不予立案（{referral.refusal_number}），该院提请你院进行立案监督，请于"
          f"{timezone.localtime(due):%Y年%m月%d日}前答复。", referral)
    return referral


def grant_supervision_access(referral):
    """Give every active liaison of the referral's procuratorate the guardian permission on this referral."""
    users = User.objects.filter(organisation_id=referral.procuratorate_id, role="liaison", is_active=True)
    for user in users:
        assign_perm(VIEW_PERMISSION, user, referral)
        assign_perm(VIEW_CASE, user, referral.case)  # that one case's page, read only (cases.permission_models)
    return list(users)


@transaction.atomic
def answer_supervision(*, actor, referral, outcome, text):
    referral = CRIME_MACHINE.lock(referral)
    CRIME_MACHINE.check(referral, "supervise", actor)
    if outcome not in SupervisionOutcome.values:
        raise ApplicationError("请选择监督结果。", field="outcome")
    text = parsing.text(text, "答复内容", "text", limit=REASON_MAX)
    CRIME_MACHINE.move(referral, "supervise", actor, role=False, reason=text, supervision_outcome=outcome,
                       supervision_answer=text, supervised_at=timezone.now(), data={"outcome": outcome})
    label = SupervisionOutcome(outcome).label
    _tell([referral.created_by], "referral_answered", f"【立案监督已答复：{label}】{referral.case.number}",
          f"{referral.procuratorate.name}答复：{label}。{text}", referral)
    if outcome == SupervisionOutcome.NOTIFY_FILING:
        _tell(unit_recipients([referral.police_id]), "referral_answered",
              f"【检察院通知立案】被执行人{referral.debtor.name}", f"{referral.procuratorate.name}：{text}", referral)
    return referral


# ------------------------------------------------------------------------------------------------ discipline


def flagged(party):
    """A debtor flagged a public servant (state employee) or a party-government organ: the referable ones."""
    return party.is_public_servant or party.is_party_government_organ


@transaction.atomic
def draft_discipline_referral(*, actor, case, party, facts, evidence, ruling_number, unit=None):
    case = _lock_case(case, actor)
    party = _debtor_of(case, party, "party")
    if not flagged(party):
        raise ApplicationError("只有标记为国家工作人员或党政机关的被执行人可以移送纪检监察机关。", field="party")
    unit = _unit(case.court, OrganisationKind.DISCIPLINE, unit, "unit", "纪检监察机关")
    referral = DisciplineReferral.objects.create(
        case=case, court_id=case.court_id, party=party, unit=unit,
        facts=parsing.text(facts, "违纪违法事实", "facts", limit=TEXT_MAX), evidence=parse_evidence(evidence),
        ruling_number=parsing.text(ruling_number, "执行依据文号", "ruling_number", limit=60), created_by=actor)
    DISCIPLINE_MACHINE.record(referral, "draft", actor, to_state=DisciplineState.DRAFTED)
    # The leader signs and sends it (DISCIPLINE_MACHINE "send"): told as for a crime referral's draft.
    _tell(court_leaders(case.court_id), "referral_sent", f"【纪检监察移送待签发】{case.number} {party.name}",
          f"{actor.display_name}起草了将{party.name}移送纪检监察机关的移送函，请审核签发。", referral)
    return referral


@transaction.atomic
def send_discipline_referral(*, actor, referral, now=None):
    referral = DISCIPLINE_MACHINE.lock(referral)
    DISCIPLINE_MACHINE.check(referral, "send", actor)
    now = now or timezone.now()
    due = add_calendar_days(now, settings.DISCIPLINE_REFERRAL_ANSWER_DAYS).due_at
    DISCIPLINE_MACHINE.move(referral, "send", actor, role=False, at=now, signed_by=actor, sent_at=now, due_at=due)
    _tell(unit_recipients([referral.unit_id]), "referral_sent",
          f"【移送纪检监察】{referral.court.name}：{referral.party.name}",
          f"{referral.court.name}将{referral.party.name}拒不履行、干预或阻碍执行的线索移送你单位，请于"
          f"{timezone.localtime(due):%Y年%m月%d日}前答复处理情况。", referral)
    return referral


@transaction.atomic
def answer_discipline_referral(*, actor, referral, answer, text):
    referral = DISCIPLINE_MACHINE.lock(referral)
    DISCIPLINE_MACHINE.check(referral, "answer", actor)
    if answer not in DisciplineAnswer.values:
        raise ApplicationError("请选择处理结果。", field="answer")
    text = parsing.text(text, "答复内容", "text", limit=REASON_MAX)
    DISCIPLINE_MACHINE.move(referral, "answer", actor, role=False, reason=text, answer=answer, answer_text=text,
                            answered_at=timezone.now(), answered_by=actor, data={"answer": answer})
    _tell([referral.created_by], "referral_answered", f"【纪检监察已答复】{referral.case.number} {referral.party.name}",
          f"{referral.unit.name}答复：{DisciplineAnswer(answer).label}。{text}", referral)
    return referral
