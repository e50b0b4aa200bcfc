"""The 信用修复证明 (credit-repair certificate) in the court's layout: what the debtor shows a bank or an employer.
The debtor holds it, so its identity number is shown in full."""

from django.utils import timezone

from linkage import verification
from linkage.numerals import chinese_date
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocumentKind

from ..models import ListingGround, RepairOutcome, RepairState

KIND = IssuedDocumentKind.CREDIT_REPAIR_CERTIFICATE
OUTCOME_WORDS = {RepairOutcome.DELETED: "提前删除", RepairOutcome.SUSPENDED: "暂停公布"}


def certificate_filename(repair):
    return f"信用修复证明-{repair.listing.name}.pdf"


def render_certificate(repair, extra=None):
    """The certificate rendered now; `extra` holds the verification block of its issue (`issue_certificate`)."""
    assert repair.state == RepairState.GRANTED
    listing = repair.listing
    decided_on = timezone.localdate(repair.decided_at)
    return render_pdf("pdf/credit_repair_certificate.html", {
        "repair": repair, "listing": listing, "debtor": listing.debtor, "court": listing.court,
        "listing_ground": ListingGround(listing.ground).label, "outcome_words": OUTCOME_WORDS[repair.outcome],
        "decided_on": decided_on, "decided_cn": chinese_date(decided_on), **(extra or {}),
    })


def issue_certificate(repair):
    """Issue the certificate of a repair just granted (issue 24, idempotent): its verification code and QR code,
    signed by the listing's court, stored as served to the clerk and to the party. It stays 有效: a granted repair
    is never undone (a listing it deleted is gone; one it suspended is not resumed by a grace)."""
    listing = repair.listing
    return verification.issue(
        KIND,
        repair,
        number=repair.certificate_number,
        issuer_code=listing.court.code,
        issuer_name=listing.court.name,
        addressee=listing.name,  # the 被执行人 it certifies, as printed: never the identity number
        issued_on=timezone.localdate(repair.decided_at),
        render=lambda extra: render_certificate(repair, extra),
    )


def certificate_pdf(repair):
    """The certificate of a granted repair (callers serve it only then): the issued bytes; a repair granted before
    documents were issued has none, and is rendered now."""
    assert repair.state == RepairState.GRANTED
    issued = verification.document_for(repair, KIND)
    if issued is not None:
        return bytes(issued.content)
    return render_certificate(repair)
