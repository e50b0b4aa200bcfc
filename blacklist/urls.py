"""Every URL of the dishonest-debtor list: the pages (`urlpatterns`, namespace "blacklist") and the API
(`api_urlpatterns`, under /api/v1/ without a namespace, docs/api.md). Paths and names are those the pages, the
API's clients and the tests know."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .corrections import views as corrections
from .grace import views as grace
from .grace.api import GraceView
from .listings import push_views as pushes
from .listings import views as listings
from .listings.api import FeedAcknowledgeView, FeedView, ListingViewSet
from .public import api as public_api
from .public import captcha as public_captcha
from .public import views as public
from .restrictions import api as restrictions_api
from .restrictions import views as restrictions
from .screening import views as screening
from .screening.api import ScreeningViewSet

app_name = "blacklist"

urlpatterns = [
    # The public search (no login).
    path("public/debtors/", public.public_search_page, name="public-search"),
    path("public/captcha/<str:key>.png", public_captcha.captcha_image, name="public-captcha"),
    # Correction requests and pushes, before "listings/<int:pk>/<str:name>/" could read them as a listing's action.
    path("listings/corrections/", corrections.correction_list, name="correction-list"),
    path("listings/corrections/<int:pk>/", corrections.correction_detail, name="correction-detail"),
    path("listings/corrections/<int:pk>/decide/", corrections.correction_decide, name="correction-decide"),
    path("listings/corrections/<int:pk>/reconsider/", corrections.correction_reconsider,
         name="correction-reconsider"),
    path("listings/<int:listing_id>/corrections/new/", corrections.correction_new, name="correction-new"),
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
]

router = SimpleRouter()
router.register("listings", ListingViewSet, basename="listing")
router.register("screenings", ScreeningViewSet, basename="screening")

api_urlpatterns = [
    path("public/debtors/", public_api.public_debtors, name="public-debtors"),
    # The feed before the router's "listings/<pk>/" routes.
    path("listings/feed/", FeedView.as_view(), name="api-listing-feed"),
    path("listings/feed/<int:event_id>/acknowledge/", FeedAcknowledgeView.as_view(), name="api-listing-feed-ack"),
    path("listings/<int:pk>/grace/", GraceView.as_view(), name="api-listing-grace"),
    path("restrictions/<int:pk>/pdf/", restrictions_api.RestrictionOrderPdfView.as_view(), name="api-restriction-pdf"),
    path("subdistricts/<slug:code>/posting.pdf", restrictions_api.CommunityPostingPdfView.as_view(),
         name="api-community-posting"),
    *router.urls,
]
