from django.urls import path

from . import views

urlpatterns = [
    path("listings/", views.listing_list, name="listing-list"),
    path("listings/<int:pk>/", views.listing_detail, name="listing-detail"),
    path("listings/<int:pk>/<str:name>/", views.listing_action, name="listing-action"),
    path("cases/<int:case_id>/listings/new/", views.listing_propose, name="listing-propose"),
]
