from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("cases/<int:case_id>/notices/new/", views.draft, name="draft"),
    path("notices/", views.notice_list, name="list"),
    path("notices/to-sign/", views.to_sign, name="to-sign"),
    path("notices/sign/", views.sign_many, name="sign-many"),
    path("notices/<int:pk>/", views.notice_detail, name="detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="pdf"),
    path("notices/<int:pk>/lifting.pdf", views.lifting_pdf, name="lifting-pdf"),
    path("notices/<int:pk>/sign/", views.sign, name="sign"),
    path("notices/<int:pk>/serve/", views.serve, name="serve"),
    path("notices/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("notices/<int:pk>/reply/", views.reply, name="reply"),
    path("notices/<int:pk>/close/", views.close, name="close"),
    path("notices/<int:pk>/lift/", views.lift, name="lift"),
    path("notices/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("notices/<int:pk>/extension/", views.request_extension, name="request-extension"),
    path("notices/<int:pk>/review/", views.raise_review, name="raise-review"),
    path("extensions/<int:pk>/decide/", views.decide_extension, name="decide-extension"),
    path("reviews/<int:pk>/decide/", views.decide_review, name="decide-review"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("inbox/", views.inbox, name="inbox"),
]
