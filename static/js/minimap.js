/* Small overview maps: GeoJSON embedded in the page (json_script), no tile server, no CDN.
   Each <div class="minimap" data-geojson="ID"> reads <script id="ID" type="application/json">. */
(function () {
  "use strict";
  var STYLES = {
    boundary: { color: "#0b5c8a", weight: 3, fill: false },
    zone: { color: "#b35900", weight: 1.5, fillOpacity: 0.08, dashArray: "4 3" },
    parcel: { color: "#a4161a", weight: 2, fillOpacity: 0.25 }
  };

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-geojson"));
    if (!source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data.features || !data.features.length) { el.hidden = true; return; }
    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false });
    var layer = L.geoJSON(data, {
      style: function (f) { return STYLES[f.properties.kind] || STYLES.parcel; },
      onEachFeature: function (f, l) { if (f.properties.label) { l.bindTooltip(String(f.properties.label)); } }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [12, 12], maxZoom: 18 });
    el.setAttribute("data-ready", "1");
  }

  function init() { Array.prototype.forEach.call(document.querySelectorAll(".minimap[data-geojson]"), draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
