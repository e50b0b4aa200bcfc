from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import FeedAcknowledgeView, FeedView, ListingViewSet

router = SimpleRouter()
router.register("listings", ListingViewSet, basename="listing")

urlpatterns = [
    path("listings/feed/", FeedView.as_view(), name="api-listing-feed"),
    path("listings/feed/<int:event_id>/acknowledge/", FeedAcknowledgeView.as_view(), name="api-listing-feed-ack"),
    *router.urls,
]
