from rest_framework.routers import SimpleRouter

from .screening_api import ScreeningViewSet

router = SimpleRouter()
router.register("screenings", ScreeningViewSet, basename="screening")

urlpatterns = [*router.urls]
