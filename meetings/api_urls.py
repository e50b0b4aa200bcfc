from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import DecisionViewSet, MeetingViewSet
from .api_moves import PDF_INITKWARGS
from .briefing_api import BriefingListView, BriefingReadView
from .report_api import AnnualReportPdfView

router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("decisions", DecisionViewSet, basename="decision")

urlpatterns = [
    *router.urls,
    # The documents keep their file names (docs/api.md: `/api/v1/meetings/{id}/minutes.pdf`), without a slash.
    path("meetings/<int:pk>/minutes.pdf", MeetingViewSet.as_view({"get": "minutes_pdf"}, **PDF_INITKWARGS),
         name="meeting-minutes-pdf"),
    path("meetings/<int:pk>/notice.pdf", MeetingViewSet.as_view({"get": "notice_pdf"}, **PDF_INITKWARGS),
         name="meeting-notice-pdf"),
    path("reports/<int:pk>/pdf/", AnnualReportPdfView.as_view(), name="api-report-pdf"),
    path("briefings/", BriefingListView.as_view(), name="api-briefing-list"),
    path("briefings/<int:pk>/read/", BriefingReadView.as_view(), name="api-briefing-read"),
]
