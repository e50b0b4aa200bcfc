from django.urls import path

from . import api
from .api_documents import ScoreboardPdfView

urlpatterns = [
    path("assessments/<int:year>/", api.AssessmentView.as_view(), name="api-assessment"),
    path("assessments/<int:year>/scores/", api.ScoresView.as_view(), name="api-assessment-scores"),
    path("assessments/<int:year>/start-scoring/", api.StartScoringView.as_view(), name="api-assessment-start"),
    path("assessments/<int:year>/submit/", api.SubmitView.as_view(), name="api-assessment-submit"),
    path("assessments/<int:year>/return/", api.ReturnView.as_view(), name="api-assessment-return"),
    path("assessments/<int:year>/finalise/", api.FinaliseView.as_view(), name="api-assessment-finalise"),
    path("assessments/<int:year>/reopen/", api.ReopenView.as_view(), name="api-assessment-reopen"),
    path("assessments/<int:year>/nominations/", api.NominationsView.as_view(), name="api-assessment-nominations"),
    path("assessments/<int:year>/nominations/<int:id>/decide/", api.NominationDecisionView.as_view(),
         name="api-assessment-nomination-decide"),
    path("assessments/<int:year>/scoreboard.pdf", ScoreboardPdfView.as_view(), name="api-assessment-pdf"),
]
