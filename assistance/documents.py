"""The court's official documents about a notice: the 协助执行通知书 and the 解除协助执行通知书, each with its
detachable receipt (回执), in the layout of the Supreme People's Court's enforcement document templates
(docs/domain-rules.md, "The assistance notice, block by block").

``notice_document_context`` gathers every fact a document shows from the notice's rows, in the words the
document uses; the PDF templates and the notice page both read it, so they never disagree. The PDFs are
rendered by ``linkage.pdf.render_pdf``.
"""

from decimal import Decimal

from django.db.models import Prefetch

from cases.models import Party, PartyRole
from linkage.errors import ApplicationError
from linkage.numerals import chinese_date, chinese_ordinal
from linkage.pdf import render_pdf
from linkage.verification import document_for
from linkage.verification_models import IssuedDocumentKind

from .models import LiftGround, Notice, NoticeState, PropertyKind
from .relief import REFERRAL_TEMPLATE, REFERRAL_TITLE, SOCIAL_RELIEF
from .relief import document_context as relief_document_context
from .tracking import document_context as tracking_document_context

NOTICE_TITLE = "协助执行通知书"
LIFTING_TITLE = "解除协助执行通知书"
NOTICE_TEMPLATE = "pdf/notice.html"
LIFTING_TEMPLATE = "pdf/lifting_notice.html"
# The states that have a lifting notice: drafted (waiting for the leader), served, acknowledged by the unit.
LIFTING_STATES = (NoticeState.LIFTING, NoticeState.LIFTED, NoticeState.LIFT_ACKNOWLEDGED)

# Measures whose lifting is governed by the rules on seals, seizures and freezes (2020 revision, art. 28: the court
# lifts when the debt is paid, security is given with the applicant's consent, the applicant withdraws …).
SEIZURE_MEASURES = {"seal", "freeze", "seize_vehicle", "stop_registration", "deduct"}
SEIZURE_LIFTING_BASIS = "《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》第二十八条"
GENERAL_LIFTING_BASIS = "《中华人民共和国民事诉讼法》及有关司法解释"

# How a document names the identifier and the holder of each kind of property.
PROPERTY_LABELS = {
    PropertyKind.BANK_ACCOUNT: ("账号", "开户行"),
    PropertyKind.REAL_ESTATE: ("不动产权证号", "登记机构"),
    PropertyKind.VEHICLE: ("号牌号码", "登记机关"),
    PropertyKind.EQUITY: ("股权所在企业", "登记机关"),
    PropertyKind.SOCIAL_SECURITY: ("社会保障号码", "经办机构"),
    PropertyKind.HOUSING_FUND: ("公积金账号", "管理机构"),
    PropertyKind.TAX_REFUND: ("纳税人识别号", "税务机关"),
    PropertyKind.SECURITIES: ("证券账户", "托管机构"),
    PropertyKind.INSURANCE: ("保险单号", "保险机构"),
    PropertyKind.PERSON: ("线索", "所在地"),
    PropertyKind.OTHER: ("编号", "登记机构"),
}

BLANK_DATE = "　　　　年　　月　　日"


def money(amount: Decimal) -> str:
    """人民币123,456.78元."""
    return f"人民币{amount:,.2f}元"


# --------------------------------------------------------------------------------------------- context


def _sentence(text: str) -> str:
    text = (text or "").strip().rstrip("。；;，,.")
    return text + "。" if text else ""


def _names(parties):
    return "、".join(party.name for party in parties)


def _debtor_text(debtor: Party) -> str:
    return f"被执行人：{debtor.name}（{debtor.identifier_label}：{debtor.identifier}）"


def _item_context(item, notice):
    """One numbered item: what to do, against whom, on which property, how much, for how long."""
    identifier_label, holder_label = PROPERTY_LABELS.get(item.property_kind, PROPERTY_LABELS[PropertyKind.OTHER])
    property_parts = []
    if item.identifier:
        property_parts.append(f"{identifier_label}：{item.identifier}")
    if item.holder:
        property_parts.append(f"{holder_label}：{item.holder}")
    if item.property_kind == PropertyKind.PERSON:
        property_text = "，".join(property_parts)
    elif item.property_kind == PropertyKind.OTHER:
        property_text = "财产：" + "，".join(property_parts) if property_parts else ""
    else:
        joined = f"（{'，'.join(property_parts)}）" if property_parts else ""
        property_text = f"财产：{item.get_property_kind_display()}{joined}"
    amount_text = f"金额：{money(item.amount)}" if item.amount is not None else ""
    share_text = f"份额：{item.share}" if item.share else ""
    period_text = ""
    if item.period_months:
        verb = notice.measure.name if notice.measure.code in SEIZURE_MEASURES else ""
        period_text = f"{verb}期限：{item.period_months}个月"
    debtor_text = _debtor_text(notice.debtor)
    details = [debtor_text]
    if property_text:
        details.append(property_text)
    details += [part for part in (amount_text, share_text, period_text) if part]
    return {
        "position": item.position,
        "number": chinese_ordinal(item.position),
        "description": item.description.strip(),
        "debtor": debtor_text,
        "property": property_text,
        "amount": amount_text,
        "share": share_text,
        "period": period_text,
        "details": "；".join(details) + "。",
        "text": _sentence(item.description) + "；".join(details) + "。",
    }


def _load(notice):
    """The notice with every row a document shows, in three queries."""
    parties = Prefetch("case__parties", queryset=Party.objects.order_by("role", "position", "id"))
    return (
        Notice.objects.select_related("case", "court", "unit", "measure", "debtor", "tracking",
                                      "relief_referral__record__applicant")
        .prefetch_related("items", parties)
        .get(pk=notice.pk)
    )


def notice_document_context(notice):
    """Every fact the notice and its lifting notice show, worded as on the documents.

    Keys: the parties (``court_name``, ``unit_name``, ``applicants``, ``debtors``, ``debtor``), the case
    (``case_number``, ``ruling_number``, ``legal_basis``), the numbered ``items`` (each with ``number``, ``text``
    and its parts), ``attachment``, the dates in Chinese numerals (``date``: the signing date, blank for a draft;
    ``served_date``), the officer, ``is_draft`` / ``watermark``, and under ``lifting`` the lifting notice's facts
    (``None`` until the notice is lifted). Reads the notice afresh (3 queries).
    """
    notice = _load(notice)
    case = notice.case
    parties = list(case.parties.all())
    applicants = [party for party in parties if party.role == PartyRole.APPLICANT]
    debtors = [party for party in parties if party.role == PartyRole.DEBTOR]
    items = [_item_context(item, notice) for item in sorted(notice.items.all(), key=lambda item: item.position)]
    is_draft = notice.state == NoticeState.DRAFT
    watermark = {NoticeState.DRAFT: "草稿", NoticeState.WITHDRAWN: "已撤回"}.get(notice.state, "")
    context = {
        "notice": notice,
        "notice_id": notice.pk,
        "state": notice.state,
        "state_display": notice.get_state_display(),
        "is_draft": is_draft,
        "watermark": watermark,
        "title": NOTICE_TITLE,
        "court_name": notice.court.name,
        "case_number": case.number,
        "unit_name": notice.unit.name,
        "measure_name": notice.measure.name,
        "applicants": _names(applicants),
        "debtors": _names(debtors),
        "debtor": _debtor_text(notice.debtor),
        "debtor_name": notice.debtor.name,
        "ruling_number": notice.ruling_number,
        "legal_basis": notice.legal_basis,
        "items": items,
        "note": (notice.note or "").strip(),
        "attachment": f"{notice.ruling_number}执行裁定书",
        "date": chinese_date(notice.signed_at) if notice.signed_at else "",
        "blank_date": BLANK_DATE,
        "served_date": chinese_date(notice.served_at) if notice.served_at else "",
        "officer_name": case.officer_name,
        "officer_phone": case.officer_phone,
        "lifting": None,
        "tracking": tracking_document_context(notice),
        "renewal": None,
        "relief": relief_document_context(notice),  # a referral for social relief: the letter's own facts
    }
    if context["relief"] is not None:
        context["title"] = context["relief"]["title"]
    if notice.renews_id:
        context["renewal"] = renewal_context(notice)
        context["title"] = context["renewal"]["title"]
    if notice.state in LIFTING_STATES:
        measure_is_seizure = notice.measure.code in SEIZURE_MEASURES
        context["lifting"] = {
            "title": LIFTING_TITLE,
            # Before the leader signs it the lifting is a draft: no date, a watermark.
            "date": chinese_date(notice.lifted_at) if notice.lifted_at else "",
            "is_draft": notice.state == NoticeState.LIFTING,
            "ruling_number": notice.lifting_ruling_number,
            "ground": lift_ground_label(notice),
            "reason": (notice.lift_reason or "").strip(),
            "legal_basis": SEIZURE_LIFTING_BASIS if measure_is_seizure else GENERAL_LIFTING_BASIS,
            "original": f"{case.number}{NOTICE_TITLE}",
            "original_served_date": context["served_date"],
        }
    return context


def renewal_verb(notice) -> str:
    """冻结 for a freeze, 查封 for a seal or seizure: what a renewal continues."""
    return "冻结" if notice.measure.code == "freeze" else "查封"


def renewal_context(notice):
    """A 续行冻结/续行查封 notice's facts about the notice it renews: its number, dates and each item's term."""
    original = notice.renews
    verb = renewal_verb(notice)
    terms = [
        f"第{chinese_ordinal(term.item.position)}项自{chinese_date(term.start_on)}至{chinese_date(term.end_on)}"
        for term in original.terms.select_related("item").order_by("item__position")
    ]
    dated = original.served_at or original.signed_at
    return {
        "title": f"续行{verb}通知书",
        "verb": verb,
        "original_number": f"{original.case.number}{NOTICE_TITLE}（通知书编号：{original.pk}）",
        "original_date": chinese_date(dated) if dated else "",
        "original_terms": "；".join(terms),
    }


def lift_ground_label(notice) -> str:
    """The ground for lifting in words (被执行人已履行完毕 …)."""
    display = getattr(notice, "get_lift_ground_display", None)
    if display is not None:  # once the model field declares its choices
        return display()
    return LiftGround(notice.lift_ground).label if notice.lift_ground in LiftGround.values else notice.lift_ground


# -------------------------------------------------------------------------------------------------- PDFs


# States whose notice was issued (signed, then served …): its download is the stored, issued PDF (assistance.issuing).
ISSUED_STATES = frozenset(NoticeState) - {NoticeState.DRAFT, NoticeState.RETURNED, NoticeState.WITHDRAWN}


def notice_kind(notice):
    """The issued document kind of a notice: a renewal's own, or the assistance notice."""
    return IssuedDocumentKind.RENEWAL_NOTICE if notice.renews_id else IssuedDocumentKind.ASSISTANCE_NOTICE


def notice_pdf(notice) -> bytes:
    """The 协助执行通知书 as an A4 PDF with its receipt; a draft carries a 草稿 watermark. Once signed, the PDF issued
    at signing (with its verification code), byte for byte; a withdrawn one is rendered with its 已撤回 watermark."""
    if notice.state in ISSUED_STATES:
        issued = document_for(notice, notice_kind(notice))
        if issued is not None:
            return bytes(issued.content)
    context = notice_document_context(notice)
    return render_pdf(REFERRAL_TEMPLATE if context["relief"] else NOTICE_TEMPLATE, context)


def has_lifting_notice(notice, user) -> bool:
    """Whether `user` may read the notice's lifting notice now: once served, whoever sees the notice; while it waits
    for the leader's signature, the court's people (and the committee) only, never the unit."""
    if notice.state == NoticeState.LIFTING:
        return not user.is_liaison
    return notice.state in LIFTING_STATES


def lifting_notice_pdf(notice) -> bytes:
    """The 解除协助执行通知书 of a lifted notice as an A4 PDF with its receipt, citing the lifting ruling; while it
    waits for the leader's signature it carries a 草稿 watermark and no date; once signed, the PDF issued then."""
    context = notice_document_context(notice)
    if context["lifting"] is None:
        raise ApplicationError(f"通知书当前状态为“{context['state_display']}”，尚未解除，没有解除协助执行通知书。")
    if context["lifting"]["is_draft"]:
        context = {**context, "watermark": "草稿", "is_draft": True}
    elif (issued := document_for(notice, IssuedDocumentKind.LIFTING_NOTICE)) is not None:
        return bytes(issued.content)  # the lifting notice issued at its signing, byte for byte
    else:
        context = {**context, "watermark": "", "is_draft": False}
    return render_pdf(LIFTING_TEMPLATE, context)


def notice_pdf_filename(notice, *, lifting=False) -> str:
    """e.g. 协助执行通知书-（2026）粤0103执1001号-区市场和质量监管局.pdf"""
    title = LIFTING_TITLE if lifting else (f"续行{renewal_verb(notice)}通知书" if notice.renews_id else NOTICE_TITLE)
    if not lifting and notice.measure.code == SOCIAL_RELIEF:
        title = REFERRAL_TITLE
    return f"{title}-{notice.case.number}-{notice.unit.short_name}.pdf"
