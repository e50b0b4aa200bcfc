"""Shared builders for assistance tests: a case filed and notices brought to a state through the real services."""

from assistance import services
from assistance.demo import credit_code
from assistance.models import LiftGround, NoticeState, ReplyOutcome
from cases import services as case_services

RARE_DEBTOR = {"kind": "person", "name": "王堃", "id_number": "44010319850615123X"}
ORGANISATION_DEBTOR = {
    "kind": "organisation",
    "name": "广州市西关食府餐饮管理有限公司",
    "credit_code": "91110000600037341L",
    "legal_representative": "黄建华",
}
APPLICANT = {
    "kind": "organisation",
    "name": "广州市荔湾区恒昌贸易有限公司",
    "credit_code": credit_code("MA59C1K3"),
    "legal_representative": "何志明",
}

# The order a notice goes through on its way to each state.
PATH = [NoticeState.DRAFT, NoticeState.SIGNED, NoticeState.SERVED, NoticeState.ACKNOWLEDGED, NoticeState.REPLIED]


def file_case(clerk, *, number="（2026）粤0103执1234号", amount="386500.00", applicants=None, debtors=None, **extra):
    """A case of the clerk's court with one applicant and, by default, the rare-name debtor 王堃."""
    return case_services.create_case(
        actor=clerk,
        number=number,
        amount=amount,
        basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初4567号",
        filed_on="2026-03-02",
        applicants=applicants or [APPLICANT],
        debtors=debtors or [RARE_DEBTOR],
        **{"officer_name": "林佩文", "officer_phone": "020-81234567", **extra},
    )


def draft_notice(clerk, case, unit, *, measure="freeze", items, debtor=None, ruling_number=None, **extra):
    """One draft notice to one unit against the case's first debtor (or the one given)."""
    _, (notice,) = services.draft_notices(
        actor=clerk,
        case=case,
        units=[unit],
        measure=measure,
        debtor=debtor or case.parties.debtors().order_by("position").first(),
        items=items,
        ruling_number=ruling_number or case.number,
        **extra,
    )
    return notice


def advance(
    notice,
    state,
    *,
    clerk,
    leader,
    liaison=None,
    served_at=None,
    results=(),
    outcome=ReplyOutcome.DONE,
    lift_ground=LiftGround.PERFORMED,
):
    """Bring a draft through the services to ``state`` (signed, served, acknowledged, replied, closed, lifted)."""
    target = {NoticeState.CLOSED: NoticeState.REPLIED, NoticeState.LIFTED: NoticeState.SERVED}.get(state, state)
    for step in PATH[1 : PATH.index(target) + 1]:
        if step == NoticeState.SIGNED:
            notice = services.sign_notice(actor=leader, notice=notice)
        elif step == NoticeState.SERVED:
            notice = services.serve_notice(actor=clerk, notice=notice, at=served_at)
        elif step == NoticeState.ACKNOWLEDGED:
            notice = services.acknowledge_notice(actor=liaison, notice=notice)
        elif step == NoticeState.REPLIED:
            services.reply_to_notice(actor=liaison, notice=notice, outcome=outcome, results=results, text="已办理。")
    if state == NoticeState.CLOSED:
        notice = services.close_notice(actor=clerk, notice=notice)
    elif state == NoticeState.LIFTED:
        notice = services.lift_notice(actor=clerk, notice=notice, ground=lift_ground,
                                      ruling_number=f"{notice.case.number}之一")
        notice = services.sign_lifting(actor=leader, notice=notice)
    notice.refresh_from_db()
    return notice
