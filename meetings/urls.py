from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_create, name="create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/schedule/", views.meeting_action, {"name": "schedule"}, name="schedule"),
    path("meetings/<int:pk>/hold/", views.meeting_action, {"name": "hold"}, name="hold"),
    path("meetings/<int:pk>/cancel/", views.meeting_action, {"name": "cancel"}, name="cancel"),
    path("meetings/<int:pk>/attendance/", views.meeting_action, {"name": "attendance"}, name="attendance-add"),
    path("meetings/attendance/<int:pk>/", views.attendance_record, name="attendance-record"),
    path("meetings/attendance/<int:pk>/withdraw/", views.attendance_withdraw, name="attendance-withdraw"),
    path("meetings/<int:pk>/decisions/", views.meeting_action, {"name": "decision"}, name="decision-add"),
    path("meetings/<int:pk>/summary/", views.meeting_action, {"name": "summary"}, name="summary"),
    path("meetings/<int:pk>/publish/", views.meeting_action, {"name": "publish"}, name="publish"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path("meetings/<int:pk>/notice.pdf", views.meeting_notice_pdf, name="notice-pdf"),
    path("meetings/items/", views.item_list, name="item-list"),
    path("meetings/items/new/<str:kind>/", views.item_propose, name="item-propose"),
    path("meetings/items/<int:pk>/", views.item_detail, name="item-detail"),
    path("meetings/items/<int:pk>/accept/", views.item_action, {"name": "accept"}, name="item-accept"),
    path("meetings/items/<int:pk>/decline/", views.item_action, {"name": "decline"}, name="item-decline"),
    path("meetings/items/<int:pk>/withdraw/", views.item_action, {"name": "withdraw"}, name="item-withdraw"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    path("decisions/<int:pk>/reply/", views.decision_action, {"name": "reply"}, name="decision-reply"),
    path("decisions/<int:pk>/complete/", views.decision_action, {"name": "complete"}, name="decision-complete"),
    path("decisions/<int:pk>/send-back/", views.decision_action, {"name": "send_back"}, name="decision-send-back"),
    path("decisions/<int:pk>/cancel/", views.decision_action, {"name": "cancel"}, name="decision-cancel"),
    path("decisions/replies/<int:pk>/attachment/", views.reply_attachment, name="reply-attachment"),
    path("meetings/reports/", views.report_list, name="report-list"),
    path("meetings/reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("meetings/reports/<int:pk>/send/", views.report_action, {"name": "send"}, name="report-send"),
    path("meetings/reports/<int:pk>/regenerate/", views.report_action, {"name": "regenerate"}, name="report-regenerate"),
    path("meetings/reports/<int:pk>/pdf/", views.report_pdf, name="report-pdf"),
]
