from django.urls import path

from . import public_api

urlpatterns = [
    path("public/debtors/", public_api.public_debtors, name="public-debtors"),
]
