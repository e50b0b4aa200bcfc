"""The table of a contact change (联系人变更): a unit asks (its liaison, or the administrator for it), the committee of
the unit's jurisdiction approves or rejects it (荔政法〔2017〕72号 三（三）: changes are approved by the joint meeting),
and an approved change takes effect at once (`services.approve_contact_change`). The unit may withdraw its own
pending request. The pages ask `CONTACT_CHANGE.actions_for(user, request)` which buttons to show."""

from linkage.statemachine import Machine, Move, Role, committee_of

from .models import ChangeRequestState

committee_decides = committee_of("organisation.jurisdiction_id", "联系人变更由政法委审批。",
                                 "只能审批本辖区成员单位的联系人变更。", administrator=True)


def may_request_for(actor, organisation):
    """The unit's own liaisons ask for it; the administrator for any unit."""
    return actor.is_administrator or (actor.is_liaison and actor.organisation_id == organisation.pk)


CONTACT_CHANGE = Machine(
    noun="该申请",
    related=("organisation",),
    moves={
        "approve": Move({ChangeRequestState.PENDING}, ChangeRequestState.APPROVED, "批准", committee_decides),
        "reject": Move({ChangeRequestState.PENDING}, ChangeRequestState.REJECTED, "驳回", committee_decides),
        "cancel": Move({ChangeRequestState.PENDING}, ChangeRequestState.CANCELLED, "撤回",
                       Role(lambda actor, request: may_request_for(actor, request.organisation), "只能撤回本单位的申请。")),
    },
)
