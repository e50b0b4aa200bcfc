from django.urls import path

from . import verification_views

app_name = "verify"

urlpatterns = [
    path("", verification_views.check, name="check"),
    path("<str:code>/", verification_views.check_code, name="check-code"),
]
