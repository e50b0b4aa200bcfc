from django.urls import path

from . import export_views, grid_views, views

app_name = "members"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("directory/", views.directory, name="directory"),
    path("roster.xlsx", export_views.roster_xlsx, name="roster-xlsx"),
    path("directory.xlsx", export_views.directory_xlsx, name="directory-xlsx"),
    path("directory.pdf", export_views.directory_pdf, name="directory-pdf"),
    path("receipt.xlsx", export_views.receipt_xlsx, name="receipt-xlsx"),
    path("import/", export_views.roster_import, name="roster-import"),
    path("grid/", grid_views.tree, name="grid"),
    path("grid/import/", grid_views.grid_import_page, name="grid-import"),
    path("grid/template.xlsx", grid_views.grid_template, name="grid-template"),
    path("contact-changes/", views.change_requests, name="change-requests"),
    path("contact-changes/<int:pk>/decide/", views.decide_change_request, name="decide-change"),
    path("contact-changes/<int:pk>/cancel/", views.cancel_change_request, name="cancel-change"),
    path("<slug:code>/", views.organisation_detail, name="organisation"),
    path("<slug:code>/contact-change/", views.request_contact_change, name="request-change"),
]
