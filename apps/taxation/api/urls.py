from django.urls import path

from .views import TaxQuoteApi

urlpatterns = [path("tax/quote", TaxQuoteApi.as_view(), name="tax-quote")]
