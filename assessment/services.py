"""Every change to an assessment is one service here: keyword-only arguments, an actor, one transaction. Each locks
the assessment row and checks the change against the table in `assessment/machines.py`: the actor's role (403), then
the state (`TransitionNotAllowed`, 409); it validates the input with a Chinese message naming the field (nothing is
written when it fails), and records an `AssessmentEvent` with who, when and why. Nothing is ever deleted: a replaced score stays as a non-current row, a withdrawn nomination stays
withdrawn, a reopened board keeps its finalised version.

"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from assistance.models import Notice
from linkage import parsing
from linkage.document_numbers import assign_number, number_for
from linkage.errors import ApplicationError, PermissionDenied
from linkage.text import REASON_MAX, require_name
from members.models import Organisation

from .board import assessed_units, build_board
from .criteria import DEFAULT_CRITERIA, RULES, TOTAL_POINTS
from .machines import ASSESSMENT, NOMINATION, is_committee_of, is_court_of
from .metrics import compute_metrics
from .models import (
    Assessment,
    AssessmentState,
    Criterion,
    CriterionGroup,
    CriterionSource,
    Nomination,
    NominationKind,
    NominationState,
    ScoreboardVersion,
    ScoreEntry,
    ScoreStage,
)
from .sources import decision_model
from .yearspan import Window

MAX_REASON = REASON_MAX


def _reason(reason, label="理由", *, required=True):
    text = (reason or "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{label}。", field="reason")
    if len(text) > MAX_REASON:
        raise ApplicationError(f"{label}不能超过{MAX_REASON}字。", field="reason")
    return text


def check_year(year):
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("考评年度应为四位数年份。", field="year")
    this_year = timezone.localdate().year
    if year < 2004 or year > this_year:
        raise ApplicationError(f"考评年度应在2004年至{this_year}年之间。", field="year")
    return year


# ------------------------------------------------------------------------------------------- the assessment


@transaction.atomic
def open_assessment(*, actor, jurisdiction, year):
    """The jurisdiction's assessment of the year, created with the default 100-point scheme on first use by the
    administrator, the court or the committee (a second call returns the same row)."""
    year = check_year(year)
    if not (actor.is_authenticated and (actor.is_administrator or is_court_of(actor, jurisdiction.pk)
                                        or is_committee_of(actor, jurisdiction.pk))):
        raise PermissionDenied("只有系统管理员、本辖区人民法院和政法委可以建立年度考评。")
    existing = Assessment.objects.filter(jurisdiction=jurisdiction, year=year).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(jurisdiction=jurisdiction, year=year)
    except IntegrityError:  # created concurrently
        return Assessment.objects.get(jurisdiction=jurisdiction, year=year)
    Criterion.objects.bulk_create([
        Criterion(assessment=assessment, code=code, name=name, group=group, points=Decimal(points), source=source,
                  method=method, description=description, sort_order=index * 10)
        for index, (code, name, group, points, source, method, description) in enumerate(DEFAULT_CRITERIA)
    ])
    ASSESSMENT.record(assessment, "create", actor, to_state=assessment.state, data={"year": year})
    return assessment


@transaction.atomic
def update_criteria(*, actor, assessment, criteria, reason=""):
    """The administrator replaces the year's scheme before scoring starts. `criteria` is a list of dicts with
    `code`, `name`, `group`, `points`, `source` and, for an automatic item, `method`; the points must add up to 100.
    A criterion left out is deactivated (kept, since nothing is deleted); the old and new schemes go in the event."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "criteria_updated", actor)
    if not criteria:
        raise ApplicationError("至少需要一个考评项目。", field="criteria")
    cleaned, codes, total = [], set(), Decimal(0)
    for index, row in enumerate(criteria, start=1):
        label = f"第{index}项"
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        if not code or not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
            raise ApplicationError(f"{label}：代码只能由英文字母、数字、下划线组成。", field="criteria")
        if code in codes:
            raise ApplicationError(f"{label}：代码“{code}”重复。", field="criteria")
        codes.add(code)
        if not name:
            raise ApplicationError(f"{label}：请填写考评项目名称。", field="criteria")
        group = row.get("group")
        if group not in CriterionGroup.values:
            raise ApplicationError(f"{label}：类别无法识别。", field="criteria")
        source = row.get("source")
        if source not in CriterionSource.values:
            raise ApplicationError(f"{label}：评分方式无法识别。", field="criteria")
        method = (row.get("method") or "").strip() if source == CriterionSource.AUTO else ""
        if source == CriterionSource.AUTO and method not in RULES:
            raise ApplicationError(f"{label}：自动计分项目须选择计分规则。", field="criteria")
        points = parsing.points(row.get("points"), f"{label}：分值", "criteria", maximum=TOTAL_POINTS,
                                above_minimum=True)
        total += points
        cleaned.append({"code": code, "name": name[:60], "group": group, "source": source, "method": method,
                        "points": points, "description": (row.get("description") or "").strip()[:300]})
    if total != TOTAL_POINTS:
        raise ApplicationError(f"各考评项目分值合计应为100分，现为{total.normalize():f}分。", field="criteria")
    before = list(assessment.criteria.filter(active=True).values("code", "name", "group", "points", "source", "method"))
    existing = {criterion.code: criterion for criterion in assessment.criteria.all()}
    for index, row in enumerate(cleaned):
        criterion = existing.pop(row["code"], None) or Criterion(assessment=assessment, code=row["code"])
        for key, value in row.items():
            setattr(criterion, key, value)
        criterion.sort_order, criterion.active = index * 10, True
        criterion.save()
    for criterion in existing.values():
        if criterion.active:
            criterion.active = False
            criterion.save(update_fields=["active"])
    ASSESSMENT.record(assessment, "criteria_updated", actor, reason=_reason(reason, required=False),
           data={"before": [{**c, "points": str(c["points"])} for c in before],
                 "after": [{**c, "points": str(c["points"])} for c in cleaned]})
    return assessment


@transaction.atomic
def start_scoring(*, actor, assessment, reason=""):
    """The court starts scoring: from now on the criteria and weights are fixed."""
    assessment = ASSESSMENT.lock(assessment)
    return ASSESSMENT.move(assessment, "start_scoring", actor, reason=_reason(reason, required=False))


def _criterion(assessment, code):
    criterion = assessment.criteria.filter(code=code, active=True).first()
    if criterion is None:
        raise ApplicationError("考评项目不存在。", field="criterion")
    return criterion


def _unit(assessment, unit):
    unit_id = unit.pk if isinstance(unit, Organisation) else unit
    units = {u.pk: u for u in assessed_units(assessment.jurisdiction)}
    try:
        return units[int(unit_id)]
    except (KeyError, TypeError, ValueError):
        raise ApplicationError("该单位不是本辖区参加考评的成员单位。", field="unit")


def _enter(assessment, actor, *, unit, criterion, stage, points, reason):
    ScoreEntry.objects.filter(assessment=assessment, unit=unit, criterion=criterion, stage=stage,
                              is_current=True).update(is_current=False)
    return ScoreEntry.objects.create(assessment=assessment, unit=unit, criterion=criterion, stage=stage,
                                     points=points, reason=reason, entered_by=actor, entered_at=timezone.now())


@transaction.atomic
def enter_court_score(*, actor, assessment, unit, criterion, points, reason):
    """The court scores one unit on one of its manual items, with the reason (replacing its earlier score)."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "score_entered", actor)
    criterion = _criterion(assessment, criterion)
    if criterion.source != CriterionSource.COURT:
        raise ApplicationError(f"“{criterion.name}”不是法院评分项目。", field="criterion")
    unit = _unit(assessment, unit)
    points = parsing.points(points, f"“{criterion.name}”的得分", "points", maximum=criterion.points)
    reason = _reason(reason, "评分理由")
    entry = _enter(assessment, actor, unit=unit, criterion=criterion, stage=ScoreStage.COURT, points=points,
                   reason=reason)
    ASSESSMENT.record(assessment, "score_entered", actor, reason=reason, unit=unit,
           data={"criterion": criterion.code, "criterion_name": criterion.name, "points": str(points)})
    return entry


@transaction.atomic
def adjust_score(*, actor, assessment, unit, criterion, points, reason):
    """The committee, reviewing the submitted scores, sets a unit's score on any criterion with the reason; the
    adjustment overrides the metric's or the court's score (its own judgement item is scored the same way)."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "score_adjusted", actor)
    criterion = _criterion(assessment, criterion)
    unit = _unit(assessment, unit)
    points = parsing.points(points, f"“{criterion.name}”的得分", "points", maximum=criterion.points)
    reason = _reason(reason, "调整理由")
    entry = _enter(assessment, actor, unit=unit, criterion=criterion, stage=ScoreStage.COMMITTEE, points=points,
                   reason=reason)
    ASSESSMENT.record(assessment, "score_adjusted", actor, reason=reason, unit=unit,
           data={"criterion": criterion.code, "criterion_name": criterion.name, "points": str(points)})
    return entry


@transaction.atomic
def submit_scores(*, actor, assessment, reason=""):
    """The court submits its scores and proposals to the committee (报区委政法委)."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "submit", actor)
    return ASSESSMENT.move(assessment, "submit", actor, reason=_reason(reason, required=False))


@transaction.atomic
def return_to_court(*, actor, assessment, reason):
    """The committee sends the scores back to the court, saying why."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "return", actor)
    return ASSESSMENT.move(assessment, "return", actor, reason=_reason(reason, "退回理由"))


def early_finalisation(assessment, now=None):
    """None once the assessed year has ended; before that, what is still open in it: {"notices": notices served
    on the assessed units in the year that still await an answer, "decisions": meeting decisions due in the year
    not yet done, "total", "year_end": the year's last day}. Finalising now needs an explicit confirmation."""
    now = now or timezone.now()
    window = Window(assessment.year, now)
    if now >= window.stop:
        return None
    units = [unit.pk for unit in assessed_units(assessment.jurisdiction)]
    notices = Notice.objects.filter(unit_id__in=units, served_at__gte=window.start, served_at__lt=window.stop).open()
    decisions = 0
    model = decision_model()
    if model is not None:
        decisions = model.objects.filter(responsible_unit_id__in=units, due_on__year=assessment.year,
                                         meeting__state="published", state__in=["open", "replied"]).count()
    open_notices = notices.count()
    return {"notices": open_notices, "decisions": decisions, "total": open_notices + decisions,
            "year_end": f"{assessment.year}年12月31日"}


def early_warning(early):
    """The sentence the confirmation and the refusal both say."""
    return (f"考评年度至{early['year_end']}才结束，目前仍有{early['total']}项事项未办结（通知书{early['notices']}件、"
            f"会议议定事项{early['decisions']}项），提前定稿后这些事项的办理情况不再计入定稿结果。")


@transaction.atomic
def finalise(*, actor, assessment, reason="", as_of=None, confirm_early=False):
    """The committee finalises: the whole board (metrics, scores, ranks, nominations, chart data) is frozen as the
    next `ScoreboardVersion`; later data changes never alter it. Pending nominations must be decided first.
    Before the year has ended it is refused unless `confirm_early` is true (the page and the API show how many items
    are still open, `early_finalisation`); an early finalisation says so, and what was open, in its event."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "finalise", actor)
    pending = assessment.nominations.filter(state=NominationState.PROPOSED).count()
    if pending:
        raise ApplicationError(f"还有{pending}项表彰或批评建议尚未确定，请先作出决定再定稿。")
    reason = _reason(reason, required=False)
    now = timezone.now()
    early = early_finalisation(assessment, now)
    if early is not None and confirm_early is not True:
        raise ApplicationError(early_warning(early) + "确需提前定稿的，请勾选确认后再定稿。", field="confirm_early")
    units = [unit.pk for unit in assessed_units(assessment.jurisdiction)]
    board = build_board(assessment.jurisdiction, assessment.year, assessment, as_of=as_of or now,
                        metrics=compute_metrics(units, assessment.year, as_of=as_of or now))
    number = (assessment.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    board.update({"final": True, "version": number, "state": AssessmentState.FINALISED,
                  "state_display": AssessmentState.FINALISED.label,
                  "finalised_at": timezone.localtime(now).isoformat(), "finalised_by": actor.display_name})
    version = ScoreboardVersion.objects.create(assessment=assessment, number=number, data=board, finalised_by=actor,
                                               finalised_at=now, reason=reason)
    number_scoreboard(assessment.jurisdiction, assessment.year, number)
    from .issuing import issue_scoreboard  # issuing renders through exports, which reads this module

    issue_scoreboard(version)
    data = {"version": number}
    if early is not None:
        data["early"] = {key: early[key] for key in ("notices", "decisions", "total")}
    return ASSESSMENT.move(assessment, "finalise", actor, reason=reason, data=data)


def scoreboard_subject(jurisdiction_id, year, version):
    return f"assessment.scoreboard:{jurisdiction_id}:{year}:v{version}"


def number_scoreboard(jurisdiction, year, version):
    """The 通报 of a finalised version takes the committee's next 发文字号 (a reopened and refinalised board is a new
    通报 with a new number; the earlier one keeps its own). None when the roster has no committee."""
    committee = (Organisation.objects.filter(jurisdiction_id=jurisdiction.pk, kind="committee")
                 .order_by("sort_order", "id").first())
    if committee is None:
        return None
    subject = scoreboard_subject(jurisdiction.pk, year, version)
    return assign_number(issuer=committee, subject=subject, title=f"关于{year}年度执行联动工作考评结果的通报").text


def scoreboard_number(jurisdiction_id, year, version):
    return number_for(scoreboard_subject(jurisdiction_id, year, version))


@transaction.atomic
def reopen(*, actor, assessment, reason):
    """The committee reopens a finalised board (back to review); the finalised version is kept, and finalising
    again writes the next version."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "reopen", actor)
    reason = _reason(reason, "重新打开的理由")
    assessment.versions.filter(reopened_at__isnull=True).update(reopened_at=timezone.now())
    return ASSESSMENT.move(assessment, "reopen", actor, reason=reason)


# ------------------------------------------------------------------------------------- commendation, criticism


@transaction.atomic
def propose_nomination(*, actor, assessment, kind, unit, evidence, person_name="", person_position=""):
    """The court proposes a unit or a person for commendation, or a passive or slow unit for criticism, with the
    facts; the unit's current figures are kept with it as evidence."""
    assessment = ASSESSMENT.lock(assessment)
    ASSESSMENT.check(assessment, "nomination_proposed", actor)
    if kind not in NominationKind.values:
        raise ApplicationError("请选择建议类别：表彰单位、表彰个人或通报批评。", field="kind")
    unit = _unit(assessment, unit)
    person_name = (person_name or "").strip()
    person_position = (person_position or "").strip()
    if kind == NominationKind.COMMEND_PERSON:
        if not person_name:
            raise ApplicationError("表彰个人须填写姓名。", field="person_name")
        require_name(person_name, "个人姓名", "person_name")
        if len(person_name) > 30 or len(person_position) > 50:
            raise ApplicationError("姓名不超过30字，职务不超过50字。", field="person_name")
    else:
        person_name = person_position = ""
    evidence = (evidence or "").strip()
    if not evidence:
        raise ApplicationError("请写明事实和依据。", field="evidence")
    if len(evidence) > MAX_REASON:
        raise ApplicationError(f"事实和依据不能超过{MAX_REASON}字。", field="evidence")
    metrics = compute_metrics([unit.pk], assessment.year)[unit.pk]
    nomination = Nomination.objects.create(
        assessment=assessment, kind=kind, unit=unit, person_name=person_name, person_position=person_position,
        evidence=evidence, metrics=metrics, proposed_by=actor, proposed_at=timezone.now(),
    )
    ASSESSMENT.record(assessment, "nomination_proposed", actor, reason=evidence, unit=unit, nomination=nomination,
           data={"kind": kind, "person_name": person_name})
    return nomination


def _lock_nomination(nomination):
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    nomination.assessment = ASSESSMENT.lock(nomination.assessment)
    return nomination, nomination.assessment


@transaction.atomic
def withdraw_nomination(*, actor, nomination, reason):
    """The court withdraws its proposal before the committee decides it."""
    nomination, assessment = _lock_nomination(nomination)
    ASSESSMENT.check(assessment, "nomination_withdrawn", actor)
    NOMINATION.check(nomination, "withdraw", actor)
    reason = _reason(reason, "撤回理由")
    NOMINATION.move(nomination, "withdraw", actor, decision_reason=reason)
    ASSESSMENT.record(assessment, "nomination_withdrawn", actor, reason=reason, unit=nomination.unit,
                      nomination=nomination)
    return nomination


@transaction.atomic
def decide_nomination(*, actor, nomination, approved, reason=""):
    """The committee decides a proposal (研究确定): approved or not, with a reason when it is not."""
    nomination, assessment = _lock_nomination(nomination)
    action = "nomination_approved" if approved is True else "nomination_rejected"
    ASSESSMENT.check(assessment, action, actor)
    NOMINATION.check(nomination, "approve", actor)
    if not isinstance(approved, bool):
        raise ApplicationError("请选择确定或不予确定。", field="approved")
    reason = _reason(reason, "不予确定的理由", required=not approved)
    NOMINATION.move(nomination, "approve" if approved else "reject", actor, decided_by=actor,
                    decided_at=timezone.now(), decision_reason=reason)
    ASSESSMENT.record(assessment, action, actor, reason=reason, unit=nomination.unit, nomination=nomination)
    return nomination
