"""PDFs beside the list: the consumption-restriction order and the community posting of a subdistrict."""

from django.utils import timezone

from linkage.numerals import chinese_date
from linkage.pdf import render_pdf
from linkage.verification import document_for
from linkage.verification_models import IssuedDocumentKind

from ..models import Listing, ListingGround, ListingState
from ..public.search import mask_id_number
from .services import RESTRICTED_BEHAVIOURS


def render_restriction_order(order, extra=None):
    """The order rendered now; `extra` holds the verification block of its issue (`issuing.issue_order`)."""
    applicants = "、".join(order.case.parties.applicants().values_list("name", flat=True))
    return render_pdf("pdf/restriction_order.html", {
        "order": order, "applicants": applicants, "behaviours": RESTRICTED_BEHAVIOURS,
        "issued_cn": chinese_date(order.issued_on), **(extra or {}),
    })


def restriction_order_pdf(order):
    """The order as issued (its stored, signed bytes, whatever its state since: the check page tells whether it is
    lifted or paused); an order made before documents were issued is rendered now, its lifting printed on it."""
    issued = document_for(order, IssuedDocumentKind.RESTRICTION_ORDER)
    if issued is not None:
        return bytes(issued.content)
    return render_restriction_order(order)


def community_listings(subdistrict):
    """Published listings of debtors registered in the subdistrict, identifiers masked as on the public list."""
    rows = (Listing.objects.filter(state=ListingState.PUBLISHED, debtor__subdistrict=subdistrict)
            .order_by("published_on", "id")
            .values("name", "id_number", "credit_code", "legal_representative", "case_number", "court_name",
                    "unperformed_amount", "ground"))
    return [{**row, "masked_identifier": mask_id_number(row["id_number"]) if row["id_number"] else row["credit_code"],
             "ground_label": ListingGround(row["ground"]).label} for row in rows]


def community_posting_pdf(subdistrict):
    return render_pdf("pdf/community_posting.html", {
        "subdistrict": subdistrict, "listings": community_listings(subdistrict), "today": timezone.localdate(),
    })
