from django.apps import AppConfig


class ValuationConfig(AppConfig):
    name = "apps.valuation"
    label = "valuation"
