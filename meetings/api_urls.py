from rest_framework.routers import SimpleRouter

from .api import DecisionViewSet, MeetingViewSet

router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("decisions", DecisionViewSet, basename="decision")

urlpatterns = router.urls
