"""The official-document layout of GB/T 9704-2012 shared by every committee and court report document
(``templates/pdf/official_document.html``): the context helper and the title line breaker.

Title lines (7.3.1: 标题回行时，要做到词意完整，排列对称): there is no word segmenter on the server (jieba is not
installed), so a title is cut only between *atoms*: a phrase of the phrase list (the documents' vocabulary plus any
the caller gives) or a run of digits with the 年/年度/月/日/号 after it is one atom, every other character is one.
Among the places between atoms the breaker prefers, in this order, a place after ，、： or after 的, and a place
before 关于 / 和 / 及 / 与 / 暨 / 对; only when no such place falls on the line does it cut elsewhere between atoms
(never inside a phrase or a pair of brackets, never before closing or after opening punctuation). A title line holds at most 19 characters
(2号 = 22 pt in the 156 mm type area holds 20; one is kept for the proportional digits), and the last line is never shorter than it needs to be: the lines are
balanced by trying the latest good place first and keeping the cut that leaves no line over the width.
"""

import re

TITLE_LINE_CHARS = 19
SHORTEST_LINE = 4  # a line of fewer characters (a lone 函) costs more than any cut between phrases
BANNER_MAX_PT = 36
TYPE_AREA_WIDTH_PT = 156 / 25.4 * 72

# The vocabulary of the committee's and the courts' documents: never cut inside one of these.
PHRASES = (
    "执行联动", "工作机制", "联席会议", "会议纪要", "会议通知", "考评结果", "人民法院", "人民检察院", "政法委员会",
    "公安局", "司法建议", "建议函", "失信被执行人", "协助执行", "通知书", "工作情况", "工作报告", "成员单位",
    "联动工作", "年度", "通报", "通知", "报告", "召开", "情况", "工作", "会议", "纪要", "关于", "考评", "表彰",
    "批评", "全体会议", "专题会议", "协调会议", "案件协调", "专项督办", "督办", "党政机关", "执行案件",
    "行政机关", "生效判决", "拒不执行", "判决", "裁定", "移送", "纪检监察", "党员", "公职人员", "不履行", "逾期",
    "考评扣分", "扣分",
)
BREAK_AFTER = set("，、：；")
BREAK_AFTER_ATOMS = {"的"}
BREAK_BEFORE_ATOMS = {"关于", "和", "及", "与", "暨", "对"}
NO_LINE_START = set("，、。：；！？）》」』”’〕】")
NO_LINE_END = set("（《「『“‘〔【")
NUMBER_ATOM = re.compile(r"\d+(年度|年|月|日|号)?|第[一二三四五六七八九十百\d]+[次号期批]")


def atoms(title, phrases=()):
    """The title cut into atoms: the longest phrase starting at a place, a number with its unit, or a character."""
    vocabulary = sorted({p for p in (*PHRASES, *phrases) if p}, key=len, reverse=True)
    result, index = [], 0
    while index < len(title):
        number = NUMBER_ATOM.match(title, index)
        if number:
            result.append(number.group())
            index = number.end()
            continue
        phrase = next((p for p in vocabulary if title.startswith(p, index)), None)
        result.append(phrase or title[index])
        index += len(phrase or title[index])
    return result


def _score(before, after):
    """How good a cut between two atoms is: 2 preferred, 1 acceptable, 0 forbidden."""
    if after[0] in NO_LINE_START or before[-1] in NO_LINE_END:
        return 0
    if before[-1] in BREAK_AFTER or before in BREAK_AFTER_ATOMS or after in BREAK_BEFORE_ATOMS:
        return 2
    return 1


def _width(text):
    """A line's width in characters: ASCII digits and letters are half a character."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def title_lines(title, phrases=(), width=TITLE_LINE_CHARS):
    """The title's lines for the 标题 (see the module docstring); a title that fits is one line.

    Every way to cut the atoms into the fewest lines of at most ``width`` characters is tried; a cut at an
    acceptable (not preferred) place costs 10, a difference of one character between the longest and the
    shortest line costs 1, a line of fewer than SHORTEST_LINE characters 30, so the title keeps its phrases and its lines look even (梯形 or 菱形)."""
    title = (title or "").strip()
    if _width(title) <= width:
        return [title] if title else []
    parts = atoms(title, phrases)
    sizes = [_width(p) for p in parts]
    # never cut inside brackets: 县（市、区） keeps its 、 on the line of its （
    depth, inside = 0, []
    for part in parts:
        depth += sum(part.count(o) for o in "（《〔【") - sum(part.count(c) for c in "）》〕】")
        inside.append(depth > 0)
    best = {}

    def search(start, lines, cost):
        if start == len(parts):
            widths = [_width(line) for line in lines]
            orphans = sum(1 for w in widths if w < SHORTEST_LINE) if len(lines) > 1 else 0
            key = (len(lines), cost + (max(widths) - min(widths)) + 30 * orphans)
            if "key" not in best or key < best["key"]:
                best.update(key=key, lines=list(lines))
            return
        if "key" in best and len(lines) >= best["key"][0]:
            return
        length = 0
        for end in range(start + 1, len(parts) + 1):
            length += sizes[end - 1]
            if length > width and end > start + 1:
                break
            if end < len(parts):
                score = 0 if inside[end - 1] else _score(parts[end - 1], parts[end])
                if score == 0:
                    continue
                step = 0 if score == 2 else 10
            else:
                step = 0
            search(end, [*lines, "".join(parts[start:end])], cost + step)

    search(0, [], 0)
    return best.get("lines") or [title]


def banner_size(text, maximum=BANNER_MAX_PT):
    """The issuer banner's size in pt so that it fits the type area on one line (at most 36 pt)."""
    return min(maximum, int(TYPE_AREA_WIDTH_PT / max(len(text), 1)) - 1)


def official_context(*, issuer, title, banner=None, document_number=None, is_draft=False, draft_note="",
                     date="", phrases=(), addressees="", attachments=(), copied="", printed_by="", printed_on=""):
    """The context every official document (``pdf/official_document.html``) reads: banner (发文机关标志, the
    issuer's name plus 文件 unless given), number (发文字号; a draft has none), title lines, the signature and
    date, attachments (附件 list), 抄送 and the 印发 line (印发机关, 印发日期)."""
    banner = banner or (f"{issuer}文件" if len(issuer) <= 16 else issuer)
    return {
        "issuer": issuer,
        "banner": banner,
        "banner_size": banner_size(banner),
        "document_number": document_number or "",
        "title": title,
        "title_lines": title_lines(title, phrases),
        "is_draft": is_draft,
        "draft_note": draft_note,
        "date": date,
        "addressees": addressees,
        "attachments": list(attachments),
        "copied": copied,
        "printed_by": printed_by or issuer,
        "printed_on": printed_on or date,
    }
