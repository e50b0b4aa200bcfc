"""Charts drawn by the app as inline SVG, on the server: no JavaScript, no CDN, the same markup in the page and in
the PDF (WeasyPrint renders inline SVG). Every chart carries a <title> and an aria-label, and every value is also
printed as text next to its mark, so the figures can be read without seeing the colours.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"
BAR = "#a61b1b"
BAR_LIGHT = "#d98c8c"
GRID = "#dddddd"
TEXT = "#222222"
MUTED = "#777777"


def _percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"


def _svg(width, height, title, body):
    return mark_safe(
        # Width 100% and no height: the chart scales with its box, the viewBox keeping its proportions (no inline
        # style, which the Content-Security-Policy refuses).
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="{FONT}" font-size="11">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def rate_bars(items, *, title, width=640, highlight=None):
    """Horizontal bars of a rate per unit, best first; `items` are dicts with `label`, `rate` (0..1 or None) and
    `unit_id`; the unit `highlight` (an id) is drawn darker."""
    omitted = sum(1 for item in items if item["rate"] is None)
    items = sorted((item for item in items if item["rate"] is not None), key=lambda item: (-item["rate"], item["label"]))
    label_width, value_width, row, top = 120, 56, 18, 22
    plot = width - label_width - value_width
    height = top + row * max(len(items), 1) + 22 + (16 if omitted else 0)
    parts = [f'<text x="0" y="13" fill="{TEXT}" font-size="12" font-weight="bold">{escape(title)}</text>']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = label_width + plot * tick
        bottom = top + row * max(len(items), 1)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom + 4}" stroke="{GRID}"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" fill="{MUTED}" text-anchor="middle">{int(tick * 100)}%</text>')
    for index, item in enumerate(items):
        y = top + index * row
        label = escape(item["label"][:9])
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" fill="{TEXT}" text-anchor="end">{label}</text>')
        rate = item["rate"]
        if rate is not None:
            colour = BAR if highlight is None or item.get("unit_id") == highlight else BAR_LIGHT
            parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{plot * rate:.1f}" height="{row - 6}" '
                         f'fill="{colour}"><title>{label} {_percent(rate)}</title></rect>')
        parts.append(f'<text x="{label_width + plot + 6}" y="{y + 12}" fill="{TEXT}">{_percent(rate)}</text>')
    if not items:
        parts.append(f'<text x="{label_width}" y="{top + 12}" fill="{MUTED}">暂无数据</text>')
    if omitted:
        parts.append(f'<text x="0" y="{height - 2}" fill="{MUTED}">另有{omitted}个单位本年度无应回复的通知书，未列入。</text>')
    return _svg(width, height, title, "".join(parts))


def histogram(buckets, *, title, width=640, height=220):
    """Vertical bars: `buckets` are dicts with `label` (working days) and `count`."""
    left, bottom, top = 40, 36, 34
    plot_width, plot_height = width - left - 10, height - top - bottom
    peak = max([bucket["count"] for bucket in buckets] + [1])
    step = plot_width / max(len(buckets), 1)
    parts = [f'<text x="0" y="13" fill="{TEXT}" font-size="12" font-weight="bold">{escape(title)}</text>']
    for fraction in (0, 0.5, 1):
        y = top + plot_height * (1 - fraction)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" fill="{MUTED}" text-anchor="end">{round(peak * fraction)}</text>')
    for index, bucket in enumerate(buckets):
        x = left + index * step
        bar_height = plot_height * bucket["count"] / peak
        label = escape(bucket["label"])
        parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_height - bar_height:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{bar_height:.1f}" fill="{BAR}"><title>{label}个工作日：{bucket["count"]}件</title></rect>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_height - bar_height - 3:.1f}" fill="{TEXT}" '
                     f'text-anchor="middle">{bucket["count"]}</text>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_height + 14:.1f}" fill="{TEXT}" '
                     f'text-anchor="middle">{label}</text>')
    parts.append(f'<text x="{left + plot_width / 2:.1f}" y="{height - 4}" fill="{MUTED}" text-anchor="middle">'
                 "回复用时（工作日）</text>")
    return _svg(width, height, title, "".join(parts))


def trend(points, *, title, score_label="平均得分", width=640, height=220):
    """A line per year: the on-time reply rate (solid, left axis 0-100%) and, where a board was finalised, the
    average or the unit's total score (dashed, the same 0-100 scale). `points` are dicts with `year`, `rate` and
    `average_total` (a string or None)."""
    left, right, bottom, top = 44, 16, 40, 24
    plot_width, plot_height = width - left - right, height - top - bottom
    parts = [f'<text x="0" y="13" fill="{TEXT}" font-size="12" font-weight="bold">{escape(title)}</text>']
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = top + plot_height * (1 - fraction)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" fill="{MUTED}" text-anchor="end">{int(fraction * 100)}</text>')
    if not points:
        parts.append(f'<text x="{left + 8}" y="{top + 20}" fill="{MUTED}">暂无数据</text>')
        return _svg(width, height, title, "".join(parts))
    step = plot_width / max(len(points) - 1, 1)

    def xy(index, value):
        x = left + (step * index if len(points) > 1 else plot_width / 2)
        return x, top + plot_height * (1 - value)

    for series, key, dashed, scale in (("按期回复率", "rate", False, 1), ("得分", "average_total", True, 100)):
        coordinates = [(index, float(point[key]) / scale) for index, point in enumerate(points)
                       if point.get(key) is not None]
        if not coordinates:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in coordinates))
        style = f'stroke-dasharray="5,4" stroke="{MUTED}"' if dashed else f'stroke="{BAR}"'
        parts.append(f'<polyline points="{path}" fill="none" stroke-width="2" {style}/>')
        for index, value in coordinates:
            x, y = xy(index, value)
            text = f"{value * 100:.1f}%" if not dashed else f"{value * 100:.2f}"
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{MUTED if dashed else BAR}">'
                         f"<title>{points[index]['year']}年{series} {text}</title></circle>")
            parts.append(f'<text x="{x:.1f}" y="{y - 6:.1f}" fill="{TEXT}" text-anchor="middle">{text}</text>')
    for index, point in enumerate(points):
        x, _ = xy(index, 0)
        parts.append(f'<text x="{x:.1f}" y="{top + plot_height + 14:.1f}" fill="{TEXT}" text-anchor="middle">'
                     f"{point['year']}</text>")
    legend_y = height - 6
    parts.append(f'<line x1="{left}" y1="{legend_y - 4}" x2="{left + 18}" y2="{legend_y - 4}" stroke="{BAR}" '
                 'stroke-width="2"/>')
    parts.append(f'<text x="{left + 22}" y="{legend_y}" fill="{TEXT}">按期回复率（%）</text>')
    parts.append(f'<line x1="{left + 140}" y1="{legend_y - 4}" x2="{left + 158}" y2="{legend_y - 4}" '
                 f'stroke="{MUTED}" stroke-dasharray="5,4" stroke-width="2"/>')
    parts.append(f'<text x="{left + 162}" y="{legend_y}" fill="{TEXT}">{escape(score_label)}（分；往年为定稿数）</text>')
    return _svg(width, height, title, "".join(parts))


def board_charts(board, *, unit_id=None, unit_trend=None):
    """The three charts of a board (or of one unit's page): on-time rate per unit, reply-time distribution,
    year over year."""
    charts = board["charts"]
    if unit_id is None:
        return {
            "on_time": rate_bars(charts["on_time"], title=f"{board['year']}年各单位按期回复率"),
            "histogram": histogram(charts["histogram"], title=f"{board['year']}年回复用时分布（件）"),
            "trend": trend(charts["trend"], title="历年按期回复率与平均得分"),
        }
    from .metrics import HISTOGRAM_BUCKETS, bucket_of

    row = next(r for r in board["rows"] if r["unit"]["id"] == unit_id)
    counts = {label: 0 for label, _, _ in HISTOGRAM_BUCKETS}
    for days, count in row["metrics"]["reply_histogram"].items():
        counts[bucket_of(int(days))] += count
    return {
        "histogram": histogram([{"label": k, "count": v} for k, v in counts.items()],
                               title=f"{board['year']}年本单位回复用时分布（件）"),
        "trend": trend(unit_trend or [], title="本单位历年按期回复率与得分", score_label="本单位得分"),
    }
