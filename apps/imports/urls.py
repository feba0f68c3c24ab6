from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_index, name="index"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/configure/", views.import_configure, name="configure"),
    path("<int:pk>/commit/", views.import_commit, name="commit"),
    path("<int:pk>/undo/", views.import_undo, name="undo"),
    path("<int:pk>/progress.json", views.import_progress, name="progress"),
    path("<int:pk>/report.csv", views.import_report, name="report"),
    path("export/", views.export_layer, name="export"),
    path("sheet/", views.sheet_form, name="sheet"),
    path("sheet.pdf", views.sheet_pdf, name="sheet_pdf"),
]
