from django.apps import AppConfig


class TaxationConfig(AppConfig):
    name = "apps.taxation"
    label = "taxation"
