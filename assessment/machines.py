"""The tables of the annual assessment: which moves each state of an assessment (and of a nomination) allows and who
may make each. The services move rows only through these; the pages ask `actions_for(user, assessment)` which
buttons and forms to show. A move whose target is None changes no state: it is a change allowed in those states
(scores, criteria, nominations), recorded in the assessment's history.

Who does what (荔政法〔2017〕72号 五、2-4): the administrator edits the criteria before scoring starts; the court
(its clerks and leaders) starts scoring, scores the manual items, proposes commendations and criticism, and submits;
the committee returns the scores to the court or adjusts them, decides the nominations, finalises, and may reopen.
"""

from linkage.statemachine import Machine, Move, Role
from members.selectors import jurisdiction_id_of

from .models import ACTION_NAMES, AssessmentEvent, AssessmentState, NominationState


def is_court_of(actor, jurisdiction_id):
    return bool(actor.is_authenticated and actor.is_court_staff and jurisdiction_id_of(actor) == jurisdiction_id)


def is_committee_of(actor, jurisdiction_id):
    return bool(actor.is_authenticated and actor.is_committee and jurisdiction_id_of(actor) == jurisdiction_id)


COURT_ONLY = "只有本辖区人民法院的执行员或执行局领导可以办理。"
COMMITTEE_ONLY = "只有本辖区政法委可以办理。"

court = Role(lambda actor, assessment: is_court_of(actor, assessment.jurisdiction_id), COURT_ONLY)
committee = Role(lambda actor, assessment: is_committee_of(actor, assessment.jurisdiction_id), COMMITTEE_ONLY)
administrator = Role(lambda actor, assessment: actor.is_authenticated and actor.is_administrator,
                     "只有系统管理员可以修改考评项目和分值。")

PREPARING, SCORING = AssessmentState.PREPARING, AssessmentState.SCORING
SUBMITTED, FINALISED = AssessmentState.SUBMITTED, AssessmentState.FINALISED
NOMINATING = {SCORING, SUBMITTED}

ASSESSMENT = Machine(
    noun="年度考评",
    event_model=AssessmentEvent,
    event_field="assessment",
    related=("jurisdiction",),
    moves={
        "criteria_updated": Move({PREPARING}, None, "修改考评项目（评分开始后考评项目和分值不能再改）", administrator),
        "start_scoring": Move({PREPARING}, SCORING, ACTION_NAMES["start_scoring"], court),
        "score_entered": Move({SCORING}, None, "评分（请先开始评分；提交后由政法委调整）", court),
        "nomination_proposed": Move(NOMINATING, None, "提出表彰或批评建议", court),
        "nomination_withdrawn": Move(NOMINATING, None, "撤回建议", court),
        "submit": Move({SCORING}, SUBMITTED, ACTION_NAMES["submit"], court),
        "return": Move({SUBMITTED}, SCORING, ACTION_NAMES["return"], committee),
        "score_adjusted": Move({SUBMITTED}, None, "调整分数（法院提交后、定稿前方可调整）", committee),
        "nomination_approved": Move({SUBMITTED}, None, "决定表彰或批评建议（法院提交后、定稿前方可决定）", committee),
        "nomination_rejected": Move({SUBMITTED}, None, "决定表彰或批评建议（法院提交后、定稿前方可决定）", committee),
        "finalise": Move({SUBMITTED}, FINALISED, ACTION_NAMES["finalise"], committee),
        "reopen": Move({FINALISED}, SUBMITTED, ACTION_NAMES["reopen"], committee),
    },
    names=ACTION_NAMES,
)

# A nomination's own state; its history is the assessment's (the events name the nomination).
court_of_nomination = Role(lambda actor, nomination: is_court_of(actor, nomination.assessment.jurisdiction_id),
                           COURT_ONLY)
committee_of_nomination = Role(
    lambda actor, nomination: is_committee_of(actor, nomination.assessment.jurisdiction_id), COMMITTEE_ONLY
)

NOMINATION = Machine(
    noun="该建议",
    moves={
        "withdraw": Move({NominationState.PROPOSED}, NominationState.WITHDRAWN, "撤回", court_of_nomination),
        "approve": Move({NominationState.PROPOSED}, NominationState.APPROVED, "再作决定", committee_of_nomination),
        "reject": Move({NominationState.PROPOSED}, NominationState.REJECTED, "再作决定", committee_of_nomination),
    },
)
