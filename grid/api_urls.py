from django.urls import path

from . import overview_api

urlpatterns = [
    path("grid/overview/", overview_api.GridOverviewView.as_view(), name="api-grid-overview"),
]
