"""Services and selectors of the yearly accountability documents (云浮 items 6, 8, 22; the rules of what the record
says are in `accountability_record`): generate a draft from the record, edit it, issue it (frozen, numbered from the
court's document-number register, and issued with a verification code: `accountability_documents`). Each change is one transaction that locks the document and goes through
`accountability_machine.DOCUMENT`, which writes the event.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from linkage.document_numbers import assign_number
from linkage.errors import ApplicationError, PermissionDenied
from linkage.notify import Message, notify
from linkage.text import REASON_MAX, bounded_text
from members.models import Organisation, OrganisationKind
from members.recipients import unit_recipients
from members.selectors import jurisdiction_id_of

from . import accountability_record as record
from .accountability_documents import by_district, issue_document, printed_rows  # noqa: F401 (read from here too)
from .accountability_machine import DOCUMENT
from .accountability_models import (
    AccountabilityDocument,
    AccountabilityKind,
    AccountabilityRow,
    AccountabilityState,
)
from .services import check_year

Kind = AccountabilityKind

# ------------------------------------------------------------------------------------------------ selectors


def visible_documents(user):
    """Court staff: their court's; the committee: its jurisdiction's courts' organs reports and deduction letters;
    a liaison of the organisation/personnel department: the officials lists issued to it; nobody else any."""
    documents = AccountabilityDocument.objects.select_related("court__jurisdiction", "addressee_unit")
    if not user.is_authenticated:
        return documents.none()
    if user.is_court_staff:
        return documents.filter(court_id=user.organisation_id)
    if user.is_committee:
        return documents.filter(court__jurisdiction_id=jurisdiction_id_of(user)).exclude(kind=Kind.OFFICIALS_LIST)
    if user.is_liaison and user.organisation_id is not None:
        return documents.filter(kind=Kind.OFFICIALS_LIST, state=AccountabilityState.ISSUED,
                                addressee_unit_id=user.organisation_id)
    return documents.none()


def ledger_cases(user):
    """The cases whose organ debtors the user's ledger shows: court staff their court's, the committee its
    jurisdiction's (`Case.objects.visible_to`)."""
    return Case.objects.visible_to(user).select_related("court__jurisdiction")


# ------------------------------------------------------------------------------------------------ generation

TITLES = {
    Kind.ORGANS_REPORT: "关于{year}年度行政机关不履行生效裁判情况的报告",
    Kind.DEDUCTION_LETTER: "关于提请对{year}年度逾期不履行生效判决的行政机关所在县（市、区）予以考评扣分的函",
    Kind.OFFICIALS_LIST: "关于{year}年度涉及公职人员未结执行案件情况的通报",
}
BODIES = {
    Kind.ORGANS_REPORT: (
        "根据执行联动工作机制关于促进行政机关履行生效判决的规定，现将{year}年度本院执行的以行政机关为被执行人、"
        "超过法定执行期限（立案之日起{months}个月）仍未履行生效裁判的案件情况报告如下（见附表）。建议对相关行政机关"
        "予以通报、约谈，督促其尽快履行。"),
    Kind.DEDUCTION_LETTER: (
        "根据执行联动工作机制关于加强专项工作考核的规定，本院{year}年度向同级党委、政府报告了行政机关逾期不履行生效判决"
        "情况（{source}）。截至{year}年年末，下列县（市、区）的行政机关仍未履行生效判决，现提请在“法治建设”考评中对其"
        "所在县（市、区）予以扣分。"),
    Kind.OFFICIALS_LIST: (
        "根据执行联动工作机制关于严格追究相关责任的规定，现将截至{year}年年末本院涉及公职人员（被执行人）的未结执行"
        "案件通报如下（见附表），请依照干部管理权限督促相关人员履行生效法律文书确定的义务。"),
}


def _addressee(kind, court):
    jurisdiction = court.jurisdiction
    if kind == Kind.ORGANS_REPORT:
        return f"{jurisdiction.name}党委、{jurisdiction.name}人民政府", None
    if kind == Kind.DEDUCTION_LETTER:
        return f"{jurisdiction.name}法治建设考评主管单位", None
    unit = Organisation.objects.filter(jurisdiction=jurisdiction, kind=OrganisationKind.PERSONNEL, active=True) \
        .order_by("sort_order", "id").first()
    if unit is None:
        raise ApplicationError("本辖区成员单位名册中没有组织人事部门，无法通报。", field="kind")
    return unit.name, unit


def _lines(kind, court, year, source):
    cases = Case.objects.filter(court=court)
    if kind == Kind.ORGANS_REPORT:
        return record.overdue_organs_of_year(cases, year)
    if kind == Kind.OFFICIALS_LIST:
        return record.open_official_cases_of_year(cases, year)
    return None  # the deduction letter copies its report's rows


def _row_from_line(document, position, line):
    return AccountabilityRow(
        document=document, position=position, case=line.case, debtor=line.party, debtor_name=line.party.name,
        district=line.district, district_name=line.district.name, case_number=line.case.number,
        amount=line.amount, performed=line.performed, unperformed=line.unperformed, filed_on=line.case.filed_on,
        due_on=line.due_on, standing=line.standing, deductible=line.deductible,
    )


def _row_from_report(document, position, row):
    fields = ("case", "debtor", "debtor_name", "district", "district_name", "case_number", "amount", "performed",
              "unperformed", "filed_on", "due_on", "standing", "deductible", "remark")
    return AccountabilityRow(document=document, position=position, **{f: getattr(row, f) for f in fields})


@transaction.atomic
def generate(*, actor, kind, year):
    """A court's clerk or leader generates the year's draft of `kind` from the record. One draft per court, year and
    kind (edit it, or issue it first). The deduction letter is drafted from the court's latest issued organs
    report of the year: its rows not excluded and still unperformed at the year's end."""
    if not (actor.is_authenticated and actor.is_court_staff and actor.organisation_id):
        raise PermissionDenied("只有法院工作人员可以生成年度文书。")
    if kind not in Kind.values:
        raise ApplicationError("文书类别无法识别。", field="kind")
    year = check_year(year)
    court = Organisation.objects.select_related("jurisdiction").select_for_update(of=("self",)).get(
        pk=actor.organisation_id)
    if AccountabilityDocument.objects.filter(court=court, year=year, kind=kind,
                                             state=AccountabilityState.DRAFT).exists():
        raise ApplicationError(f"{year}年度的{Kind(kind).label}已有草稿，请修改该草稿或印发后再生成。", field="kind")
    source = None
    if kind == Kind.DEDUCTION_LETTER:
        source = AccountabilityDocument.objects.filter(
            court=court, year=year, kind=Kind.ORGANS_REPORT, state=AccountabilityState.ISSUED,
        ).order_by("-issued_at", "-id").first()
        if source is None:
            raise ApplicationError(f"请先印发{year}年度行政机关不履行生效裁判情况报告，再据此起草扣分函。", field="kind")
    addressee, unit = _addressee(kind, court)
    body = BODIES[kind].format(year=year, months=settings.ORGAN_PERFORMANCE_MONTHS,
                               source=source.number if source else "")
    document = AccountabilityDocument.objects.create(
        kind=kind, court=court, year=year, title=TITLES[kind].format(year=year), addressee=addressee,
        addressee_unit=unit, body=body, source=source, as_of=timezone.now(), created_by=actor,
    )
    if source is not None:
        rows = [_row_from_report(document, i, row) for i, row in
                enumerate((r for r in source.rows.all() if not r.excluded and r.deductible), start=1)]
    else:
        rows = [_row_from_line(document, i, line) for i, line in enumerate(_lines(kind, court, year, source), start=1)]
    AccountabilityRow.objects.bulk_create(rows)
    DOCUMENT.record(document, "generate", actor, to_state=document.state, data={"rows": len(rows)})
    return document


# ------------------------------------------------------------------------------------------------ edits


def _clean(value, *, limit, label, field, required=False):
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}。", field=field)
    return bounded_text(value, limit=limit, label=label, field=field)


@transaction.atomic
def edit(*, actor, document, title, addressee, body):
    document = DOCUMENT.lock(document)
    DOCUMENT.check(document, "edit", actor)
    title = _clean(title, limit=100, label="标题", field="title", required=True)
    addressee = _clean(addressee, limit=200, label="主送", field="addressee", required=True)
    body = _clean(body, limit=AccountabilityDocument._meta.get_field("body").max_chars, label="正文", field="body",
                  required=True)
    return DOCUMENT.move(document, "edit", actor, title=title, addressee=addressee, body=body)


@transaction.atomic
def edit_row(*, actor, document, row_id, remark="", excluded=False, reason=""):
    """Before issuing: a row's remark, or the row left out with the reason (it stays on file, unprinted)."""
    document = DOCUMENT.lock(document)
    DOCUMENT.check(document, "edit_row", actor)
    row = AccountabilityRow.objects.select_for_update().filter(document=document, pk=row_id).first()
    if row is None:
        raise ApplicationError("该案件不在本文书中。", field="row")
    remark = _clean(remark, limit=300, label="备注", field="remark")
    reason = _clean(reason, limit=REASON_MAX, label="不列入理由", field="reason")
    if excluded and not reason:
        raise ApplicationError("不列入的，请写明理由。", field="reason")
    row.remark, row.excluded, row.exclusion_reason = remark, bool(excluded), reason if excluded else ""
    row.save(update_fields=["remark", "excluded", "exclusion_reason"])
    DOCUMENT.note(document, "edit_row", actor, reason=reason,
                  data={"row": row.pk, "case": row.case_number, "excluded": row.excluded, "remark": remark})
    return row


# ------------------------------------------------------------------------------------------------ issuing


@transaction.atomic
def issue(*, actor, document):
    """A leader of the court issues the draft: frozen, numbered with the court's next number of the year of issue
    from its document-number register (linkage.document_numbers, locked on the court, so two issues never take the
    same number), and issued with a verification code in the same transaction (`accountability_documents`: the PDF
    frozen and signed). The officials list is sent in-app to the personnel department's liaisons."""
    document = DOCUMENT.lock(document)
    DOCUMENT.check(document, "issue", actor)
    if document.kind == Kind.DEDUCTION_LETTER and not printed_rows(document):
        raise ApplicationError("扣分函没有列入任何行政机关，不能印发。")
    now = timezone.now()
    number = assign_number(issuer=document.court, subject=document.number_subject, title=document.title).text
    DOCUMENT.move(document, "issue", actor, document_number=number, issued_by=actor, issued_at=now,
                  data={"document_number": number})
    issue_document(document)
    if document.kind == Kind.OFFICIALS_LIST and document.addressee_unit_id:
        notify(unit_recipients([document.addressee_unit_id]), Message(
            kind="officials_list_issued", title=f"{document.court.short_name}：{document.title}",
            body=f"{document.number}，列案件{len(printed_rows(document))}件，请登录查看。",
            link=reverse("assessment:accountability-detail", args=[document.pk])))
    return document


def document_filter(queryset, *, kind="", year=""):
    if kind in Kind.values:
        queryset = queryset.filter(kind=kind)
    if str(year).isdigit():
        queryset = queryset.filter(year=int(year))
    return queryset
