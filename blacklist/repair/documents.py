"""The 信用修复证明 (credit-repair certificate) in the court's layout: what the debtor shows a bank or an employer.
The debtor holds it, so its identity number is shown in full."""

from django.utils import timezone

from linkage.numerals import chinese_date
from linkage.pdf import render_pdf

from ..models import ListingGround, RepairOutcome, RepairState

OUTCOME_WORDS = {RepairOutcome.DELETED: "提前删除", RepairOutcome.SUSPENDED: "暂停公布"}


def certificate_filename(repair):
    return f"信用修复证明-{repair.listing.name}.pdf"


def certificate_pdf(repair):
    """The certificate of a granted repair (callers serve it only then)."""
    assert repair.state == RepairState.GRANTED
    listing = repair.listing
    decided_on = timezone.localdate(repair.decided_at)
    return render_pdf("pdf/credit_repair_certificate.html", {
        "repair": repair, "listing": listing, "debtor": listing.debtor, "court": listing.court,
        "listing_ground": ListingGround(listing.ground).label, "outcome_words": OUTCOME_WORDS[repair.outcome],
        "decided_on": decided_on, "decided_cn": chinese_date(decided_on),
    })
