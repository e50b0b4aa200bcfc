"""The community posting reaches the right grid liaison (Yunfu seed item 9; Liwan 四(二十二): the list is posted in
the debtor's community). When a listing comes onto the published list (approved, unshielded, resumed), the grid
liaison (网格员) of the debtor's registered village or community is told once, by SMS and the bell, to put up the
community's posting (its PDF's address in the message); when it leaves (shielded, suspended, deleted, revoked,
expired), to take the debtor down. Called by `ListingMachine.move` inside the move's transaction, so the message goes
only if the move commits."""

from django.urls import reverse

from linkage.notify import Message, notify
from members.recipients import user_recipients

from ..models import ListingState

POSTED, TAKEN_DOWN = "community_posting_added", "community_posting_removed"


def tell_grid_liaison(listing, *, was_published):
    """Tell the grid liaison of the debtor's community when `listing` came onto or went off the published list by
    this move; nothing when it stayed where it was, or the debtor has no community with a grid liaison."""
    published = listing.state == ListingState.PUBLISHED
    if published == was_published:
        return
    community = listing.debtor.community
    if community is None or not community.active:
        return
    recipients = user_recipients([community.grid_liaison])
    if not recipients:
        return
    link = reverse("blacklist:community-unit-posting", args=[community.code])
    who = f"{listing.name}（{listing.case_number}，{listing.court_name}）"
    if published:
        message = Message(
            kind=POSTED, title=f"【失信名单进社区公示】{community.name}：{listing.name}",
            body=(f"户籍或住所地在{community.name}的被执行人{who}已被纳入失信被执行人名单并发布，"
                  f"请下载本村（居）委会的最新公示名单并张贴公示。"),
            link=link)
    else:
        message = Message(
            kind=TAKEN_DOWN, title=f"【失信名单撤下公示】{community.name}：{listing.name}",
            body=(f"被执行人{who}已不在失信被执行人名单公布之列（{listing.get_state_display()}），"
                  f"请撤下张贴的公示并换用本村（居）委会的最新公示名单。"),
            link=link)
    notify(recipients, message)
