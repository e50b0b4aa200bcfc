"""The table of a committee briefing (通报): the committee of the jurisdiction drafts, edits, issues, withdraws and
reminds the unread addressees; nobody else moves it (an addressee's reading is recorded on its receipt row)."""

from linkage.statemachine import Machine, Move, committee_of

from .briefing_models import BRIEFING_ACTIONS, BriefingEvent, BriefingState

briefing_committee = committee_of("jurisdiction_id", "只有政法委可以办理工作通报。", "只能办理本辖区的工作通报。")

BRIEFING = Machine(
    noun="通报",
    event_model=BriefingEvent,
    event_field="briefing",
    related=("jurisdiction", "issuer"),
    moves={
        "edit": Move({BriefingState.DRAFT}, None, BRIEFING_ACTIONS["edit"], briefing_committee,
                     refusal="通报已印发或撤回，不能再修改。"),
        "issue": Move({BriefingState.DRAFT}, BriefingState.ISSUED, BRIEFING_ACTIONS["issue"], briefing_committee),
        "remind": Move({BriefingState.ISSUED}, None, BRIEFING_ACTIONS["remind"], briefing_committee,
                       refusal="只有已印发的通报可以提醒未读。"),
        "withdraw": Move({BriefingState.DRAFT, BriefingState.ISSUED}, BriefingState.WITHDRAWN,
                         BRIEFING_ACTIONS["withdraw"], briefing_committee),
    },
    names=BRIEFING_ACTIONS,
)
