"""PDFs beside the list: the consumption-restriction order and the community posting of a subdistrict or of one
of its villages or communities (失信被执行人名单进社区公示)."""

from django.db.models import Q
from django.utils import timezone

from linkage.numerals import chinese_date
from linkage.pdf import render_pdf
from linkage.verification import document_for
from linkage.verification_models import IssuedDocumentKind
from members.models import Community

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


def community_listings(place):
    """Published listings of the debtors registered in `place`, identifiers masked as on the public list: a
    `Community`'s are exactly the debtors recorded with it; a subdistrict's are every debtor of the subdistrict,
    recorded with the subdistrict or only with one of its communities."""
    if isinstance(place, Community):
        registered = Q(debtor__community=place)
    else:
        registered = Q(debtor__subdistrict=place) | Q(debtor__community__subdistrict=place)
    rows = (Listing.objects.filter(registered, state=ListingState.PUBLISHED)
            .order_by("published_on", "id")
            .values("name", "id_number", "credit_code", "legal_representative", "case_number", "court_name",
                    "unperformed_amount", "ground"))
    return [{**row, "masked_identifier": mask_id_number(row["id_number"]) if row["id_number"] else row["credit_code"],
             "ground_label": ListingGround(row["ground"]).label} for row in rows]


def community_posting_pdf(place):
    """The posting of a subdistrict or of a `Community` (headed with the community and its subdistrict)."""
    community = place if isinstance(place, Community) else None
    subdistrict = community.subdistrict if community else place
    return render_pdf("pdf/community_posting.html", {
        "subdistrict": subdistrict, "community": community, "listings": community_listings(place),
        "today": timezone.localdate(),
    })
