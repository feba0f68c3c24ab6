from django.urls import include, path

from . import views

urlpatterns = [
    path("tiles/<str:layer>.json", views.tilejson, name="tilejson"),
    path("tiles/<str:layer>/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="tile"),
    path("tiles/<str:layer>/<slug:version>/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="tile-versioned"),
    path("ogc/", include("apps.maps.ogcapi.urls")),
]
