from django.urls import path

from . import overview_views, views

app_name = "grid"

urlpatterns = [
    path("grid/", views.home, name="home"),
    path("grid/tasks/<int:pk>/", views.task_detail, name="task"),
    path("grid/tasks/<int:pk>/cancel/", views.task_cancel, name="cancel"),
    path("grid/tasks/<int:pk>/forward/", views.task_forward, name="forward"),
    path("grid/photos/<int:pk>/", views.photo, name="photo"),
    path("grid/overview/", overview_views.overview_page, name="overview"),
    path("grid/overview/overdue/", overview_views.overdue_page, name="overview-overdue"),
    path("grid/overview.xlsx", overview_views.overview_xlsx, name="overview-xlsx"),
    path("cases/<int:pk>/grid-tasks/new/", views.send, name="send"),
]
