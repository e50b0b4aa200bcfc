"""A grid liaison's account is a light one (issue 25): it reaches its own pages under GRID_HOME_URL and the paths of
GRID_ALLOWED_PREFIXES (logging in and out, its notifications, the public pages), and anything else answers 404 as
if it did not exist, pages and API alike (the site's root sends it to its home). Its organisation is the subdistrict,
so without this every page that decides by `organisation_id` alone would treat it as the subdistrict's liaison.
Placed after the authentication middlewares and before linkage.otp.EnrolmentMiddleware (settings.MIDDLEWARE). API
tokens are refused to grid liaisons (linkage/tokens.py, linkage/authentication.py), so the API sees them only by
their session, here."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect


class GridConfinementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "is_grid", False):
            path = request.path_info
            if path == "/":
                return redirect(settings.GRID_HOME_URL)
            if not path.startswith(tuple(settings.GRID_ALLOWED_PREFIXES)):
                raise Http404("网格员账户只能使用网格工作页面。")
        return self.get_response(request)
