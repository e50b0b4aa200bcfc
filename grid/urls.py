from django.urls import path

from . import overview_views

app_name = "grid"

urlpatterns = [
    path("overview/", overview_views.overview_page, name="overview"),
    path("overview/overdue/", overview_views.overdue_page, name="overview-overdue"),
    path("overview.xlsx", overview_views.overview_xlsx, name="overview-xlsx"),
]
