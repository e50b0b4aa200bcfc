"""How a board's figures are printed: one list of metric columns and one formatter, used by the page, the PDF and
the Excel file alike, so the three always show the same figures."""

from .criteria import percent

# (key, header, drill-down): the drill-down is ("notices", metric) or ("records", kind) or None.
NOTICE_COLUMNS = [
    ("received", "收到件数", ("notices", "received")),
    ("acknowledged_in_time", "一个工作日内签收", ("notices", "acknowledged_in_time")),
    ("assessed", "应回复", ("notices", "assessed")),
    ("replied_on_time", "按期回复", ("notices", "replied_on_time")),
    ("on_time_rate", "按期回复率", ("notices", "replied_late")),
    ("overdue", "逾期件数", ("notices", "overdue")),
    ("overdue_days", "逾期工作日", ("notices", "overdue")),
    ("reply_days_avg", "平均回复用时", ("notices", "replied")),
    ("reply_days_p90", "90%回复用时", ("notices", "replied")),
]
COOPERATION_COLUMNS = [
    ("reminders", "催办次数", ("notices", "reminded")),
    ("escalations", "督办次数", ("notices", "escalated")),
    ("extensions_requested", "申请延期", ("notices", "extensions_requested")),
    ("extensions_granted", "同意延期", ("notices", "extensions_granted")),
    ("reviews_raised", "审查建议", ("notices", "reviews_raised")),
    ("reviews_upheld", "建议成立", ("notices", "reviews_upheld")),
    ("pushes", "名单推送", ("records", "pushes")),
    ("pushes_acknowledged_in_time", "按时签收推送", ("records", "pushes")),
    ("screening_hits", "筛查命中", ("records", "screenings")),
    ("decisions", "应落实决定", ("records", "decisions")),
    ("decisions_done_on_time", "按期落实", ("records", "decisions")),
    ("suggestions", "司法建议函", ("records", "suggestions")),
    ("suggestions_overdue", "建议函未按期回复", ("records", "suggestions")),
    ("grid_tasks", "网格协助事项", ("records", "grid")),
    ("grid_on_time", "网格按期回复", ("records", "grid")),
    ("grid_overdue", "网格逾期未回复", ("records", "grid")),
]
METRIC_COLUMNS = NOTICE_COLUMNS + COOPERATION_COLUMNS
RECORD_KINDS = {"pushes": "失信名单推送", "screenings": "失信筛查", "decisions": "联席会议决定",
                "suggestions": "司法建议函", "grid": "网格协助事项"}


def metric_value(row, key):
    """The raw value of a metric column for a board row (a number, a share, or None)."""
    metrics = row["metrics"]
    if key == "on_time_rate":
        return row["rates"]["on_time"]
    return metrics.get(key)


def format_metric(key, value):
    if value is None:
        return "—"
    if key == "on_time_rate":
        return percent(value)
    if key in ("reply_days_avg", "reply_days_p90"):
        return f"{float(value):.2f}"
    return str(value)


def metric_cells(row, columns=METRIC_COLUMNS):
    """[{key, header, text, target}] for one row."""
    return [{"key": key, "header": header, "text": format_metric(key, metric_value(row, key)), "target": target}
            for key, header, target in columns]


def score_cells(board, row):
    return [{"code": c["code"], "name": c["name"], "text": row["scores"][c["code"]]["points"],
             "max": c["points"], "score": row["scores"][c["code"]]} for c in board["criteria"]]


def decorate(board):
    """Add the printed cells to every row (in place) and return the board."""
    for row in board["rows"]:
        row["score_cells"] = score_cells(board, row)
        row["notice_cells"] = metric_cells(row, NOTICE_COLUMNS)
        row["cooperation_cells"] = metric_cells(row, COOPERATION_COLUMNS)
    return board
