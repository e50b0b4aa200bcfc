"""The site's URLs plus two views that fail on purpose, to see the 403 and 500 pages a real request gets."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from linkage.urls import handler404, handler500  # noqa: F401 - the handlers
from linkage.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
    *site_urlpatterns,
]
