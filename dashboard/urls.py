from django.urls import path

from . import views

# No app_name: the work bench keeps its project-wide name "home" (LOGIN_REDIRECT_URL, base.html, error pages).
urlpatterns = [
    path("", views.home, name="home"),
]
