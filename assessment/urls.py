from django.urls import path

from . import accountability_views, views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.board, name="board"),
    path("<int:year>/versions/<int:number>/", views.version_board, name="version"),
    path("<int:year>/criteria/", views.criteria, name="criteria"),
    path("<int:year>/move/<slug:action>/", views.move, name="move"),
    path("<int:year>/nominations/", views.propose, name="propose"),
    path("<int:year>/scoreboard.pdf", views.board_pdf, name="pdf"),
    path("<int:year>/scoreboard.xlsx", views.board_xlsx, name="xlsx"),
    path("<int:year>/units/<int:unit_id>/", views.unit_page, name="unit"),
    path("<int:year>/units/<int:unit_id>/score/", views.score, name="score"),
    path("<int:year>/units/<int:unit_id>/notices/", views.unit_notices, name="notices"),
    path("<int:year>/units/<int:unit_id>/records/<slug:kind>/", views.unit_records, name="records"),
    path("nominations/<int:pk>/decide/", views.decide, name="decide"),
    path("nominations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # The yearly accountability documents and the organs' ledger (issue 23, 云浮 items 6, 8, 22).
    path("organs/", accountability_views.organs_ledger, name="organs-ledger"),
    path("accountability/", accountability_views.documents, name="accountability"),
    path("accountability/<int:pk>/", accountability_views.detail, name="accountability-detail"),
    path("accountability/<int:pk>/rows/<int:row_id>/", accountability_views.edit_row, name="accountability-row"),
    path("accountability/<int:pk>/issue/", accountability_views.issue, name="accountability-issue"),
    path("accountability/<int:pk>/pdf/", accountability_views.pdf, name="accountability-pdf"),
]
