"""How long a freeze or a seal may last: the one rule, by the kind of property (《最高人民法院关于适用〈中华人民共和国
民事诉讼法〉的解释》第四百八十五条: bank deposits at most one year, movables at most two, real estate and other property
rights at most three). The drafting form, the API's input serializer and the drafting service all ask
`period_refusal`, so a longer period is refused in the same Chinese words wherever it is typed.

The mapping of every `PropertyKind` (where the article is silent, the stricter reading):
- 12 months — money held in an account: bank accounts, housing fund, social insurance accounts, tax refunds due
  and securities accounts (their 交易结算资金 are frozen like deposits);
- 24 months — movables: vehicles;
- 36 months — real estate, equity, insurance policies (a right under the policy) and other property rights;
- no period at all — locating a person (人员下落) is not a freeze or a seal.
"""

import calendar
import datetime
from dataclasses import dataclass

from .models import PropertyKind

LEGAL_BASIS = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条"


@dataclass(frozen=True)
class PeriodLimit:
    months: int
    category: str  # what the article calls the property
    verb: str  # what is done to it
    years: str  # the limit in the article's words

    @property
    def text(self):
        return f"{self.category}{self.verb}期限不得超过{self.years}（{self.months}个月）"


DEPOSITS = PeriodLimit(12, "银行存款等资金", "冻结", "一年")
MOVABLES = PeriodLimit(24, "动产", "查封、扣押", "二年")
PROPERTY_RIGHTS = PeriodLimit(36, "不动产及其他财产权", "查封、冻结", "三年")

LIMITS = {
    PropertyKind.BANK_ACCOUNT: DEPOSITS,
    PropertyKind.HOUSING_FUND: DEPOSITS,
    PropertyKind.SOCIAL_SECURITY: DEPOSITS,
    PropertyKind.TAX_REFUND: DEPOSITS,
    PropertyKind.SECURITIES: DEPOSITS,
    PropertyKind.VEHICLE: MOVABLES,
    PropertyKind.REAL_ESTATE: PROPERTY_RIGHTS,
    PropertyKind.EQUITY: PROPERTY_RIGHTS,
    PropertyKind.INSURANCE: PROPERTY_RIGHTS,
    PropertyKind.OTHER: PROPERTY_RIGHTS,
    PropertyKind.PERSON: None,
}
MAX_MONTHS = max(limit.months for limit in LIMITS.values() if limit)


def max_months(kind):
    """The longest period a measure on this kind of property may have, in months (None: no period at all)."""
    limit = LIMITS.get(kind or PropertyKind.OTHER, PROPERTY_RIGHTS)
    return limit.months if limit else None


def period_refusal(kind, months):
    """The Chinese refusal of `months` for this kind of property, or "" when it is lawful (or no period is given)."""
    if months in (None, ""):
        return ""
    kind = kind or PropertyKind.OTHER
    label = PropertyKind(kind).label if kind in PropertyKind.values else str(kind)
    limit = LIMITS.get(kind, PROPERTY_RIGHTS)
    if limit is None:
        return f"{label}不是冻结、查封的财产，不设期限。"
    if months < 1:
        return "冻结、查封期限至少为1个月。"
    if months > limit.months:
        return f"{label}属{limit.text}（{LEGAL_BASIS}），请填写1至{limit.months}个月。"
    return ""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of a term of `months` starting on `start` (a one-year freeze from 5 January 2026 ends on
    4 January 2027)."""
    return add_months(start, months) - datetime.timedelta(days=1)
