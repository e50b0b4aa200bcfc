"""What a joint-punishment unit received at each pushed event (issue 21 item 5): the listing's published fields as
they were at that event, frozen on the event when it is written (`ListingMachine.record`), so the feed, the push
page and any later reader show what was published then, not what the listing says now.

Plain JSON values, as the API writes them: dates `YYYY-MM-DD`, amounts as strings with two decimals. No import of
the models here: `blacklist.models` calls `snapshot_of` while writing an event.
"""

import datetime
import decimal

# The fields published on the list (法释〔2017〕7号 art. 6), the identifier in full.
PUBLISHED_FIELDS = [
    "name",
    "id_number",
    "credit_code",
    "identifier",
    "legal_representative",
    "sex",
    "age",
    "obligation",
    "performed_amount",
    "unperformed_amount",
    "basis_issuer",
    "basis_number",
    "case_number",
    "filed_on",
    "court_name",
    "decided_on",
    "facts",
    "published_on",
    "ends_on",
]
# The feed's listing object: the listing's id, the published fields, its ground and period, and its state.
SNAPSHOT_FIELDS = ["id", *PUBLISHED_FIELDS, "ground", "ground_display", "period_years", "state", "state_display"]
CENTS = decimal.Decimal("0.01")


def _json(value):
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(CENTS))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def snapshot_of(listing, state=None):
    """The listing's feed fields now (its state: `state` when given), as JSON-ready values."""
    state = state or listing.state
    snapshot = {name: _json(getattr(listing, name)) for name in PUBLISHED_FIELDS if name != "identifier"}
    snapshot.update(
        id=listing.pk,
        identifier=listing.id_number or listing.credit_code,
        ground=listing.ground,
        ground_display=str(dict(listing._meta.get_field("ground").choices).get(listing.ground, "")),
        period_years=listing.period_years,
        state=state,
        state_display=str(dict(listing._meta.get_field("state").choices).get(state, state)),
    )
    return {name: snapshot[name] for name in SNAPSHOT_FIELDS}


# The feed's `action`: each pushed move under the name the contract publishes (docs/api.md). `suspend` and `resume`
# are a grace's (暂缓惩戒, blacklist.grace) or a credit repair's: off the public list, and back on it.
FEED_ACTIONS = {
    "publish": ("approve", "发布"),
    "correct": ("correct", "更正"),
    "shield": ("shield", "屏蔽"),
    "unshield": ("unshield", "解除屏蔽"),
    "suspend": ("suspend", "暂停（暂缓惩戒）"),
    "resume": ("resume", "恢复（恢复惩戒）"),
    "delete": ("delete", "删除"),
    "revoke": ("revoke", "撤销"),
    "expire": ("expire", "到期移出"),
}
FEED_ACTION_OF_MOVE = {move: action for action, (move, _label) in FEED_ACTIONS.items() if move}
FEED_ACTION_CHOICES = [(action, label) for action, (_move, label) in FEED_ACTIONS.items()]

# The legal ground of a removal: a deletion's ground (法释〔2017〕7号 art. 10, `DeletionGround`, recorded in the
# event's data), a revocation's (listed in error) or an expiry's (the fixed period ended).
REVOKED_IN_ERROR = ("listed_in_error", "不应纳入而错误纳入，予以撤销")
PERIOD_ENDED = ("period_ended", "纳入期限届满")


def legal_ground_of(event, deletion_grounds):
    """(code, Chinese label) of the event's legal ground, or (None, "") for a move that has none.
    `deletion_grounds` maps a deletion ground's code to its label."""
    if event.action == "delete":
        code = (event.data or {}).get("ground") or ""
        return (code, str(deletion_grounds.get(code, ""))) if code else (None, "")
    if event.action == "revoke":
        return REVOKED_IN_ERROR
    if event.action == "expire":
        return PERIOD_ENDED
    return None, ""
