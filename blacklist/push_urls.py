from django.urls import path

from . import push_views

urlpatterns = [
    path("listings/pushes/", push_views.push_list, name="push-list"),
    path("listings/pushes/<int:event_id>/acknowledge/", push_views.push_acknowledge, name="push-acknowledge"),
]
