"""Billing API, included by gis_portal/api_urls.py under /api/v1/."""

from django.urls import path

from .views import BillDetailApi, BillListApi, BillPayApi

urlpatterns = [
    path("billing/bills", BillListApi.as_view(), name="billing-bill-list"),
    path("billing/bills/<int:pk>", BillDetailApi.as_view(), name="billing-bill-detail"),
    path("billing/bills/<int:pk>/payments", BillPayApi.as_view(), name="billing-bill-pay"),
]
