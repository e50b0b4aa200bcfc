from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import AttachmentDownloadView, NoticeViewSet

router = SimpleRouter()
router.register("notices", NoticeViewSet, basename="notice")

urlpatterns = [
    *router.urls,
    path("attachments/<int:id>/", AttachmentDownloadView.as_view(), name="api-attachment-download"),
]
