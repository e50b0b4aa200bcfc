from django.urls import path

from . import views

app_name = "grid"

urlpatterns = [
    path("grid/", views.home, name="home"),
    path("grid/tasks/<int:pk>/", views.task_detail, name="task"),
    path("grid/tasks/<int:pk>/cancel/", views.task_cancel, name="cancel"),
    path("grid/tasks/<int:pk>/forward/", views.task_forward, name="forward"),
    path("grid/photos/<int:pk>/", views.photo, name="photo"),
    path("cases/<int:pk>/grid-tasks/new/", views.send, name="send"),
]
