from django.urls import include, path

from . import pages, views

urlpatterns = [
    path("tiles/<str:layer>.json", views.tilejson, name="tilejson"),
    path("tiles/<str:layer>/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="tile"),
    path("tiles/<str:layer>/<slug:version>/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="tile-versioned"),
    path("ogc/", include("apps.maps.ogcapi.urls")),
    # The map pages (apps/maps/pages.py).
    path("map/", pages.map_page, name="map"),
    path("map/parcels/<int:parcel_id>/", pages.map_page, name="map-parcel"),
    path("map/parcels/<int:parcel_id>/tax.json", pages.parcel_tax_json, name="map-parcel-tax"),
    path("map/values/<str:measure>.json", pages.parcel_values_json, name="map-values"),
    path("map/ortho/<int:z>/<int:x>/<int:y>.png", pages.ortho_tile, name="map-ortho"),
]
