from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from blacklist import urls as blacklist_urls

from . import otp, verification_views, views
from .token_api import obtain_auth_token

admin.site.site_header = "执行联动 · 后台管理"
admin.site.site_title = "执行联动后台"
admin.site.index_title = "管理"

api_v1 = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1", permission_classes=[AllowAny]), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[AllowAny]), name="api-docs"),
    # The busiest first: a URL is matched against the patterns in order (notices, then the public list, then cases).
    path("", include("assistance.api_urls")),
    path("", include(blacklist_urls.api_urlpatterns)),
    path("", include("cases.api_urls")),
    path("", include("members.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("assessment.api_urls")),
    path("", include("grid.api_urls")),
    path("verify/<str:code>/", verification_views.verify_api, name="api-verify"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),  # first: most requests are API calls (see api_v1's own order)
    path("", include("dashboard.urls")),  # the work bench, "home"
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sms-login/", include("members.sms_login_urls")),  # the grid liaisons' login (issue 25)
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/password/done/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("accounts/otp/", otp.settings_page, name="otp-settings"),
    path("accounts/otp/qr.svg", otp.qr_code, name="otp-qr"),
    path("calendar/", include("linkage.calendar_urls")),
    path("verify/", include("linkage.verification_urls")),
    path("notifications/", include("linkage.notification_urls")),
    path("members/", include("members.urls")),
    path("cases/", include("cases.urls")),
    path("", include("assistance.urls")),
    path("", include("blacklist.urls")),
    path("", include("meetings.urls")),
    path("", include("grid.urls")),  # /grid/… and the court's /cases/<pk>/grid-tasks/new/
    path("assessment/", include("assessment.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
]

handler404 = "linkage.api.not_found"
handler500 = "linkage.api.server_error"
