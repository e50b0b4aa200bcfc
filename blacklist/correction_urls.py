from django.urls import path

from . import correction_views

urlpatterns = [
    path("listings/corrections/", correction_views.correction_list, name="correction-list"),
    path("listings/corrections/<int:pk>/", correction_views.correction_detail, name="correction-detail"),
    path("listings/corrections/<int:pk>/decide/", correction_views.correction_decide, name="correction-decide"),
    path("listings/corrections/<int:pk>/reconsider/", correction_views.correction_reconsider,
         name="correction-reconsider"),
    path("listings/<int:listing_id>/corrections/new/", correction_views.correction_new, name="correction-new"),
]
