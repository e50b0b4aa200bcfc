"""/accounts/sms-login/: the grid liaisons' login by mobile number and SMS code (members/sms_login_views.py)."""

from django.urls import path

from . import sms_login_views

urlpatterns = [
    path("", sms_login_views.request_page, name="sms-login"),
    path("code/", sms_login_views.code_page, name="sms-login-code"),
]
