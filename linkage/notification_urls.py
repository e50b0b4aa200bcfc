from django.urls import path

from . import notification_views, preference_views

urlpatterns = [
    path("", notification_views.notification_list, name="notifications"),
    path("<int:pk>/read/", notification_views.mark_read, name="notification-read"),
    path("preferences/", preference_views.preferences, name="notification-preferences"),
    path("read-all/", notification_views.mark_all_read, name="notifications-read-all"),
]
