from django.urls import path

from . import editing, views

app_name = "registry_api"

urlpatterns = [
    path("parcels/", views.ParcelListApi.as_view(), name="parcel-list"),
    path("parcels/<int:pk>/", views.ParcelDetailApi.as_view(), name="parcel-detail"),
    path("parcels/<int:pk>/split/", editing.ParcelSplitApi.as_view(), name="parcel-split"),
    path("parcels/merge/", editing.ParcelMergeApi.as_view(), name="parcel-merge"),
    path("parcels/<int:pk>/history/", editing.ParcelHistoryApi.as_view(), name="parcel-history"),
    path("parcels/<int:pk>/revert/", editing.ParcelRevertApi.as_view(), name="parcel-revert"),
    path("parcels/<int:pk>/confirm/", editing.ParcelConfirmApi.as_view(), name="parcel-confirm"),
    path("parcels/to-confirm/", editing.ParcelToConfirmApi.as_view(), name="parcel-to-confirm"),
    path("search/", editing.SearchApi.as_view(), name="search"),
    path("buildings/", views.BuildingListApi.as_view(), name="building-list"),
    path("buildings/<int:pk>/", views.BuildingDetailApi.as_view(), name="building-detail"),
    path("owners/", views.OwnerListApi.as_view(), name="owner-list"),
    path("owners/<int:pk>/", views.OwnerDetailApi.as_view(), name="owner-detail"),
]
