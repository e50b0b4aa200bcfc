"""The default 100-point scheme and the rules that turn a unit's metrics into the points of an automatic criterion.

A rule returns the share of the criterion's points the unit earns (0..1) and a short Chinese explanation, or
`None` when the unit had nothing to do under it (no notices, not a joint-punishment unit, no meeting decision):
such an item is not applicable and scores full points ("无此项工作的不扣分"), so a unit is never marked down for
work it was never given. Only items whose time has run out count: a notice still within its time to be signed for or
answered, a push not yet due for acknowledgement, a decision not yet due costs nothing; withdrawn notices never
count. (Since full points on every item would put a unit that had no notices above the units that worked, such a
unit is not ranked: `board.standing_of`.) Manual items score full points until the court (or, for the committee's judgement, the
committee) enters a score with a reason; the committee may adjust any item with a reason.

A deducting rule (`Rule.deducts`: the judicial suggestion letters) returns the points to take off instead of a
share; `auto_points` takes them off the criterion's points, never below zero, so the rule is the same whatever
weight the year's scheme gives the item. A unit that received no letter keeps the item's points.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import CriterionGroup, CriterionSource

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    explain: str  # how the share is computed, for the criteria page
    deducts: bool = False  # the function returns points to deduct (or None), not a share


# Judicial suggestion letters (司法建议函): the court writes one to a unit that failed to assist (法发〔2010〕15号
# art. 24; Liwan 五.2 and 五.4, Gong'an arts. 37 and 39, Yunfu items 8 and 22 ask that such units lose points). Each letter
# served in the year costs its points, each one not answered within its time limit (answered late, or unanswered
# once the deadline has passed) costs as much again, down to zero for the item.
SUGGESTION_LETTER_DEDUCTION = Decimal("1")
SUGGESTION_OVERDUE_DEDUCTION = Decimal("1")


def _rate(numerator, denominator):
    if not denominator:
        return None
    return numerator / denominator


def percent(value):
    """A share as the page prints it: 87.5%; None as —."""
    if value is None:
        return "—"
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _reply_on_time(m):
    share = _rate(m["replied_on_time"], m["assessed"])
    if share is None:
        return None, "无应回复的通知书"
    return share, f"应回复{m['assessed']}件，按期回复{m['replied_on_time']}件（{percent(share)}）"


def _ack_in_time(m):
    if not m["received"]:
        return None, "未收到通知书"
    share = _rate(m["acknowledged_in_time"], m["ack_due"])
    if share is None:
        return None, "无已到签收期限的通知书"
    return share, f"应签收{m['ack_due']}件，一个工作日内签收{m['acknowledged_in_time']}件（{percent(share)}）"


def _escalation_free(m):
    if not m["received"]:
        return None, "未收到通知书"
    if not m["assessed"]:
        return None, "无应回复的通知书"
    share = 1 - m["escalated_notices"] / m["assessed"]
    return share, f"应回复{m['assessed']}件，被逾期督办{m['escalated_notices']}件（未被督办{percent(share)}）"


def _reply_rate(m):
    share = _rate(m["replied"], m["assessed"])
    if share is None:
        return None, "无应回复的通知书"
    return share, f"应回复{m['assessed']}件，已回复{m['replied']}件（{percent(share)}）"


def _push_ack(m):
    if m["pushes"] is None:
        return None, "非联合惩戒单位"
    if not m["pushes"]:
        return None, "本年度无推送"
    share = _rate(m["pushes_acknowledged_in_time"], m["pushes_due"])
    if share is None:
        return None, "无已到签收期限的推送"
    return share, (f"推送{m['pushes']}条，应签收{m['pushes_due']}条，一个工作日内签收"
                   f"{m['pushes_acknowledged_in_time']}条（{percent(share)}）")


def _decisions_on_time(m):
    if m["decisions"] is None:
        return None, "联席会议决定尚未纳入"
    share = _rate(m["decisions_done_on_time"], m["decisions"])
    if share is None:
        return None, "本年度无应落实的会议决定"
    return share, f"应落实{m['decisions']}项，按期完成{m['decisions_done_on_time']}项（{percent(share)}）"


def _suggestion_letters(m):
    received, overdue = m.get("suggestions", 0), m.get("suggestions_overdue", 0)
    if not received:
        return None, "本年度未收到司法建议函"
    deduction = received * SUGGESTION_LETTER_DEDUCTION + overdue * SUGGESTION_OVERDUE_DEDUCTION
    return deduction, (f"收到司法建议函{received}件（每件扣{_points(SUGGESTION_LETTER_DEDUCTION)}分），"
                       f"其中未在期限内回复{overdue}件（每件再扣{_points(SUGGESTION_OVERDUE_DEDUCTION)}分），"
                       f"应扣{_points(deduction)}分")


def _grid_on_time(m):
    if m.get("grid_tasks") is None:
        return None, "非街道（镇）单位，无网格协助事项"
    judged = m["grid_on_time"] + m["grid_late"] + m["grid_overdue"]
    if not m["grid_tasks"]:
        return None, "本年度未收到网格协助事项"
    share = _rate(m["grid_on_time"], judged)
    if share is None:
        return None, f"收到网格协助事项{m['grid_tasks']}件，均未到办理期限"
    return share, (f"网格协助事项应办结{judged}件，按期回复{m['grid_on_time']}件，逾期回复{m['grid_late']}件，"
                   f"期限届满未回复{m['grid_overdue']}件（按期{percent(share)}）")


def _points(value):
    return f"{value.normalize():f}"


SUGGESTION_RULE_TEXT = (f"本年度被送达司法建议函的，每件扣{_points(SUGGESTION_LETTER_DEDUCTION)}分；其中未在回复期限内回复的"
                        f"（逾期回复，或期限届满仍未回复），每件再扣{_points(SUGGESTION_OVERDUE_DEDUCTION)}分；扣完本项分值为止")


# Grid assistance (网格协助; Yunfu item 9, Liwan 四(二十二)): a subdistrict's villages and communities answer the
# courts' grid tasks; the share of those answered within their time counts for the subdistrict, as the grid overview
# shows it (grid/overview.py). Only subdistricts are judged on it; a subdistrict with no task due yet keeps the points.
GRID_RULE_TEXT = ("仅适用于街道（镇）：本年度发给其所辖村（居）委会的网格协助事项中，在办理期限内回复的比例"
                  "（按期回复件数 ÷ 应办结件数；应办结指已回复或期限届满仍未回复，逾期回复和期限届满未回复的均不得分；"
                  "已撤回的和尚在期限内的不计）；无网格协助事项的不扣分，其他单位不适用本项，得满分")


RULES = {
    "reply_on_time_rate": (Rule("reply_on_time_rate", "按期回复率", "按期回复件数 ÷ 应回复件数（已回复或已过期限，不含撤回的）"), _reply_on_time),
    "ack_in_time_rate": (Rule("ack_in_time_rate", "一个工作日内签收率", "一个工作日内签收件数 ÷ 应签收件数（已签收或签收期限已过）"), _ack_in_time),
    "escalation_free_rate": (Rule("escalation_free_rate", "未被逾期督办比例", "1 − 被督办件数 ÷ 应回复件数"),
                             _escalation_free),
    "reply_rate": (Rule("reply_rate", "回复率", "已回复件数 ÷ 应回复件数"), _reply_rate),
    "push_ack_rate": (Rule("push_ack_rate", "失信名单推送按时签收率", "一个工作日内签收条数 ÷ 应签收条数（已签收或签收期限已过）"), _push_ack),
    "decision_on_time_rate": (Rule("decision_on_time_rate", "会议决定按期落实率", "按期完成项数 ÷ 应落实项数"),
                              _decisions_on_time),
    "suggestion_letters": (Rule("suggestion_letters", "司法建议函扣分", SUGGESTION_RULE_TEXT, deducts=True),
                           _suggestion_letters),
    "grid_on_time_rate": (Rule("grid_on_time_rate", "网格协助按期回复率",
                               "按期回复件数 ÷ 应办结件数（已回复或期限届满仍未回复，不含撤回的；仅街道（镇））"),
                          _grid_on_time),
}
RULE_CHOICES = [(code, rule.label) for code, (rule, _) in RULES.items()]

# (code, name, group, points, source, method, description)
DEFAULT_CRITERIA = [
    ("reply_on_time", "按期回复", CriterionGroup.TIMELINESS, "25", CriterionSource.AUTO, "reply_on_time_rate",
     "在办理期限（含经同意延长的期限）内回复的比例"),
    ("ack_in_time", "及时签收", CriterionGroup.TIMELINESS, "10", CriterionSource.AUTO, "ack_in_time_rate",
     "送达后一个工作日内签收的比例"),
    ("no_escalation", "无逾期督办", CriterionGroup.TIMELINESS, "5", CriterionSource.AUTO, "escalation_free_rate",
     "未因逾期被督办的比例"),
    ("reply_complete", "回复完整", CriterionGroup.COMPLETENESS, "15", CriterionSource.AUTO, "reply_rate",
     "应回复的通知书已回复的比例"),
    ("reply_quality", "办理质量", CriterionGroup.COMPLETENESS, "10", CriterionSource.COURT, "",
     "回复结果是否逐项、准确，材料是否加盖公章（法院评分，扣分须说明理由）"),
    ("push_ack", "名单推送签收", CriterionGroup.COOPERATION, "5", CriterionSource.AUTO, "push_ack_rate",
     "联合惩戒单位一个工作日内签收失信名单推送的比例"),
    ("decisions", "会议决定落实", CriterionGroup.COOPERATION, "5", CriterionSource.AUTO, "decision_on_time_rate",
     "联席会议决定事项按期完成的比例"),
    ("suggestions", "司法建议函", CriterionGroup.COOPERATION, "5", CriterionSource.AUTO, "suggestion_letters",
     SUGGESTION_RULE_TEXT),
    ("cooperation", "日常配合", CriterionGroup.COOPERATION, "5", CriterionSource.COURT, "",
     "联系人履职、出席联席会议、审查建议是否合理等（法院评分，扣分须说明理由；被发司法建议函的已由上项扣分）"),
    ("grid", "网格协助", CriterionGroup.COOPERATION, "5", CriterionSource.AUTO, "grid_on_time_rate", GRID_RULE_TEXT),
    ("committee", "政法委综合评价", CriterionGroup.JUDGEMENT, "10", CriterionSource.COMMITTEE, "",
     "政法委根据全年情况评定（扣分须说明理由；街道（镇）网格协助情况已由“网格协助”项计分）"),
]
TOTAL_POINTS = Decimal("100")


def auto_points(criterion_points, method, metrics):
    """(points, share or None, explanation) of an automatic criterion for one unit's metrics. A deducting rule's
    points come off the criterion's, never below zero; its share is what is left of them."""
    spec, rule = RULES[method]
    share, explanation = rule(metrics)
    points = Decimal(str(criterion_points))
    if share is None:
        return points, None, f"{explanation}，不扣分"
    if spec.deducts:
        earned = max(points - share, Decimal(0)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        if share > points:
            explanation = f"{explanation}，扣完本项{_points(points)}分为止"
        return earned, (float(earned / points) if points else None), explanation
    share = min(max(share, 0), 1)
    earned = (points * Decimal(str(share))).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return earned, share, explanation
