"""The year's figures of a court's linkage work and the draft text of its annual report to the committee.

`annual_figures` reads the records (notices served in the year, listings published, meetings held and their
decisions) in a handful of aggregate queries and returns plain JSON, which the report freezes as generated.

The on-time rate is the scoreboard's: on time ÷ the notices that count toward a rate (`rated`, i.e.
`assistance.querysets.rated_condition`: answered, overdue, or lifted after the deadline; a notice still within its
time and a withdrawn one do not count). Replies are counted on notices not withdrawn.
"""

import datetime

from django.core.exceptions import FieldError
from django.db.models import Count, F, Q
from django.utils import timezone

from assistance.models import Notice, NoticeState
from assistance.querysets import on_time_condition, overdue_condition, rated_condition
from linkage.workdays import TIMEZONE

from .models import Decision, DecisionState, Meeting, MeetingKind, MeetingState


def _year_bounds(year):
    start = datetime.datetime(year, 1, 1, tzinfo=TIMEZONE)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=TIMEZONE)


def _rate(part, whole):
    return f"{part * 100 / whole:.1f}%" if whole else "—"


COUNTED = ~Q(state=NoticeState.WITHDRAWN)


def notice_counts(now):
    """The aggregate of one group of notices: served (all), withdrawn, rated (count toward the rate at `now`),
    replied, on time, late (of those not withdrawn), overdue now."""
    return {
        "total": Count("pk"),
        "withdrawn": Count("pk", filter=~COUNTED),
        "rated": Count("pk", filter=rated_condition(now)),
        "replied": Count("pk", filter=COUNTED & Q(replied_at__isnull=False)),
        "on_time": Count("pk", filter=COUNTED & on_time_condition()),
        "late": Count("pk", filter=COUNTED & Q(replied_at__isnull=False, replied_at__gt=F("due_at"))),
        "overdue": Count("pk", filter=overdue_condition(now)),
    }


def _notice_rows(notices, group, label_field, now):
    rows = notices.values(*group, label_field).annotate(**notice_counts(now)).order_by("-total", label_field)
    return [
        {"name": row[label_field], "total": row["total"], "withdrawn": row["withdrawn"], "rated": row["rated"],
         "replied": row["replied"], "on_time": row["on_time"], "late": row["late"], "overdue": row["overdue"],
         "on_time_rate": _rate(row["on_time"], row["rated"])}
        for row in rows
    ]


def annual_figures(court, year, *, now=None):
    """The year's figures of one court: notices it served in the year (by unit, by measure, by unit and measure;
    replied, on time, late, overdue now), listings it published and ended, the joint meetings of its jurisdiction
    held in the year (by kind) and their decisions (done, answered, open, overdue, answered on time)."""
    now = now or timezone.now()
    start, end = _year_bounds(year)
    notices = Notice.objects.filter(court=court, served_at__gte=start, served_at__lt=end)
    totals = notices.aggregate(**notice_counts(now))
    by_unit_measure = [
        {"unit": row["unit__name"], "measure": row["measure__name"], "count": row["count"]}
        for row in notices.values("unit__name", "measure__name").annotate(count=Count("pk"))
        .order_by("unit__name", "measure__name")
    ]
    figures = {
        "year": year,
        "court": court.name,
        "generated_at": now.isoformat(),
        "notices": {**totals, "on_time_rate": _rate(totals["on_time"], totals["rated"])},
        "by_unit": _notice_rows(notices, ["unit_id"], "unit__name", now),
        "by_measure": _notice_rows(notices, ["measure_id"], "measure__name", now),
        "by_unit_measure": by_unit_measure,
        "listings": _listing_figures(court, year),
    }
    meetings = Meeting.objects.filter(jurisdiction_id=court.jurisdiction_id, starts_at__gte=start, starts_at__lt=end,
                                      state__in=[MeetingState.HELD, MeetingState.PUBLISHED])
    kinds = dict(meetings.values_list("kind").annotate(count=Count("pk")))
    figures["meetings"] = {
        "total": sum(kinds.values()),
        "by_kind": [{"kind": label, "count": kinds.get(value, 0)} for value, label in MeetingKind.choices],
    }
    decisions = Decision.objects.filter(meeting__in=meetings, meeting__state=MeetingState.PUBLISHED).exclude(
        state=DecisionState.CANCELLED)
    today = timezone.localtime(now, TIMEZONE).date()
    counted = decisions.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(state=DecisionState.DONE)),
        replied=Count("pk", filter=Q(state=DecisionState.REPLIED)),
        open=Count("pk", filter=Q(state=DecisionState.OPEN)),
        overdue=Count("pk", filter=Q(state=DecisionState.OPEN, due_on__lt=today)),
    )
    on_time = sum(
        1 for replied_at, due_on in decisions.filter(replied_at__isnull=False).values_list("replied_at", "due_on")
        if timezone.localtime(replied_at, TIMEZONE).date() <= due_on
    )
    figures["decisions"] = {**counted, "on_time": on_time, "done_rate": _rate(counted["done"], counted["total"])}
    return figures


def _listing_figures(court, year):
    """Listings the court published in the year and those that left the list (deleted, revoked, expired)."""
    try:
        from blacklist.models import Listing

        published = Listing.objects.filter(court=court, published_on__year=year).count()
        start, end = _year_bounds(year)
        ended = Listing.objects.filter(court=court, ended_at__gte=start, ended_at__lt=end).count()
    except (ImportError, FieldError):  # the list's model is not there (an install without it)
        return {"published": None, "ended": None}
    return {"published": published, "ended": ended}


def report_title(court, year):
    return f"{court.name}关于{year}年度执行联动工作情况的报告"


def report_text(court, year, figures):
    """The draft text of the report, written from the figures in the words a court uses; the clerk edits it."""
    notices = figures["notices"]
    listings = figures["listings"]
    meetings = figures["meetings"]
    decisions = figures["decisions"]
    from members.models import Organisation

    committee = Organisation.objects.filter(jurisdiction_id=court.jurisdiction_id, kind="committee").order_by(
        "sort_order").first()
    lines = [
        f"{committee.short_name if committee else '政法委'}：",
        f"根据执行联动工作机制的要求，现将本院{year}年度执行联动工作情况报告如下：",
        "一、协助执行通知书办理情况",
        f"{year}年，本院共向各联动成员单位送达协助执行通知书{notices['total']}份"
        + (f"（其中撤回{notices['withdrawn']}份）" if notices.get("withdrawn") else "")
        + f"，已回复{notices['replied']}份，其中按期回复{notices['on_time']}份、逾期回复{notices['late']}份；"
        f"已到办理期限或已回复的{notices.get('rated', notices['total'])}份中按期回复率{notices['on_time_rate']}"
        f"（未到期限的和撤回的不计入）；截至报告生成时仍逾期未回复{notices['overdue']}份。",
    ]
    if figures["by_unit"]:
        top = "；".join(
            f"{row['name']}{row['total']}份（按期{row['on_time']}份，逾期未回复{row['overdue']}份）"
            for row in figures["by_unit"][:10]
        )
        lines.append(f"各成员单位办理情况：{top}。详见附表。")
    if figures["by_measure"]:
        lines.append("按协助措施分：" + "、".join(f"{row['name']}{row['total']}份" for row in figures["by_measure"]) + "。")
    lines.append("二、失信被执行人名单工作情况")
    if listings.get("published") is None:
        lines.append("（本系统未启用失信被执行人名单功能。）")
    else:
        lines.append(f"{year}年，本院共发布失信被执行人信息{listings['published']}条，"
                     f"依法删除、撤销或到期移出{listings['ended']}条。")
    lines.append("三、联席会议及议定事项落实情况")
    kinds = "、".join(f"{row['kind']}{row['count']}次" for row in meetings["by_kind"] if row["count"])
    lines.append(
        f"{year}年，共召开联席会议{meetings['total']}次{('（' + kinds + '）') if kinds else ''}，形成议定事项"
        f"{decisions['total']}项，已办结{decisions['done']}项、已回复待确认{decisions['replied']}项、"
        f"尚待落实{decisions['open']}项（其中逾期{decisions['overdue']}项），按期回复{decisions['on_time']}项。"
    )
    lines += [
        "四、存在的问题和下一步工作",
        "（请执行员根据本年度工作实际补充存在的问题、意见建议和下一步工作安排。）",
        "特此报告。",
    ]
    return "\n".join(lines)
