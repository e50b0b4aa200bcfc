from rest_framework.routers import SimpleRouter

from .api import UnitViewSet
from .webhook_api import WebhookEndpointViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
