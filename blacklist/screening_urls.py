from django.urls import path

from . import screening_views

urlpatterns = [
    path("screenings/", screening_views.screening_list, name="screening-list"),
    path("screenings/new/", screening_views.screening_new, name="screening-new"),
    path("screenings/<int:pk>/", screening_views.screening_detail, name="screening-detail"),
    path("screenings/<int:pk>/results.xlsx", screening_views.screening_results_xlsx, name="screening-results-xlsx"),
]
