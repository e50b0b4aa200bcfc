from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import AttachmentDownloadView, NoticeViewSet
from .api.dispatches import CaseDispatchCreateView, DispatchViewSet
from .api.referrals import CrimeReferralViewSet, DisciplineReferralViewSet
from .api.suggestions import SuggestionLetterViewSet

router = SimpleRouter()
router.register("notices", NoticeViewSet, basename="notice")
router.register("dispatches", DispatchViewSet, basename="dispatch")
router.register("suggestion-letters", SuggestionLetterViewSet, basename="suggestion-letter")
router.register("crime-referrals", CrimeReferralViewSet, basename="crime-referral")
router.register("discipline-referrals", DisciplineReferralViewSet, basename="discipline-referral")

urlpatterns = [
    *router.urls,
    path("attachments/<int:id>/", AttachmentDownloadView.as_view(), name="api-attachment-download"),
    path("cases/<int:case_id>/dispatches/", CaseDispatchCreateView.as_view(), name="case-dispatches"),
]
