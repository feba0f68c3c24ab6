/* The map page (apps/maps/pages.py): vector tiles for drawing, the REST API for every detail and every write.
   Who may see what is the server's business (the API answers 404/403); this script only shows what it gets.
   Strings come translated in the page's config (texts); no CDN, no external request unless the user picks
   the OpenStreetMap basemap. */
(function () {
  "use strict";

  // Leaflet.VectorGrid 1.3 still calls L.DomEvent.fakeStop, which Leaflet 1.9 removed. A no-op here: stopping
  // the click would keep it from the map, and Geoman places the vertices of a drawing on the map's clicks.
  if (window.L && !L.DomEvent.fakeStop) { L.DomEvent.fakeStop = function () {}; }

  var C = JSON.parse(document.getElementById("map-config").textContent);
  var T = C.texts;
  var PARCEL_LINE = "#4b5563";
  var SELECTED = "#f59e0b";
  var PROBLEM = "#dc2626";
  var TAX_CLASSES = [  // satang thresholds of the assessed-tax choropleth (light → dark)
    [0, "#fff5eb"], [10000, "#fdd0a2"], [50000, "#fd8d3c"], [200000, "#d94801"], [1000000, "#7f2704"]
  ];
  var PAYMENT_COLOURS = { paid: "#1a9850", partly_paid: "#fee08b", open: "#91bfdb", overdue: "#d73027" };

  var map, grids = {}, tilejson = {};
  var state = {
    selectedId: null, selectedProps: null, mode: null, colourBy: "land_use", values: {}, valuesAvailable: true,
    editLayer: null, editVersion: null, mergeIds: [], busy: false
  };
  var overlays = {};

  // --- small helpers --------------------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k === "className") { node.className = attrs[k]; }
      else if (k.indexOf("on") === 0) { node.addEventListener(k.slice(2), attrs[k]); } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return node;
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (method !== "GET") { options.headers["X-CSRFToken"] = csrfToken(); }
    return fetch(url, options).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: r.status, ok: r.ok, data: data };
      });
    });
  }
  function parcelUrl(id) { return C.urls.parcels + id + "/"; }
  function fmt(n, digits) {
    return Number(n).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "th-TH",
      { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
  }
  function bahtText(satang) { return fmt(satang / 100, 2) + " " + T.baht; }
  function dateText(iso) {
    return new Date(iso).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "th-TH",
      { dateStyle: "medium", timeStyle: "short" });
  }

  // Area on the sphere (the same formula as Leaflet.draw's geodesicArea), for the live figure while drawing;
  // the saved area always comes back from the server, measured in the organisation's UTM zone.
  function ringArea(ring) {
    var R = 6371008.8, area = 0, n = ring.length, rad = Math.PI / 180;
    if (n < 3) { return 0; }
    for (var i = 0; i < n; i++) {
      var p1 = ring[i], p2 = ring[(i + 1) % n];
      area += (p2.lng - p1.lng) * rad * (2 + Math.sin(p1.lat * rad) + Math.sin(p2.lat * rad));
    }
    return Math.abs(area * R * R / 2);
  }
  function layerArea(latlngs) {
    if (!latlngs || !latlngs.length) { return 0; }
    if (latlngs[0] instanceof L.LatLng) { return ringArea(latlngs); }
    if (latlngs[0][0] instanceof L.LatLng) {  // polygon: outer ring minus holes
      return latlngs.reduce(function (sum, ring, i) { return sum + (i === 0 ? 1 : -1) * ringArea(ring); }, 0);
    }
    return latlngs.reduce(function (sum, part) { return sum + layerArea(part); }, 0);
  }
  // 1 rai = 4 ngan = 400 sq wa = 1,600 m² (apps/registry/domain/units.py); tenths of a square wa as on the card.
  function raiNganWa(m2) {
    var sqwa = Math.round(m2 / 4 * 10) / 10;
    var rai = Math.floor(sqwa / 400), rest = sqwa - rai * 400;
    var ngan = Math.floor(rest / 100), wa = rest - ngan * 100;
    var waText = wa.toFixed(1);
    if (wa < 10) { waText = "0" + waText; }
    return rai + "-" + ngan + "-" + waText;
  }
  function showArea(layer) {
    var box = $("area-live");
    if (!box) { return; }
    if (!layer) { box.hidden = true; return; }
    var m2 = layerArea(layer.getLatLngs());
    box.hidden = false;
    box.textContent = T.area_live + ": " + raiNganWa(m2) + " " + T.rai_ngan_wa + " (" + fmt(m2, 1) + " " + T.sq_m + ")";
  }

  function message(text, kind, extra) {
    var box = $("map-message");
    box.innerHTML = "";
    box.className = "map-message" + (kind ? " " + kind : "");
    box.appendChild(el("p", { text: text }));
    if (extra) { box.appendChild(extra); }
    box.hidden = false;
  }
  function clearMessage() { var box = $("map-message"); box.hidden = true; box.innerHTML = ""; }
  function hint(text) { $("map-hint").textContent = text || ""; }

  // --- styling of the vector tiles --------------------------------------------------------------------------
  var LAND_USE_COLOURS = {};
  C.land_uses.forEach(function (u) { LAND_USE_COLOURS[String(u.code)] = u.colour; });

  function taxColour(satang) {
    var colour = TAX_CLASSES[0][1];
    TAX_CLASSES.forEach(function (c) { if (satang >= c[0]) { colour = c[1]; } });
    return colour;
  }
  function parcelFill(props) {
    var id = String(props._id);
    if (state.colourBy === "tax") {
      var v = state.values[id];
      return v === undefined ? "#f3f4f6" : taxColour(v);
    }
    if (state.colourBy === "payment") {
      return PAYMENT_COLOURS[state.values[id]] || "#f3f4f6";
    }
    return LAND_USE_COLOURS[String(props.land_use)] || "#e5e7eb";
  }
  function parcelStyle(props) {
    var selected = state.selectedId !== null && String(props._id) === String(state.selectedId);
    var merging = state.mergeIds.indexOf(Number(props._id)) >= 0;
    return {
      fill: true, fillColor: parcelFill(props), fillOpacity: C.is_resident ? 0.25 : 0.6,
      color: selected || merging ? SELECTED : PARCEL_LINE, weight: selected || merging ? 3 : 1
    };
  }
  var LAYER_STYLES = {
    zones: function () { return { color: "#7c3aed", weight: 3, fill: false }; },
    blocks: function () { return { color: "#a855f7", weight: 2, dashArray: "4 4", fill: false }; },
    parcels: parcelStyle,
    buildings: function () { return { color: "#7f1d1d", weight: 1, fill: true, fillColor: "#b91c1c", fillOpacity: 0.7 }; }
  };

  function restyleParcels() {
    if (grids.parcels) { grids.parcels.redraw(); }
    legend();
  }

  function legend() {
    var list = $("legend");
    list.innerHTML = "";
    function row(colour, label, line) {
      var swatch = el("span", { className: "swatch" + (line ? " line" : "") });
      if (line) { swatch.style.borderColor = colour; } else { swatch.style.background = colour; }
      list.appendChild(el("li", {}, [swatch, el("span", { text: label })]));
    }
    if (state.colourBy === "tax") {
      TAX_CLASSES.forEach(function (c, i) {
        var next = TAX_CLASSES[i + 1];
        row(c[1], next ? bahtText(c[0]) + " – " + bahtText(next[0]) : "≥ " + bahtText(c[0]));
      });
      row("#f3f4f6", T.no_assessment);
    } else if (state.colourBy === "payment") {
      if (!state.valuesAvailable) { list.appendChild(el("li", { text: T.payment_unavailable })); }
      Object.keys(PAYMENT_COLOURS).forEach(function (k) { row(PAYMENT_COLOURS[k], T[k] || k); });
    } else {
      var seen = {};
      C.land_uses.forEach(function (u) {
        if (seen[u.colour + u.label]) { return; }
        seen[u.colour + u.label] = true;
        row(u.colour, u.label);
      });
    }
    row("#7c3aed", T.zones, true);
    row("#a855f7", T.blocks, true);
    if (C.is_resident) { row(SELECTED, T.mine, true); }
  }

  // --- tiles ----------------------------------------------------------------------------------------------
  function loadTileJSON(name) {
    return api("GET", C.urls.tilejson[name]).then(function (r) {
      if (!r.ok) { throw new Error("tilejson " + name); }
      tilejson[name] = r.data;
      return r.data;
    });
  }
  function makeGrid(name, doc) {
    var styles = {};
    styles[name] = LAYER_STYLES[name];
    var grid = L.vectorGrid.protobuf(doc.tiles[0], {
      vectorTileLayerStyles: styles,
      interactive: name === "parcels",
      // The tile's feature id is the parcel id; keep it in the properties so a click can name the parcel.
      getFeatureId: function (f) { f.properties._id = f.id; return f.id; },
      minZoom: doc.minzoom, maxNativeZoom: Math.min(doc.maxzoom, 20), maxZoom: 22,
      rendererFactory: L.canvas.tile, pane: name === "parcels" ? "parcelsPane" : "overlayPane",
      fetchOptions: { credentials: "same-origin" }
    });
    if (name === "parcels") {
      grid.on("click", function (e) {
        onParcelClick(Number(e.layer.properties._id), e.layer.properties);
      });
    }
    grids[name] = grid;
    return grid;
  }
  function refreshTiles() {
    // The TileJSON carries the layer's current version: a new URL after each edit, so no stale tile shows.
    return Promise.all(["parcels", "buildings"].map(function (name) {
      return loadTileJSON(name).then(function (doc) { if (grids[name]) { grids[name].setUrl(doc.tiles[0]); } });
    }));
  }

  // --- the parcel card ------------------------------------------------------------------------------------
  function onParcelClick(id, props) {
    if (state.mode === "merge") { toggleMerge(id); return; }
    if (state.mode && state.mode !== "history") { return; }
    selectParcel(id, props);
  }
  function selectParcel(id, props) {
    state.selectedId = id;
    state.selectedProps = props || null;
    restyleParcels();
    showCard(id);
    if (state.mode === "history") { showHistory(id); }
  }
  function fact(list, label, value) {
    if (value === null || value === undefined || value === "") { return; }
    list.appendChild(el("dt", { text: label }));
    list.appendChild(el("dd", { text: String(value) }));
  }
  function showCard(id) {
    var card = $("parcel-card");
    card.hidden = false;
    card.innerHTML = "";
    delete card.dataset.complete;  // set again once every part of the card has arrived (tests wait for it)
    card.appendChild(el("p", { className: "muted", text: T.loading }));
    api("GET", parcelUrl(id)).then(function (r) {
      card.innerHTML = "";
      var close = el("button", { type: "button", className: "close", "aria-label": T.close, text: "×",
        onclick: function () { card.hidden = true; state.selectedId = null; restyleParcels(); } });
      if (r.status === 404) {
        card.appendChild(el("h2", {}, [el("span", { text: T.parcel + " " + ((state.selectedProps || {}).parcel_code || "") }), close]));
        card.appendChild(el("p", { className: "card-refused", text: T.not_yours }));
        card.dataset.complete = "1";
        return;
      }
      if (!r.ok) { card.appendChild(el("p", { text: T.error })); card.dataset.complete = "1"; return; }
      var p = r.data.properties;
      state.selectedVersion = p.version;
      card.appendChild(el("h2", {}, [el("span", { text: T.parcel + " " + p.parcel_code }), close]));
      var facts = el("dl", { className: "facts" });
      fact(facts, T.document, (p.document_type ? p.document_type.label : "") + (p.document_no ? " " + T.no + " " + p.document_no : ""));
      fact(facts, T.land_no, p.land_no);
      fact(facts, T.deed_area, p.deed_area_rai_ngan_wa);
      if (p.area_m2 !== null) {
        fact(facts, T.map_area, p.map_area_rai_ngan_wa + " " + T.rai_ngan_wa + " (" + fmt(p.area_m2, 1) + " " + T.sq_m + ")");
      }
      var use = (state.selectedProps || {}).land_use;
      if (use !== undefined && use !== null) {
        var label = C.land_uses.filter(function (u) { return String(u.code) === String(use); })[0];
        fact(facts, T.land_use, label ? label.label : use);
      }
      if (p.village) { fact(facts, T.village, p.village.moo_no + " " + p.village.name_th); }
      fact(facts, T.address, [p.house_no, p.road].filter(Boolean).join(" "));
      if (p.owners) {
        fact(facts, T.owners, p.owners.map(function (o) { return o.name + " (" + o.share + ")"; }).join(", ") || T.none);
      }
      fact(facts, T.status, p.status.label + " · " + T.version + " " + p.version);
      card.appendChild(facts);
      var buildings = el("div", { className: "card-buildings" });
      card.appendChild(buildings);
      var parts = [];
      parts.push(api("GET", C.urls.buildings + "?parcel=" + id).then(function (b) {
        if (!b.ok) { return; }
        buildings.appendChild(el("h3", { text: T.buildings + " (" + b.data.features.length + ")" }));
        var ul = el("ul", {});
        b.data.features.forEach(function (f) {
          var q = f.properties;
          ul.appendChild(el("li", { text: q.code + " · " + q.building_type.label + " · " + q.storeys + " " + T.storeys +
            " · " + fmt(q.floor_area_m2, 0) + " " + T.sq_m }));
        });
        if (!b.data.features.length) { ul.appendChild(el("li", { className: "muted", text: T.none })); }
        buildings.appendChild(ul);
      }));
      if (C.can_see_tax) {
        var tax = el("div", { className: "card-tax" });
        card.appendChild(tax);
        parts.push(api("GET", C.urls.tax.replace("{id}", id)).then(function (t) {
          if (!t.ok) { return; }
          var dl = el("dl", { className: "facts" });
          var a = t.data.assessed;
          fact(dl, T.assessed_tax, a ? bahtText(a.tax_satang) + " (" + T.tax_year + " " + a.tax_year + (a.issued ? "" : ", " + T.draft) + ")" +
            (a.shared ? " · " + T.shared_line : "") : T.no_assessment);
          fact(dl, T.payment, t.data.payment ? t.data.payment.map(function (s) { return s.label; }).join(", ") : T.no_bill);
          tax.appendChild(dl);
        }));
      }
      Promise.all(parts).then(function () { card.dataset.complete = "1"; });
      highlightFeature(r.data);
    });
  }
  function highlightFeature(feature) {
    overlays.selected.clearLayers();
    if (feature && feature.geometry) { overlays.selected.addData(feature); }
  }

  // --- search ---------------------------------------------------------------------------------------------
  function search(ev) {
    ev.preventDefault();
    var q = $("map-search-q").value.trim();
    var list = $("map-search-results");
    list.innerHTML = "";
    if (!q) { return; }
    api("GET", C.urls.search + "?q=" + encodeURIComponent(q)).then(function (r) {
      list.innerHTML = "";
      var results = (r.ok && r.data.results) || [];
      if (!results.length) { list.appendChild(el("li", { className: "muted", text: T.not_found })); return; }
      results.forEach(function (item) {
        var label = item.label + (item.detail ? " · " + item.detail : "");
        list.appendChild(el("li", {}, [el("button", { type: "button", onclick: function () { goTo(item); } },
          [el("span", { text: label }), " ", el("span", { className: "kind", text: "(" + (T[item.kind] || item.kind) + ")" })])]));
      });
      if (results.length === 1) { goTo(results[0]); }
    });
  }
  function goTo(item) {
    if (item.bbox) {
      map.fitBounds([[item.bbox[1], item.bbox[0]], [item.bbox[3], item.bbox[2]]], { maxZoom: 18, padding: [20, 20] });
    }
    if (item.kind === "parcel" || item.kind === "owner") { selectParcel(item.id, { parcel_code: item.kind === "parcel" ? item.label : item.detail }); }
  }

  // --- choropleths ----------------------------------------------------------------------------------------
  function colourBy(measure) {
    state.colourBy = measure;
    if (measure === "land_use") { state.values = {}; restyleParcels(); return; }
    api("GET", C.urls.values.replace("{measure}", measure)).then(function (r) {
      state.values = (r.ok && r.data.values) || {};
      state.valuesAvailable = !!(r.ok && r.data.available);
      restyleParcels();
    });
  }

  // --- editing (surveyors, administrators) -----------------------------------------------------------------
  var DRAWING_MODES = ["draw-parcel", "draw-building", "reshape", "split"];
  function setMode(mode) {
    endEdit();
    state.mode = mode;
    // The tiles' canvases take the clicks for themselves; while drawing, the clicks must reach the map.
    $("map").classList.toggle("map-drawing", DRAWING_MODES.indexOf(mode) >= 0);
    document.querySelectorAll("[data-tool]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-tool") === mode ? "true" : "false");
    });
  }
  function endEdit() {
    if (map.pm) {
      map.pm.disableDraw();
      if (state.editLayer && state.editLayer.pm) { state.editLayer.pm.disable(); }
    }
    if (state.editLayer) { map.removeLayer(state.editLayer); }
    state.editLayer = null;
    state.mode = null;
    $("map").classList.remove("map-drawing");
    state.mergeIds = [];
    overlays.neighbours.clearLayers();
    overlays.theirs.clearLayers();
    $("edit-form").hidden = true;
    showArea(null);
    document.querySelectorAll("[data-tool]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    restyleParcels();
  }
  function needZoom() {
    if (map.getZoom() < C.edit_min_zoom) { message(T.zoom_in_to_edit, "error"); return true; }
    return false;
  }
  // The neighbours as real vectors (not tiles), so Geoman can snap to their vertices and edges.
  function loadNeighbours(exceptId) {
    var b = map.getBounds().pad(0.2);
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
    overlays.neighbours.clearLayers();
    return api("GET", C.urls.parcels + "?status=active&page_size=1000&bbox=" + bbox).then(function (r) {
      if (!r.ok) { return; }
      r.data.features.forEach(function (f) { if (f.id !== exceptId) { overlays.neighbours.addData(f); } });
    });
  }
  function drawOptions() {
    return { snappable: true, snapDistance: 20, allowSelfIntersection: false, templineStyle: { color: SELECTED },
      hintlineStyle: { color: SELECTED, dashArray: "5 5" }, pathOptions: { color: SELECTED, weight: 3 } };
  }
  function watchArea(layer) {
    ["pm:edit", "pm:markerdrag", "pm:vertexadded", "pm:vertexremoved", "pm:change"].forEach(function (ev) {
      layer.on(ev, function () { showArea(layer); });
    });
    showArea(layer);
  }
  function startDraw(kind) {
    if (needZoom()) { return; }
    if (kind === "building" && state.selectedId === null) { message(T.select_parcel_first, "error"); return; }
    setMode(kind === "building" ? "draw-building" : "draw-parcel");
    clearMessage();
    loadNeighbours(null).then(function () { map.pm.enableDraw("Polygon", drawOptions()); });
  }
  function onDrawStart(e) {
    if (e.workingLayer && e.shape === "Polygon") {
      e.workingLayer.on("pm:vertexadded", function () { showArea(e.workingLayer); });
    }
  }
  function onCreate(e) {
    if (state.mode === "split" && e.shape === "Line") { map.removeLayer(e.layer); submitSplit(e.layer); return; }
    if (state.mode !== "draw-parcel" && state.mode !== "draw-building") { map.removeLayer(e.layer); return; }
    state.editLayer = e.layer;
    e.layer.pm.enable({ snappable: true, snapDistance: 20, allowSelfIntersection: false });
    watchArea(e.layer);
    showForm(state.mode === "draw-parcel" ? "parcel" : "building");
  }
  function showForm(kind) {
    var form = $("edit-form");
    form.hidden = false;
    form.setAttribute("data-kind", kind);
    $("edit-code-field").hidden = kind !== "parcel";
    var extra = $("building-fields");
    if (kind === "building" && !extra) {
      extra = el("div", { id: "building-fields" });
      var types = el("select", { id: "building-type" });
      C.building_types.forEach(function (t) { types.appendChild(el("option", { value: t.code, text: t.code + " " + t.label })); });
      var cons = el("select", { id: "building-construction" });
      C.constructions.forEach(function (t) { cons.appendChild(el("option", { value: t.code, text: t.label })); });
      extra.appendChild(el("div", { className: "field" }, [el("label", { "for": "building-type", text: T.building_type }), types]));
      extra.appendChild(el("div", { className: "field" }, [el("label", { "for": "building-construction", text: T.construction }), cons]));
      form.insertBefore(extra, form.querySelector(".actions"));
    }
    if (extra) { extra.hidden = kind !== "building"; }
    if (kind === "parcel") { $("edit-code").focus(); }
  }
  // Full precision: Leaflet rounds to 6 decimals by default (~11 cm), which would pull a snapped vertex off
  // the neighbour's and show up as an overlap.
  function geometryOf(layer) { return layer.toGeoJSON(false).geometry; }
  function drawProblem(where) {
    overlays.problem.clearLayers();
    if (where) {
      overlays.problem.addData(where);
      overlays.problem.bringToFront();
    }
  }
  function refused(r) {
    var d = r.data || {};
    if (d.where) {
      drawProblem(d.where);
      message(d.message, "error");
      return;
    }
    var texts = [];
    Object.keys(d).forEach(function (k) { texts.push([].concat(d[k]).join(" ")); });
    message(texts.join(" ") || T.error, "error");
  }
  function afterSave(text, selectId) {
    drawProblem(null);
    endEdit();
    message(text, "ok");
    refreshTiles().then(function () { if (selectId) { selectParcel(selectId); } });
  }
  function save(ev) {
    ev.preventDefault();
    if (!state.editLayer || state.busy) { return; }
    state.busy = true;
    var kind = $("edit-form").getAttribute("data-kind");
    var request;
    if (kind === "parcel") {
      request = api("POST", C.urls.parcels, { parcel_code: $("edit-code").value.trim(), geom: geometryOf(state.editLayer) });
    } else if (kind === "reshape") {
      request = api("PATCH", parcelUrl(state.selectedId), { version: state.editVersion, geom: geometryOf(state.editLayer) });
    } else {
      var footprint = layerArea(state.editLayer.getLatLngs());
      request = api("POST", C.urls.buildings, { parcel: state.selectedId, geom: geometryOf(state.editLayer),
        building_type: $("building-type").value, construction: $("building-construction").value,
        floor_area_m2: footprint.toFixed(2) });
    }
    request.then(function (r) {
      state.busy = false;
      if (r.ok) {
        if (kind === "building") { afterSave(T.building_saved, state.selectedId); return; }
        afterSave(T.saved + " " + T.parcel + " " + r.data.properties.parcel_code, r.data.id);
      } else if (r.status === 409) {
        conflict(r.data);
      } else {
        refused(r);
      }
    }, function () { state.busy = false; message(T.error, "error"); });
  }
  function conflict(d) {
    // Both versions on the map: theirs (saved) in blue, yours (still editable) in amber. Never overwritten.
    overlays.theirs.clearLayers();
    if (d.current) { overlays.theirs.addData(d.current); }
    var actions = el("div", { className: "actions" }, [
      el("button", { type: "button", className: "button primary", text: T.load_theirs, onclick: function () {
        var id = state.selectedId;
        endEdit();
        clearMessage();
        refreshTiles().then(function () { selectParcel(id); });
      } }),
      el("button", { type: "button", className: "button", text: T.cancel, onclick: function () { endEdit(); clearMessage(); } })
    ]);
    message(T.conflict + " " + T.your_version + ": " + d.your_version + " · " + T.their_version + ": " + d.current_version,
      "error conflict", actions);
  }
  function startReshape() {
    if (state.selectedId === null) { message(T.select_parcel_first, "error"); return; }
    if (needZoom()) { return; }
    var id = state.selectedId;
    setMode("reshape");
    clearMessage();
    Promise.all([api("GET", parcelUrl(id)), loadNeighbours(id)]).then(function (results) {
      var r = results[0];
      if (!r.ok) { refused(r); return; }
      state.editVersion = r.data.properties.version;
      var group = L.geoJSON(r.data, { style: { color: SELECTED, weight: 3 } });
      state.editLayer = group.getLayers()[0];
      state.editLayer.addTo(map);
      state.editLayer.pm.enable({ snappable: true, snapDistance: 20, allowSelfIntersection: false });
      watchArea(state.editLayer);
      showForm("reshape");
    });
  }
  function startSplit() {
    if (state.selectedId === null) { message(T.select_parcel_first, "error"); return; }
    if (needZoom()) { return; }
    var id = state.selectedId;
    setMode("split");
    api("GET", parcelUrl(id)).then(function (r) {
      if (!r.ok) { refused(r); return; }
      state.editVersion = r.data.properties.version;
      message(T.draw_cut);
      loadNeighbours(null).then(function () { map.pm.enableDraw("Line", drawOptions()); });
    });
  }
  function submitSplit(line) {
    var id = state.selectedId;
    api("POST", parcelUrl(id) + "split/", { cut_line: geometryOf(line), version: state.editVersion }).then(function (r) {
      if (r.status === 201) {
        var codes = r.data.features.map(function (f) { return f.properties.parcel_code; });
        afterSave(T.split_done + " " + codes.join(", "), r.data.features[0].id);
      } else if (r.status === 409) { conflict(r.data); } else { endEdit(); refused(r); }
    });
  }
  function toggleMerge(id) {
    var i = state.mergeIds.indexOf(id);
    if (i >= 0) { state.mergeIds.splice(i, 1); } else { state.mergeIds.push(id); }
    restyleParcels();
    var button = document.querySelector("[data-tool=merge]");
    button.textContent = T.merge_selected + " (" + state.mergeIds.length + ")";
  }
  function startOrFinishMerge() {
    var button = document.querySelector("[data-tool=merge]");
    if (state.mode !== "merge") {
      setMode("merge");
      if (state.selectedId !== null) { state.mergeIds = [state.selectedId]; }
      button.textContent = T.merge_selected + " (" + state.mergeIds.length + ")";
      button.setAttribute("aria-pressed", "true");
      restyleParcels();
      message(T.merge_pick);
      return;
    }
    var ids = state.mergeIds.slice();
    Promise.all(ids.map(function (id) { return api("GET", parcelUrl(id)); })).then(function (answers) {
      var parcels = answers.filter(function (a) { return a.ok; }).map(function (a) {
        return { id: a.data.id, version: a.data.properties.version };
      });
      return api("POST", C.urls.merge, { parcels: parcels });
    }).then(function (r) {
      button.textContent = T.merge;
      if (r.status === 201) { afterSave(T.merge_done + " " + r.data.properties.parcel_code, r.data.id); }
      else if (r.status === 409) { conflict(r.data); } else { endEdit(); refused(r); }
    });
  }

  // --- history and revert ---------------------------------------------------------------------------------
  var historyRequest = 0;
  function showHistory(id) {
    var panel = $("history-panel");
    var ticket = ++historyRequest;
    panel.hidden = false;
    panel.innerHTML = "";
    panel.appendChild(el("h2", { text: T.history }));
    api("GET", parcelUrl(id) + "history/").then(function (r) {
      if (ticket !== historyRequest) { return; }  // a newer request (another parcel, a revert) answers
      if (!r.ok) { panel.appendChild(el("p", { text: r.status === 404 ? T.not_yours : T.error })); return; }
      var rows = r.data.results;
      var current = rows.length ? rows[0].version : null;
      var lineage = [];
      if (r.data.parents.length) { lineage.push(T.parents + ": " + r.data.parents.map(function (p) { return p.parcel_code; }).join(", ")); }
      if (r.data.children.length) { lineage.push(T.children + ": " + r.data.children.map(function (p) { return p.parcel_code; }).join(", ")); }
      if (lineage.length) { panel.appendChild(el("p", { className: "muted", text: lineage.join(" · ") })); }
      var list = el("ol", { className: "history-list" });
      rows.forEach(function (row, i) {
        var item = el("li", {}, [
          el("div", { className: "when", text: dateText(row.history_date) + " · " + T.version + " " + row.version }),
          el("div", { text: (T[row.change] || row.change) + " " + T.by + " " + (row.user || T.system) +
            (row.reason ? " · " + row.reason : "") }),
          row.changed_fields.length ? el("div", { className: "muted small", text: T.changed_fields + ": " + row.changed_fields.join(", ") }) : null
        ]);
        var show = el("button", { type: "button", className: "button", text: T.show_outline, onclick: function () {
          list.querySelectorAll("li").forEach(function (li) { li.removeAttribute("aria-current"); });
          item.setAttribute("aria-current", "true");
          overlays.history.clearLayers();
          overlays.history.addData({ type: "Feature", geometry: row.geom, properties: {} });
          overlays.history.bringToFront();
        } });
        item.appendChild(show);
        if (C.can_edit && i > 0) {
          item.appendChild(document.createTextNode(" "));
          item.appendChild(el("button", { type: "button", className: "button", text: T.revert, onclick: function () {
            api("POST", parcelUrl(id) + "revert/", { history_id: row.history_id, version: current }).then(function (a) {
              if (a.ok) {
                overlays.history.clearLayers();
                afterSave(T.reverted, id);
                showHistory(id);
              } else if (a.status === 409) { conflict(a.data); } else { refused(a); }
            });
          } }));
        }
        list.appendChild(item);
      });
      panel.appendChild(list);
    });
  }
  function startHistory() {
    if (state.selectedId === null) { message(T.select_parcel_first, "error"); return; }
    setMode("history");
    showHistory(state.selectedId);
  }

  // --- the tax officer's list of new parcels to confirm ----------------------------------------------------
  function showToConfirm() {
    var panel = $("confirm-panel");
    if (!panel) { return; }
    api("GET", C.urls.to_confirm).then(function (r) {
      if (!r.ok || !r.data.length) { panel.hidden = true; return; }
      panel.hidden = false;
      panel.innerHTML = "";
      panel.appendChild(el("h2", { text: T.to_confirm }));
      var ul = el("ul", { className: "history-list" });
      r.data.forEach(function (p) {
        ul.appendChild(el("li", {}, [
          el("button", { type: "button", className: "button", text: p.parcel_code, onclick: function () {
            selectParcel(p.id, { parcel_code: p.parcel_code });
            api("GET", parcelUrl(p.id)).then(function (a) {
              if (a.ok && a.data.geometry) { map.fitBounds(L.geoJSON(a.data).getBounds(), { maxZoom: 18 }); }
            });
          } }), " ",
          el("button", { type: "button", className: "button primary", text: T.confirm, onclick: function () {
            api("POST", parcelUrl(p.id) + "confirm/").then(function (a) {
              if (a.ok) { message(T.confirmed, "ok"); showToConfirm(); } else { refused(a); }
            });
          } })
        ]));
      });
      panel.appendChild(ul);
    });
  }

  // --- start ----------------------------------------------------------------------------------------------
  function start() {
    map = L.map("map", { zoomControl: true, maxZoom: 22, preferCanvas: false });
    map.createPane("parcelsPane").style.zIndex = 390;
    var extent = C.extent || [103.1451, 16.7014, 103.1944, 16.7711];
    map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]]);
    map.attributionControl.setPrefix(false);

    overlays.selected = L.geoJSON(null, { style: { color: SELECTED, weight: 4, fill: false }, interactive: false, pmIgnore: true }).addTo(map);
    overlays.problem = L.geoJSON(null, { style: { color: PROBLEM, weight: 4, fillColor: PROBLEM, fillOpacity: 0.35, className: "topology-problem" },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 10, color: PROBLEM, className: "topology-problem" }); },
      interactive: false, pmIgnore: true, snapIgnore: true }).addTo(map);
    overlays.history = L.geoJSON(null, { style: { color: "#ea580c", weight: 3, dashArray: "6 4", fill: false, className: "history-outline" },
      interactive: false, pmIgnore: true, snapIgnore: true }).addTo(map);
    overlays.theirs = L.geoJSON(null, { style: { color: "#1d4ed8", weight: 3, dashArray: "2 6", fill: false, className: "their-version" },
      interactive: false, pmIgnore: true, snapIgnore: true }).addTo(map);
    // Snapping targets: drawn faintly; Geoman snaps to any vector layer on the map that does not opt out.
    overlays.neighbours = L.geoJSON(null, { style: { color: "#111827", weight: 1, fill: false, opacity: 0.5 }, interactive: false }).addTo(map);

    var basemaps = {};
    basemaps[T.basemap_none] = L.layerGroup().addTo(map);
    if (C.urls.ortho) { basemaps[T.basemap_ortho] = L.tileLayer(C.urls.ortho, { maxZoom: 22, maxNativeZoom: 21 }); }
    // Never by default: the office link may be down, and the page must work without the internet.
    basemaps[T.basemap_osm] = L.tileLayer(C.urls.osm, { maxZoom: 22, maxNativeZoom: 19,
      attribution: "© OpenStreetMap contributors" });

    var names = ["zones", "blocks", "parcels", "buildings"];
    Promise.all(names.map(loadTileJSON)).then(function (docs) {
      var layerControl = {};
      docs.forEach(function (doc, i) {
        var grid = makeGrid(names[i], doc).addTo(map);
        layerControl[T[names[i]] || doc.description] = grid;
      });
      L.control.layers(basemaps, layerControl, { collapsed: true }).addTo(map);
      $("map").setAttribute("data-ready", "1");
      if (C.initial_parcel) { selectParcel(C.initial_parcel); }
    }, function () { message(T.error, "error"); });

    map.on("zoomend", function () { hint(map.getZoom() < 14 ? T.zoom_for_parcels : ""); });
    hint(map.getZoom() < 14 ? T.zoom_for_parcels : "");

    if (C.is_resident) {
      // The resident's own parcels, from the API (which returns only theirs), outlined and in view.
      var mine = L.geoJSON(null, { style: { color: SELECTED, weight: 3, fillOpacity: 0.1 }, pmIgnore: true }).addTo(map);
      api("GET", C.urls.parcels + "?page_size=1000").then(function (r) {
        if (!r.ok || !r.data.features.length) { return; }
        mine.addData(r.data);
        mine.eachLayer(function (l) {
          l.bindTooltip(l.feature.properties.parcel_code, { permanent: true, direction: "center", className: "map-label" });
          l.on("click", function (e) { L.DomEvent.stop(e); selectParcel(l.feature.id, l.feature.properties); });
        });
        if (!C.initial_parcel) { map.fitBounds(mine.getBounds(), { maxZoom: 18, padding: [30, 30] }); }
      });
    }
    if (C.initial_parcel) {
      api("GET", parcelUrl(C.initial_parcel)).then(function (r) {
        if (r.ok && r.data.geometry) { map.fitBounds(L.geoJSON(r.data).getBounds(), { maxZoom: 18 }); }
      });
    }

    $("map-search").addEventListener("submit", search);
    var select = $("colour-by");
    if (select) { select.addEventListener("change", function () { colourBy(select.value); }); }
    legend();
    if (C.can_edit && map.pm) {
      map.pm.setLang(document.documentElement.lang === "en" ? "en" : "th");
      map.on("pm:drawstart", onDrawStart);
      map.on("pm:create", onCreate);
      $("edit-form").addEventListener("submit", save);
      $("edit-cancel").addEventListener("click", function () { endEdit(); drawProblem(null); clearMessage(); });
      var tools = {
        "draw-parcel": function () { startDraw("parcel"); }, "draw-building": function () { startDraw("building"); },
        reshape: startReshape, split: startSplit, merge: startOrFinishMerge, history: startHistory
      };
      document.querySelectorAll("[data-tool]").forEach(function (button) {
        button.setAttribute("aria-pressed", "false");
        button.addEventListener("click", function () { tools[button.getAttribute("data-tool")](); });
      });
    } else if (C.can_confirm) {
      showToConfirm();
    }
    // For the browser tests and for debugging in the console.
    window.gisMap = { map: map, state: state, grids: grids, overlays: overlays, refreshTiles: refreshTiles,
      selectParcel: selectParcel, raiNganWa: raiNganWa };
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
