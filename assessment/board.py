"""The scoreboard as plain, JSON-ready data: the same structure feeds the page, the PDF, the Excel file, the API and
the frozen snapshot of a finalised board, so all of them hold the same figures.

A unit's score on a criterion: an automatic criterion takes its points from the metric rule (`criteria.py`); a
manual one is full points until the court (or, for the committee's item, the committee) enters a score with a
reason; a committee adjustment overrides either, with its reason. Ranks are competition ranks (1, 2, 2, 4) by total,
among the units that had work to judge: a unit that received no notice in the year ("无协助任务"), or none yet due
("暂无到期任务"), loses nothing anywhere and would otherwise top the board at 100, so it is listed after the ranked
units without a rank (`standing_of`, `RANKING_RULE` printed on the page) and left out of the average.
Points are kept as strings with two decimals ("23.75"), so nothing is lost to floating point on the way to a file.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from members.models import Organisation

from .criteria import DEFAULT_CRITERIA, RULES, auto_points
from .metrics import HISTOGRAM_BUCKETS, bucket_of, compute_metrics, yearly_on_time_rates
from .models import AssessmentState, CriterionGroup, CriterionSource, ScoreEntry, ScoreStage

TWO = Decimal("0.01")
YEARS_BACK = 4

STANDINGS = {"no_notices": "无协助任务", "none_due": "暂无到期任务"}
RANKING_RULE = ("按总分从高到低排名，同分同名次。只有已到期限（或已办结）的事项计入各项比率，未到期的事项不扣分；"
                "法院撤回的通知书不计入。本年度未收到协助执行通知书（街道（镇）亦未收到网格协助事项）的单位显示为“无协助任务”，"
                "收到但尚无到期事项的显示为“暂无到期任务”，均不参加排名，列于排名单位之后，也不计入平均分。")


def standing_of(metrics):
    """"ranked", or why the unit is not: no notices in the year, or none that has come due for signing or
    answering (withdrawn notices do not count). A subdistrict's grid tasks are work to judge as well: one with grid
    tasks and no notice is ranked once a task is answered or overdue."""
    grid_judged = sum(metrics.get(key) or 0 for key in ("grid_on_time", "grid_late", "grid_overdue"))
    if not metrics["received"] and not metrics.get("grid_tasks"):
        return "no_notices"
    if not (metrics.get("ack_due") or metrics["assessed"] or grid_judged):
        return "none_due"
    return "ranked"


def fmt(value):
    """Points as printed everywhere: two decimals."""
    return str(Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP))


def criteria_of(assessment):
    """The active criteria of an assessment as dicts; the default scheme when the assessment is not created yet."""
    if assessment is not None and assessment.pk:
        rows = [
            {"id": c.pk, "code": c.code, "name": c.name, "group": c.group, "points": fmt(c.points), "source": c.source,
             "method": c.method, "description": c.description}
            for c in assessment.criteria.filter(active=True).order_by("sort_order", "id")
        ]
    else:
        rows = [
            {"id": None, "code": code, "name": name, "group": str(group), "points": fmt(points), "source": str(source),
             "method": method, "description": description}
            for code, name, group, points, source, method, description in DEFAULT_CRITERIA
        ]
    for row in rows:
        row["group_display"] = CriterionGroup(row["group"]).label
        row["source_display"] = CriterionSource(row["source"]).label
        row["method_display"] = RULES[row["method"]][0].label if row["method"] in RULES else ""
    return rows


def groups_of(criteria):
    seen = []
    for criterion in criteria:
        if criterion["group"] not in [g["code"] for g in seen]:
            seen.append({"code": criterion["group"], "name": criterion["group_display"], "points": Decimal(0)})
        for group in seen:
            if group["code"] == criterion["group"]:
                group["points"] += Decimal(criterion["points"])
    return [{**group, "points": fmt(group["points"])} for group in seen]


def assessed_units(jurisdiction):
    """The member units scored: active units of the jurisdiction that are neither a court nor the committee."""
    return list(Organisation.objects.active().member_units().filter(jurisdiction=jurisdiction)
                .order_by("sort_order", "id"))


def _current_entries(assessment):
    if assessment is None or not assessment.pk:
        return {}
    entries = {}
    for entry in (ScoreEntry.objects.filter(assessment=assessment, is_current=True)
                  .select_related("criterion", "entered_by")):
        entries[(entry.unit_id, entry.criterion.code, entry.stage)] = entry
    return entries


def _entry_dict(entry):
    return {"points": fmt(entry.points), "reason": entry.reason, "by": entry.entered_by.display_name,
            "at": timezone.localtime(entry.entered_at).isoformat()}


def score_unit(criteria, metrics, entries, unit_id):
    """{criterion code: score dict} and the total for one unit."""
    scores, total = {}, Decimal(0)
    for criterion in criteria:
        maximum = Decimal(criterion["points"])
        court = entries.get((unit_id, criterion["code"], ScoreStage.COURT))
        committee = entries.get((unit_id, criterion["code"], ScoreStage.COMMITTEE))
        share = None
        if criterion["source"] == CriterionSource.AUTO:
            points, share, explanation = auto_points(maximum, criterion["method"], metrics)
            source = "auto"
        else:
            points, explanation, source = maximum, "未扣分", "default"
            entry = court if criterion["source"] == CriterionSource.COURT else committee
            if entry is not None:
                points, explanation, source = entry.points, entry.reason, criterion["source"]
        score = {"points": fmt(points), "max": fmt(maximum), "share": share, "explanation": explanation,
                 "source": source, "court": _entry_dict(court) if court else None, "adjustment": None}
        if committee is not None and criterion["source"] != CriterionSource.COMMITTEE:
            # The committee's adjustment overrides the metric's or the court's score.
            score["adjustment"] = {**_entry_dict(committee), "from": score["points"]}
            score["points"], score["source"] = fmt(committee.points), "committee"
        scores[criterion["code"]] = score
        total += Decimal(score["points"])
    return scores, fmt(total)


def _pulled_down(criteria, scores):
    """What cost the unit points, largest loss first."""
    items = []
    for criterion in criteria:
        score = scores[criterion["code"]]
        lost = Decimal(score["max"]) - Decimal(score["points"])
        if lost > 0:
            reason = score["adjustment"]["reason"] if score["adjustment"] else score["explanation"]
            items.append({"code": criterion["code"], "name": criterion["name"], "lost": fmt(lost), "reason": reason,
                          "adjusted": bool(score["adjustment"])})
    return sorted(items, key=lambda item: -Decimal(item["lost"]))


def _ranks(rows):
    """Competition ranks among the ranked rows; the others follow, unranked, in the units' order."""
    ranked = sorted((row for row in rows if row["standing"] == "ranked"),
                    key=lambda row: (-Decimal(row["total"]), row["sort"]))
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row["total"] != previous:
            rank, previous = position, row["total"]
        row["rank"] = rank
    unranked = sorted((row for row in rows if row["standing"] != "ranked"), key=lambda row: row["sort"])
    for row in unranked:
        row["rank"] = None
    return ranked + unranked


def _rate(numerator, denominator):
    return None if not denominator else round(numerator / denominator, 4)


def _charts(rows, year, unit_ids, history, average):
    on_time = [
        {"unit_id": row["unit"]["id"], "label": row["unit"]["short_name"],
         "rate": _rate(row["metrics"]["replied_on_time"], row["metrics"]["assessed"])}
        for row in rows
    ]
    histogram = {label: 0 for label, _, _ in HISTOGRAM_BUCKETS}
    for row in rows:
        for days, count in row["metrics"]["reply_histogram"].items():
            histogram[bucket_of(int(days))] += count
    years = list(range(year - YEARS_BACK, year + 1))
    rates = yearly_on_time_rates(unit_ids, years)
    trend = []
    for each in years:
        assessed, on_time_count = rates.get(each, (0, 0))
        if each == year:
            assessed = sum(row["metrics"]["assessed"] for row in rows)
            on_time_count = sum(row["metrics"]["replied_on_time"] for row in rows)
        if not assessed and each != year:
            continue
        trend.append({"year": each, "rate": _rate(on_time_count, assessed),
                      "average_total": average if each == year else history.get(each, {}).get("average_total")})
    return {"on_time": on_time, "histogram": [{"label": k, "count": v} for k, v in histogram.items()],
            "trend": trend}


def finalised_history(jurisdiction, before_year):
    """{year: {"average_total"}} from the latest finalised version of earlier years, for the trend line."""
    from .models import ScoreboardVersion

    history = {}
    versions = (ScoreboardVersion.objects.filter(assessment__jurisdiction=jurisdiction,
                                                 assessment__year__lt=before_year,
                                                 assessment__year__gte=before_year - YEARS_BACK)
                .order_by("assessment__year", "number").values_list("assessment__year", "data"))
    for year, data in versions:
        history[year] = {"average_total": data.get("average_total"),
                         "units": {str(r["unit"]["id"]): r["total"] for r in data.get("rows", [])}}
    return history


def nominations_of(assessment):
    if assessment is None or not assessment.pk:
        return []
    return [
        {"id": n.pk, "kind": n.kind, "kind_display": n.get_kind_display(), "unit_id": n.unit_id,
         "unit_name": n.unit.name, "person_name": n.person_name, "person_position": n.person_position,
         "evidence": n.evidence, "state": n.state, "state_display": n.get_state_display(),
         "proposed_by": n.proposed_by.display_name, "proposed_at": timezone.localtime(n.proposed_at).isoformat(),
         "decided_by": n.decided_by.display_name if n.decided_by_id else "",
         "decision_reason": n.decision_reason}
        for n in assessment.nominations.select_related("unit", "proposed_by", "decided_by").order_by("kind", "id")
    ]


def build_board(jurisdiction, year, assessment=None, *, as_of=None, metrics=None):
    """The live scoreboard of a jurisdiction's year (computed now; see `frozen` in selectors for finalised ones)."""
    as_of = as_of or timezone.now()
    units = assessed_units(jurisdiction)
    unit_ids = [unit.pk for unit in units]
    metrics = metrics if metrics is not None else compute_metrics(unit_ids, year, as_of=as_of)
    criteria = criteria_of(assessment)
    entries = _current_entries(assessment)
    rows = []
    for unit in units:
        unit_metrics = metrics[unit.pk]
        scores, total = score_unit(criteria, unit_metrics, entries, unit.pk)
        standing = standing_of(unit_metrics)
        rows.append({
            "unit": {"id": unit.pk, "code": unit.code, "name": unit.name, "short_name": unit.short_name},
            "sort": unit.sort_order * 1_000_000 + unit.pk,
            "standing": standing,
            "standing_display": STANDINGS.get(standing, ""),
            "metrics": unit_metrics,
            "rates": {
                "ack_in_time": _rate(unit_metrics["acknowledged_in_time"], unit_metrics["ack_due"]),
                "on_time": _rate(unit_metrics["replied_on_time"], unit_metrics["assessed"]),
                "replied": _rate(unit_metrics["replied"], unit_metrics["assessed"]),
            },
            "scores": scores,
            "groups": {},
            "total": total,
            "pulled_down": _pulled_down(criteria, scores),
        })
        for criterion in criteria:
            group = rows[-1]["groups"].setdefault(criterion["group"], Decimal(0))
            rows[-1]["groups"][criterion["group"]] = group + Decimal(scores[criterion["code"]]["points"])
        rows[-1]["groups"] = {code: fmt(value) for code, value in rows[-1]["groups"].items()}
    rows = _ranks(rows)
    history = finalised_history(jurisdiction, year)
    ranked = [row for row in rows if row["rank"] is not None]
    average = fmt(sum(Decimal(row["total"]) for row in ranked) / len(ranked)) if ranked else None
    state = assessment.state if assessment is not None and assessment.pk else AssessmentState.PREPARING
    return {
        "year": year,
        "jurisdiction": {"id": jurisdiction.pk, "code": jurisdiction.code, "name": jurisdiction.name},
        "as_of": timezone.localtime(as_of).isoformat(),
        "state": state,
        "state_display": AssessmentState(state).label,
        "final": False,
        "version": None,
        "criteria": criteria,
        "groups": groups_of(criteria),
        "ranking_rule": RANKING_RULE,
        "rows": rows,
        "average_total": average,
        "nominations": nominations_of(assessment),
        "charts": _charts(rows, year, unit_ids, history, average),
        "history": {str(year): value for year, value in history.items()},
    }


def unit_trend(board, unit_id):
    """A unit's own year-over-year line: its on-time rate per year (live for unfinalised years) and its finalised
    totals, for the unit's page."""
    year = board["year"]
    years = list(range(year - YEARS_BACK, year + 1))
    rates = yearly_on_time_rates([unit_id], years)
    own = next((row for row in board["rows"] if row["unit"]["id"] == unit_id), None)
    trend = []
    for each in years:
        assessed, on_time = rates.get(each, (0, 0))
        if each == year and own is not None:
            assessed, on_time = own["metrics"]["assessed"], own["metrics"]["replied_on_time"]
        total = board.get("history", {}).get(str(each), {}).get("units", {}).get(str(unit_id))
        if each == year and own is not None:
            total = own["total"]
        if not assessed and total is None:
            continue
        trend.append({"year": each, "rate": _rate(on_time, assessed), "average_total": total})
    return trend
