"""Who may do what with a yearly accountability document (`accountability_models`).

The court (its clerks and leaders) generates a draft and edits it; the committee of the court's jurisdiction may
edit the organs report and the deduction letter too (云浮 item 8: the report goes to the committee and the
government; the committee checks the rows before it goes out), never the officials list, which is personal data for
the organisation department only. A leader of the court signs it off: issuing freezes and numbers it.
"""

from linkage.statemachine import Machine, Move, Role

from .accountability_models import ACCOUNTABILITY_ACTIONS, AccountabilityEvent, AccountabilityKind, AccountabilityState


def is_court_staff_of(actor, document):
    return bool(actor.is_authenticated and actor.is_court_staff and actor.organisation_id == document.court_id)


def is_committee_of(actor, document):
    return bool(actor.is_authenticated and actor.is_committee and actor.organisation_id is not None
                and actor.organisation.jurisdiction_id == document.court.jurisdiction_id)


def may_edit(actor, document):
    if is_court_staff_of(actor, document):
        return True
    return document.kind != AccountabilityKind.OFFICIALS_LIST and is_committee_of(actor, document)


editor = Role(may_edit, "只有发文法院的工作人员或本辖区政法委可以修改。")
leader = Role(lambda actor, document: actor.is_authenticated and actor.is_leader
              and actor.organisation_id == document.court_id, "只有发文法院的执行局领导可以签发印发。")

DRAFT, ISSUED = AccountabilityState.DRAFT, AccountabilityState.ISSUED

DOCUMENT = Machine(
    noun="该文书",
    event_model=AccountabilityEvent,
    event_field="document",
    related=("court__jurisdiction",),
    moves={
        "edit": Move({DRAFT}, None, "修改（印发后不能再改）", editor),
        "edit_row": Move({DRAFT}, None, "修改案件行（印发后不能再改）", editor),
        "issue": Move({DRAFT}, ISSUED, ACCOUNTABILITY_ACTIONS["issue"], leader),
    },
    names=ACCOUNTABILITY_ACTIONS,
)
