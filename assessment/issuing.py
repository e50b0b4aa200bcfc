"""The scoreboard's 通报 (考评结果) as an issued document (issue 24, `linkage.verification`): each finalised version
is a document of its own, issued — rendered once with its verification code and QR code, signed, stored as served —
in the transaction that finalises it (`services.finalise`); finalising again after a reopening issues the next
version's, and the earlier version's is marked 已被替代, naming the new one. A jurisdiction with no committee on its
roster has no issuer and no 发文字号: its scoreboard is not issued."""

import copy

from django.utils import timezone

from linkage import verification
from linkage.numerals import chinese_date
from linkage.verification_models import IssuedDocumentKind, IssuedDocumentStatus
from members.models import Organisation, OrganisationKind

from . import exports, presentation
from .models import ScoreboardVersion

KIND = IssuedDocumentKind.SCOREBOARD


def _committee(jurisdiction):
    return (
        Organisation.objects.filter(jurisdiction_id=jurisdiction.pk, kind=OrganisationKind.COMMITTEE)
        .order_by("sort_order", "id")
        .first()
    )


def issue_scoreboard(version):
    """Issue the finalised `version` (a `ScoreboardVersion`) and mark the previous version's 已被替代."""
    assessment = version.assessment
    jurisdiction = assessment.jurisdiction
    committee = _committee(jurisdiction)
    if committee is None:
        return None
    board = presentation.decorate(copy.deepcopy(version.data))
    context = exports.pdf_context(board, jurisdiction)
    issued = verification.issue(
        KIND,
        version,
        number=context["document_number"],
        issuer_code=committee.code,
        issuer_name=committee.name,
        addressee=context["addressees"],
        issued_on=context["issued_on"],
        render=lambda extra: exports.render_pdf("pdf/scoreboard.html", {**context, **extra}),
    )
    note = (f"已于{chinese_date(timezone.localdate(version.finalised_at))}由定稿第{version.number}版"
            f"{issued.document_number}（核验码 {issued.grouped_code}）替代")
    for earlier in ScoreboardVersion.objects.filter(assessment=assessment, number__lt=version.number):
        verification.end(earlier, KIND, IssuedDocumentStatus.SUPERSEDED, note)
    return issued


def stored_pdf(board, jurisdiction):
    """The stored bytes of a finalised board's issued 通报, or None (a review board, or none issued)."""
    if not board.get("final") or not board.get("version"):
        return None
    version = ScoreboardVersion.objects.filter(
        assessment__jurisdiction_id=jurisdiction.pk, assessment__year=board["year"], number=board["version"]
    ).first()
    if version is None:
        return None
    # An earlier version's 通报 is served as issued too, though a later one superseded it (its check page says so).
    issued = verification.document_for(version, KIND, superseded_too=True)
    return bytes(issued.content) if issued is not None else None
