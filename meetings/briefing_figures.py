"""What a committee briefing is drafted from, read from the record when the draft is made: the last finalised
scoreboard of the jurisdiction (its frozen version), the units with notices overdue now (how many, since when),
the units the committee decided to criticise (通报批评) in the period; and the sections' text made from them."""

import datetime

from django.db.models import Count, Min
from django.utils import timezone

from assistance.models import Notice
from members.models import Organisation

TOP = 3  # how many units at the head and the tail of the scoreboard the text names

REQUIREMENTS = ("各成员单位要对照本通报，认真查找协助执行工作中存在的问题；有逾期未办理协助执行通知书的单位，"
                "请于收到本通报之日起五个工作日内办结并向区人民法院反馈；被通报批评的单位要深刻反思，切实整改。")


def _day(value):
    return f"{value.year}年{value.month}月{value.day}日"


# The scoreboard and the criticism decisions are the assessment's, an app above this one: it registers its readers
# here when it is ready (assessment/briefing_sources.py), so meetings never imports it. Without it: none.
SOURCES = {"scoreboard": lambda jurisdiction: None, "criticism": lambda jurisdiction, period_from, period_to: []}


def scoreboard_figures(jurisdiction):
    """The last finalised scoreboard (its latest frozen version): year, version, average and the ranked rows."""
    return SOURCES["scoreboard"](jurisdiction)


def overdue_figures(jurisdiction, now):
    """Per unit of the jurisdiction, the notices overdue at `now` (open, past their deadline): count and the
    earliest deadline, most first."""
    rows = list(Notice.objects.filter(court__jurisdiction=jurisdiction).overdue(now).values("unit_id")
                .annotate(count=Count("pk"), oldest=Min("due_at")).order_by("-count", "oldest", "unit_id"))
    units = Organisation.objects.in_bulk([row["unit_id"] for row in rows])
    return [{"unit_id": row["unit_id"], "unit": units[row["unit_id"]].name, "count": row["count"],
             "oldest": timezone.localtime(row["oldest"]).date().isoformat()} for row in rows]


def criticism_figures(jurisdiction, period_from, period_to):
    """The units the committee decided to criticise (an approved 通报批评) within the period, with the facts."""
    return SOURCES["criticism"](jurisdiction, period_from, period_to)


def draft_figures(jurisdiction, period_from, period_to, now=None):
    now = now or timezone.now()
    return {
        "as_of": timezone.localtime(now).isoformat(),
        "scoreboard": scoreboard_figures(jurisdiction),
        "overdue": overdue_figures(jurisdiction, now),
        "criticism": criticism_figures(jurisdiction, period_from, period_to),
    }


def opening_text(jurisdiction, period_from, period_to):
    return (f"为推动{jurisdiction.name}执行联动工作，现将{_day(period_from)}至{_day(period_to)}执行联动机制运行情况"
            "通报如下：")


def scoreboard_text(board):
    if board is None:
        return "本期尚无定稿的年度考评结果。"
    ranked = [row for row in board["rows"] if row["rank"] is not None]
    ranked.sort(key=lambda row: row["rank"])
    text = f"{board['year']}年度执行联动工作考评已定稿（第{board['version']}版），{len(board['rows'])}个成员单位参评"
    if board["average"] is not None:
        text += f"，平均得分{board['average']}分"
    text += "。"
    if ranked:
        head = "、".join(f"{row['unit']}（{row['total']}分）" for row in ranked[:TOP])
        text += f"排名前列的单位：{head}。"
        if len(ranked) > TOP:
            tail = "、".join(f"{row['unit']}（{row['total']}分）" for row in ranked[-TOP:][::-1])
            text += f"排名靠后的单位：{tail}。"
    return text


def overdue_text(rows, now):
    day = _day(timezone.localtime(now).date())
    if not rows:
        return f"截至{day}，各成员单位无逾期未办理的协助执行通知书。"
    total = sum(row["count"] for row in rows)
    units = "；".join(
        f"{row['unit']}{row['count']}份（最早于{_day(datetime.date.fromisoformat(row['oldest']))}到期）" for row in rows)
    return f"截至{day}，{len(rows)}个单位共有{total}份协助执行通知书逾期未办理：{units}。"


def criticism_text(rows, issuer_name):
    if not rows:
        return "本期无被通报批评的单位。"
    return f"经{issuer_name}研究，对以下消极不作为、慢作为的单位予以通报批评：" + "；".join(
        f"{row['unit']}（{row['evidence']}）" for row in rows) + "。"


def draft_texts(jurisdiction, period_from, period_to, figures, *, issuer):
    now = datetime.datetime.fromisoformat(figures["as_of"])
    return {
        "opening": opening_text(jurisdiction, period_from, period_to),
        "scoreboard_text": scoreboard_text(figures["scoreboard"]),
        "overdue_text": overdue_text(figures["overdue"], now),
        "criticism_text": criticism_text(figures["criticism"], issuer.short_name),
        "requirements": REQUIREMENTS,
    }
