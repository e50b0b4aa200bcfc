from django.urls import path

from . import public_captcha, public_views

urlpatterns = [
    path("public/debtors/", public_views.public_search_page, name="public-search"),
    path("public/captcha/<str:key>.png", public_captcha.captcha_image, name="public-captcha"),
]
