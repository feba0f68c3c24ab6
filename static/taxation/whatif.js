// What-if panel: edits a copy of the taxpayer's frozen input document and asks the taxation what-if door.
// No tax is computed here (STYLE: the law lives in taxation.domain only); numbers travel as strings, as the
// contract wants (a JSON float is refused).
(function () {
  "use strict";
  var panel = document.getElementById("whatif");
  if (!panel) { return; }
  var form = document.getElementById("whatif-form");
  var out = document.getElementById("whatif-result");
  var original = JSON.parse(document.getElementById("whatif-document").textContent);
  var labels = JSON.parse(form.dataset.labels);
  var USES = ["agriculture", "residential", "other", "vacant"];
  var DECIMAL = /^\d+(\.\d+)?$/;
  var INTEGER = /^\d+$/;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function field(labelText, input) {
    var label = el("label", {}, labelText);
    label.appendChild(input);
    return label;
  }

  function landSqWa(land) {
    return land.area && typeof land.area === "object" ? land.area.sq_wa : String(land.area);
  }

  function build() {
    form.textContent = "";
    original.properties.forEach(function (prop, i) {
      var set = el("fieldset", { "data-index": String(i) });
      set.appendChild(el("legend", {}, prop.ref));
      var useNames = Object.keys(prop.uses || {}).filter(function (u) { return prop.uses[u] !== "0"; });
      var select = el("select", { name: "use", "data-index": String(i) });
      if (useNames.length > 1) {
        select.appendChild(el("option", { value: "" }, form.dataset.tAsRecorded + ": " +
          useNames.map(function (u) { return labels[u]; }).join(", ")));
      }
      USES.forEach(function (u) {
        var option = el("option", { value: u }, labels[u]);
        if (useNames.length === 1 && useNames[0] === u) { option.selected = true; }
        select.appendChild(option);
      });
      set.appendChild(field(form.dataset.tUse, select));
      var vacant = field(form.dataset.tVacant, el("input", {
        name: "vacant_years", inputmode: "numeric", value: String(prop.vacant_years || 1)
      }));
      // Years vacant matter only to a vacant share (s.43): shown when the property has one.
      function toggleVacant() {
        vacant.hidden = !(select.value === "vacant" || (select.value === "" && useNames.indexOf("vacant") >= 0));
      }
      select.addEventListener("change", toggleVacant);
      toggleVacant();
      set.appendChild(vacant);
      if (prop.land) {
        set.appendChild(field(form.dataset.tArea, el("input", {
          name: "area", inputmode: "decimal", value: landSqWa(prop.land)
        })));
      }
      (prop.buildings || []).forEach(function (building, b) {
        var prefix = form.dataset.tBuilding + " " + (b + 1) + ": ";
        set.appendChild(field(prefix + form.dataset.tAge, el("input", {
          name: "age_years", "data-building": String(b), inputmode: "numeric", value: String(building.age_years)
        })));
        set.appendChild(field(prefix + form.dataset.tFloor, el("input", {
          name: "floor_area_sqm", "data-building": String(b), inputmode: "decimal", value: building.floor_area_sqm
        })));
      });
      form.appendChild(set);
    });
  }

  function edited() {
    var doc = JSON.parse(JSON.stringify(original));
    var bad = null;
    form.querySelectorAll("fieldset").forEach(function (set) {
      var prop = doc.properties[Number(set.dataset.index)];
      var use = set.querySelector("select[name=use]").value;
      if (use) { prop.uses = {}; prop.uses[use] = "1"; }
      var vacant = set.querySelector("input[name=vacant_years]").value.trim();
      if (prop.uses.vacant) {
        if (!INTEGER.test(vacant) || vacant === "0") { bad = bad || set.querySelector("input[name=vacant_years]"); }
        else { prop.vacant_years = Number(vacant); }
      }
      var area = set.querySelector("input[name=area]");
      if (area) {
        if (!DECIMAL.test(area.value.trim())) { bad = bad || area; }
        else { prop.land.area = { sq_wa: area.value.trim() }; }
      }
      set.querySelectorAll("input[data-building]").forEach(function (input) {
        var building = prop.buildings[Number(input.dataset.building)];
        var value = input.value.trim();
        if (input.name === "age_years") {
          if (!INTEGER.test(value)) { bad = bad || input; } else { building.age_years = Number(value); }
        } else if (!DECIMAL.test(value)) { bad = bad || input; } else { building.floor_area_sqm = value; }
      });
    });
    return { doc: doc, bad: bad };
  }

  function money(text) {
    var parts = String(text).split(".");
    var sign = parts[0].charAt(0) === "-" ? "-" : "";
    var whole = parts[0].replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + "." + (parts[1] || "00");
  }

  function satangText(satang) {
    var sign = satang < 0 ? "-" : "";
    var abs = Math.abs(satang);
    var cents = String(abs % 100);
    return money(sign + Math.floor(abs / 100) + "." + (cents.length < 2 ? "0" + cents : cents));
  }

  function showAnswer(answer) {
    var now = Number(panel.dataset.currentSatang);
    var diff = answer.total_satang - now;
    out.textContent = "";
    var head = el("p");
    head.appendChild(document.createTextNode(out.dataset.tNew + ": "));
    head.appendChild(el("span", { "class": "new-total", id: "whatif-total" }, money(answer.total)));
    head.appendChild(document.createTextNode(" " + out.dataset.tBaht + " (" + out.dataset.tNow + " " +
      satangText(now) + ", " + out.dataset.tDiff + " "));
    head.appendChild(el("span", { "class": diff > 0 ? "diff-up" : (diff < 0 ? "diff-down" : "") },
      (diff > 0 ? "+" : "") + satangText(diff)));
    head.appendChild(document.createTextNode(")"));
    out.appendChild(head);
    var table = el("table");
    var body = el("tbody");
    answer.lines.forEach(function (line) {
      var row = el("tr");
      row.appendChild(el("td", {}, line.refs.join(", ")));
      row.appendChild(el("td", {}, line.exempt ? line.exempt : (labels[line.use] || line.use) + " (" + line.table + ")"));
      row.appendChild(el("td", { "class": "num" }, money(line.base)));
      row.appendChild(el("td", { "class": "num" }, money(line.tax)));
      row.appendChild(el("td", { "class": "rules" }, out.dataset.tRules + ": " + line.rules.join(", ")));
      body.appendChild(row);
    });
    table.appendChild(body);
    var wrap = el("div", { "class": "table-wrap" });
    wrap.appendChild(table);
    out.appendChild(wrap);
  }

  function run() {
    var made = edited();
    if (made.bad) {
      made.bad.focus();
      made.bad.setAttribute("aria-invalid", "true");
      return;
    }
    form.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
    out.textContent = "…";
    // The organisation's what-if door: the public quote plus the council's rate ordinances of the year.
    var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
    fetch(panel.dataset.quoteUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": decodeURIComponent(csrf) },
      body: JSON.stringify(made.doc)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (reply) {
      if (reply.ok) { showAnswer(reply.data); return; }
      out.textContent = out.dataset.tError + ": " + (reply.data.detail || "") +
        (reply.data.field ? " (" + reply.data.field + ")" : "");
    }).catch(function () { out.textContent = out.dataset.tFailed; });
  }

  document.getElementById("whatif-run").addEventListener("click", run);
  document.getElementById("whatif-reset").addEventListener("click", function () { build(); out.textContent = ""; });
  build();
})();
