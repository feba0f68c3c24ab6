from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.counter, name="counter"),
    path("bills/<int:pk>/", views.bill_detail, name="bill"),
    path("bills/<int:pk>/pay/", views.bill_pay, name="pay"),
    path("bills/<int:pk>/installments/", views.bill_installments, name="installments"),
    path("bills/<int:pk>/objection/", views.bill_objection, name="objection"),
    path("bills/<int:pk>/cancel/", views.bill_cancel, name="cancel"),
    path("bills/<int:pk>/bill.pdf", views.bill_pdf_view, name="bill-pdf"),
    path("bills/<int:pk>/credit/", views.bill_credit, name="credit"),
    path("bills/<int:pk>/extension/", views.bill_extension, name="extension"),
    path("taxpayers/<int:pk>/", views.taxpayer, name="taxpayer"),
    path("taxpayers/<int:pk>/refund/", views.taxpayer_refund, name="refund"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="reverse"),
    path("letters/<int:pk>/received/", views.letter_received, name="letter-received"),
    path("receipts/<int:pk>.pdf", views.receipt_pdf_view, name="receipt-pdf"),
    path("bank/", views.bank, name="bank"),
    path("bank/lines/<int:pk>/match/", views.bank_line_match, name="bank-match"),
    path("bank/lines/<int:pk>/set-aside/", views.bank_line_set_aside, name="bank-set-aside"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("elaas.csv", views.elaas_csv, name="elaas-csv"),
    path("arrears.csv", views.arrears_csv, name="arrears-csv"),
    path("arrears.xlsx", views.arrears_xlsx, name="arrears-xlsx"),
    path("warnings/", views.warnings_issue, name="warnings"),
    path("issue/", views.bills_issue, name="issue"),
    path("my/", views.my_bills, name="my-bills"),
    path("my/<int:pk>/bill.pdf", views.my_bill_pdf, name="my-bill-pdf"),
]
