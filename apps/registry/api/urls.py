from django.urls import path

from . import views

app_name = "registry_api"

urlpatterns = [
    path("parcels/", views.ParcelListApi.as_view(), name="parcel-list"),
    path("parcels/<int:pk>/", views.ParcelDetailApi.as_view(), name="parcel-detail"),
    path("buildings/", views.BuildingListApi.as_view(), name="building-list"),
    path("buildings/<int:pk>/", views.BuildingDetailApi.as_view(), name="building-detail"),
    path("owners/", views.OwnerListApi.as_view(), name="owner-list"),
    path("owners/<int:pk>/", views.OwnerDetailApi.as_view(), name="owner-detail"),
]
