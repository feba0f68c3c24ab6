from django.urls import path

from . import views

app_name = "assets_api"

urlpatterns = [
    path("roads/", views.RoadListApi.as_view(), name="road-list"),
    path("roads/<int:pk>/", views.RoadDetailApi.as_view(), name="road-detail"),
    path("streetlights/", views.StreetlightListApi.as_view(), name="streetlight-list"),
    path("streetlights/<int:pk>/", views.StreetlightDetailApi.as_view(), name="streetlight-detail"),
]
