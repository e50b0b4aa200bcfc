from django.urls import path

from . import abuse_views, special_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/parties/<int:party_id>/subdistrict/", views.party_subdistrict, name="party-subdistrict"),
    path("<int:pk>/special-notifications/<int:notification_id>/", special_views.special_notification,
         name="special-notification"),
    path("<int:pk>/abuse-findings/", abuse_views.abuse_finding_new, name="abuse-finding-new"),
    path("<int:pk>/abuse-findings/<int:finding_id>/withdraw/", abuse_views.abuse_finding_withdraw,
         name="abuse-finding-withdraw"),
]
