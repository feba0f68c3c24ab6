from django.urls import path

from . import views

app_name = "taxation"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("taxpayers/<int:owner_id>/<int:year>/", views.taxpayer, name="taxpayer"),
    path("assessments/<int:pk>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("assessments/<int:pk>/property-list.pdf", views.property_list_pdf, name="list-pdf"),
    path("print/", views.batch_pdf, name="batch-pdf"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/progress.json", views.run_progress, name="progress"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("issue/", views.issue, name="issue"),
    path("whatif/quote", views.whatif_quote, name="whatif"),
]
