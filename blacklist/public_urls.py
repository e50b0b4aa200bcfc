from django.urls import path

from . import public

urlpatterns = [
    path("public/debtors/", public.public_search_page, name="public-search"),
]
