"""Every app's API under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.registry.api.urls")),
    path("", include("apps.assets.api.urls")),
    path("", include("apps.taxation.api.urls")),
    path("", include("apps.billing.api.urls")),
]
