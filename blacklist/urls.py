"""Every URL of the dishonest-debtor list: the pages (`urlpatterns`, namespace "blacklist") and the API
(`api_urlpatterns`, under /api/v1/ without a namespace, docs/api.md). Paths and names are those the pages, the
API's clients and the tests know."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .corrections import queue_views
from .corrections import views as corrections
from .credit_report import api as credit_report_api
from .credit_report import views as credit_reports
from .grace import views as grace
from .grace.api import GraceView
from .listings import push_views as pushes
from .listings import views as listings
from .listings.api import FeedAcknowledgeView, FeedView, ListingViewSet
from .public import api as public_api
from .public import captcha as public_captcha
from .public import views as public
from .repair import api as repairs_api
from .repair import public_views as public_credit
from .repair import views as repairs
from .restrictions import api as restrictions_api
from .restrictions import views as restrictions
from .screening import views as screening
from .screening.api import ScreeningViewSet

app_name = "blacklist"

urlpatterns = [
    # The public search (no login).
    path("public/debtors/", public.public_search_page, name="public-search"),
    path("public/captcha/<str:key>.png", public_captcha.captcha_image, name="public-captcha"),
    # The party's own judicial credit report, once it passed the public credit check in this session.
    path("public/credit/<int:party_id>/report.pdf", credit_reports.public_report_pdf, name="public-credit-report"),
    # The public credit-repair page (no login; the party proves who it is, blacklist.public.credit_access).
    path("public/credit/", public_credit.public_credit, name="public-credit"),
    path("public/credit/<int:party_id>/", public_credit.public_credit_party, name="public-credit-party"),
    path("public/credit/<int:party_id>/listings/<int:listing_id>/apply/", public_credit.public_credit_apply,
         name="public-credit-apply"),
    path("public/credit/<int:party_id>/repairs/<int:repair_id>/certificate.pdf",
         public_credit.public_credit_certificate, name="public-credit-certificate"),
    # Correction requests and pushes, before "listings/<int:pk>/<str:name>/" could read them as a listing's action.
    path("listings/corrections/", corrections.correction_list, name="correction-list"),
    path("listings/corrections/<int:pk>/", corrections.correction_detail, name="correction-detail"),
    path("listings/corrections/<int:pk>/decide/", corrections.correction_decide, name="correction-decide"),
    path("listings/corrections/<int:pk>/reconsider/", corrections.correction_reconsider,
         name="correction-reconsider"),
    path("listings/corrections/<int:pk>/reconsidered/", corrections.correction_reconsidered,
         name="correction-reconsidered"),
    path("listings/<int:listing_id>/corrections/new/", corrections.correction_new, name="correction-new"),
    # Credit repair (信用修复).
    path("listings/credit-repairs/", repairs.repair_list, name="repair-list"),
    path("listings/credit-repairs/<int:pk>/", repairs.repair_detail, name="repair-detail"),
    path("listings/credit-repairs/<int:pk>/decide/", repairs.repair_decide, name="repair-decide"),
    path("listings/credit-repairs/<int:pk>/certificate.pdf", repairs.repair_certificate, name="repair-certificate"),
    path("listings/<int:listing_id>/credit-repairs/new/", repairs.repair_new, name="repair-new"),
    path("listings/priority/", queue_views.priority_list, name="priority-queue"),
    path("listings/pushes/", pushes.push_list, name="push-list"),
    # Graces (暂缓采取失信惩戒措施) from the listing's page.
    path("listings/<int:pk>/grace/", grace.grace_grant, name="grace-grant"),
    path("listings/graces/<int:pk>/<str:name>/", grace.grace_step, name="grace-step"),
    path("listings/pushes/<int:event_id>/acknowledge/", pushes.push_acknowledge, name="push-acknowledge"),
    # Listings.
    path("listings/", listings.listing_list, name="listing-list"),
    path("listings/<int:pk>/", listings.listing_detail, name="listing-detail"),
    path("listings/<int:pk>/<str:name>/", listings.listing_action, name="listing-action"),
    path("cases/<int:case_id>/listings/new/", listings.listing_propose, name="listing-propose"),
    # Screening by joint-punishment units.
    path("screenings/", screening.screening_list, name="screening-list"),
    path("screenings/new/", screening.screening_new, name="screening-new"),
    path("screenings/<int:pk>/", screening.screening_detail, name="screening-detail"),
    path("screenings/<int:pk>/results.xlsx", screening.screening_results_xlsx, name="screening-results-xlsx"),
    # Restriction orders, community postings (special-debtor notifications: `cases:special-notification`).
    path("restrictions/<int:pk>/pdf/", restrictions.restriction_order_pdf, name="restriction-pdf"),
    path("subdistricts/<slug:code>/posting.pdf", restrictions.community_posting_pdf, name="community-posting"),
    path("communities/<slug:code>/posting.pdf", restrictions.community_unit_posting_pdf, name="community-unit-posting"),
    # Judicial credit reports (from the case page).
    path("credit-reports/parties/<int:party_id>/report.pdf", credit_reports.report_pdf, name="credit-report-pdf"),
    path("credit-reports/parties/<int:party_id>/regenerate/", credit_reports.report_regenerate,
         name="credit-report-regenerate"),
]

router = SimpleRouter()
router.register("listings", ListingViewSet, basename="listing")
router.register("screenings", ScreeningViewSet, basename="screening")

api_urlpatterns = [
    path("public/debtors/", public_api.public_debtors, name="public-debtors"),
    # The feed before the router's "listings/<pk>/" routes.
    path("listings/feed/", FeedView.as_view(), name="api-listing-feed"),
    path("listings/feed/<int:event_id>/acknowledge/", FeedAcknowledgeView.as_view(), name="api-listing-feed-ack"),
    path("listings/<int:pk>/credit-repairs/", repairs_api.ListingCreditRepairsView.as_view(),
         name="api-listing-credit-repairs"),
    path("listings/<int:pk>/grace/", GraceView.as_view(), name="api-listing-grace"),
    path("restrictions/<int:pk>/pdf/", restrictions_api.RestrictionOrderPdfView.as_view(), name="api-restriction-pdf"),
    path("subdistricts/<slug:code>/posting.pdf", restrictions_api.CommunityPostingPdfView.as_view(),
         name="api-community-posting"),
    path("communities/<slug:code>/posting.pdf", restrictions_api.CommunityUnitPostingPdfView.as_view(),
         name="api-community-unit-posting"),
    path("parties/<int:party_id>/credit-report/", credit_report_api.CreditReportView.as_view(),
         name="api-credit-report"),
    path("parties/<int:party_id>/credit-report.pdf", credit_report_api.CreditReportPdfView.as_view(),
         name="api-credit-report-pdf"),
    *router.urls,
]
