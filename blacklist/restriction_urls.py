from django.urls import path

from . import restriction_views

urlpatterns = [
    path("restrictions/<int:pk>/pdf/", restriction_views.restriction_order_pdf, name="restriction-pdf"),
    path("subdistricts/<slug:code>/posting.pdf", restriction_views.community_posting_pdf, name="community-posting"),
    path("special-notifications/<int:pk>/done/", restriction_views.complete_special_notification,
         name="special-notification-done"),
]
