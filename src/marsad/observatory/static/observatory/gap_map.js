// The development gap map: a Leaflet choropleth of the areas in the current selection.
//
// Works offline: the boundaries come with the data (our own GeoJSON endpoint) and a tile
// layer is added only when the deployment configures one. The ranked table beside the map
// is the accessible alternative; the map adds colour, tooltips and click-to-open.
// Everything the page says comes from data-* attributes rendered by Django (translated).
(function () {
  "use strict";
  var mapEl = document.getElementById("gap-map");
  if (!mapEl || !window.L) { return; }

  var SVG_NS = "http://www.w3.org/2000/svg";
  var HATCH_ID = "gap-nodata-hatch";
  var EGYPT = [[22.0, 24.7], [31.7, 36.9]];
  // Five sequential classes, light to dark (ColorBrewer YlOrRd and Blues).
  var PALETTES = {
    more_is_worse: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    coverage: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
  };

  // Numbers as Django writes them in the table: Western digits, the language's separator.
  var numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3, useGrouping: false });
  var map = L.map(mapEl, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.addAttribution("© OpenStreetMap contributors");
  if (mapEl.dataset.tiles) {
    L.tileLayer(mapEl.dataset.tiles, { maxZoom: 12 }).addTo(map);
  }
  map.fitBounds(EGYPT);
  var areaLayer = null;
  var selectedCode = null;
  var panelEl = document.getElementById("area-panel");
  var panelPrompt = panelEl ? panelEl.innerHTML : "";
  var currentLevel = text("level");
  var loadSerial = 0;

  function text(key) {
    var content = document.getElementById("gap-content");
    return (content && content.dataset[key]) || "";
  }

  function format(value) {
    return numberFormat.format(value).replace(".", text("decimalSeparator") || ".");
  }

  function ensureHatch() {
    var svg = mapEl.querySelector(".leaflet-overlay-pane svg");
    if (!svg || svg.getElementById(HATCH_ID)) { return; }
    var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(SVG_NS, "defs"), svg.firstChild);
    var pattern = document.createElementNS(SVG_NS, "pattern");
    pattern.setAttribute("id", HATCH_ID);
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "8");
    pattern.setAttribute("height", "8");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var background = document.createElementNS(SVG_NS, "rect");
    background.setAttribute("width", "8");
    background.setAttribute("height", "8");
    background.setAttribute("fill", "#e2e2e2");
    var stripe = document.createElementNS(SVG_NS, "rect");
    stripe.setAttribute("width", "3");
    stripe.setAttribute("height", "8");
    stripe.setAttribute("fill", "#9a9a9a");
    pattern.appendChild(background);
    pattern.appendChild(stripe);
    defs.appendChild(pattern);
  }

  function hasValue(value) {
    return typeof value === "number" && isFinite(value);
  }

  // Quintile breaks: the upper bound of each class is the value at 20%, 40%, ... of the
  // sorted values, so each class holds about a fifth of the areas. Equal breaks merge.
  function quantileClasses(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    if (!sorted.length) { return []; }
    var classes = [];
    var lower = sorted[0];
    for (var i = 1; i <= 5; i++) {
      var upper = sorted[Math.min(sorted.length - 1, Math.ceil((i / 5) * sorted.length) - 1)];
      if (classes.length && upper <= classes[classes.length - 1].upper) { continue; }
      classes.push({ lower: lower, upper: upper });
      lower = upper;
    }
    return classes;
  }

  function classOf(value, classes) {
    for (var i = 0; i < classes.length; i++) {
      if (value <= classes[i].upper) { return i; }
    }
    return classes.length - 1;
  }

  function paletteFor(measure, count) {
    var palette = measure.indexOf("coverage") === 0 ? PALETTES.coverage : PALETTES.more_is_worse;
    if (count >= palette.length) { return palette; }
    // Fewer classes: spread them over the palette so the darkest still means "most".
    var picked = [];
    for (var i = 0; i < count; i++) {
      picked.push(palette[Math.round((i * (palette.length - 1)) / Math.max(1, count - 1))]);
    }
    return picked;
  }

  function renderLegend(measure, classes, palette, missingCount) {
    var legend = document.getElementById("gap-legend");
    if (!legend) { return; }
    legend.innerHTML = "";
    legend.dataset.measure = measure;
    var title = document.createElement("p");
    title.className = "gap-legend-title";
    title.textContent = text("measureLabel") + (text("unit") ? " (" + text("unit") + ")" : "");
    legend.appendChild(title);
    var list = document.createElement("ul");
    classes.forEach(function (band, index) {
      var item = document.createElement("li");
      item.dataset.testid = "legend-class";
      item.setAttribute("data-testid", "legend-class");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = palette[index];
      item.appendChild(swatch);
      var label = document.createElement("span");
      label.textContent = band.lower === band.upper ? format(band.upper) : format(band.lower) + " – " + format(band.upper);
      item.appendChild(label);
      list.appendChild(item);
    });
    var none = document.createElement("li");
    none.setAttribute("data-testid", "legend-nodata");
    var hatch = document.createElement("span");
    hatch.className = "swatch swatch-nodata";
    none.appendChild(hatch);
    var noneLabel = document.createElement("span");
    noneLabel.textContent = text("noData") + (missingCount ? " (" + format(missingCount) + ")" : "");
    none.appendChild(noneLabel);
    list.appendChild(none);
    legend.appendChild(list);
    var caption = document.createElement("p");
    caption.className = "gap-legend-caption";
    caption.textContent = text("legendCaption");
    legend.appendChild(caption);
  }

  function areaUrl(code) {
    return text("areaUrl").replace("__code__", encodeURIComponent(code));
  }

  function openArea(code, focusPanel) {
    selectedCode = code;
    highlight();
    if (!window.htmx) { window.location.href = areaUrl(code); return; }
    window.htmx.ajax("GET", areaUrl(code), { target: "#area-panel", swap: "innerHTML" }).then(function () {
      var panel = document.getElementById("area-panel");
      if (panel) { panel.focus({ preventScroll: !focusPanel }); }
    });
  }

  function highlight() {
    if (!areaLayer) { return; }
    areaLayer.eachLayer(function (shape) {
      var selected = shape.feature.properties.code === selectedCode;
      shape.setStyle({ weight: selected ? 3 : 1, color: selected ? "#111" : "#555" });
      if (selected) { shape.bringToFront(); }
    });
  }

  function draw(data) {
    var measure = text("measure");
    var features = (data.features || []).filter(function (f) { return f.geometry; });
    var values = features.map(function (f) { return f.properties.value; }).filter(hasValue);
    var classes = quantileClasses(values);
    var palette = paletteFor(measure, classes.length);
    var missingCount = features.length - values.length;
    var unit = text("unit");
    if (areaLayer) { map.removeLayer(areaLayer); }
    areaLayer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (feature) {
        var value = feature.properties.value;
        if (!hasValue(value)) {
          return { color: "#777", weight: 1, fillOpacity: 1, fillColor: "url(#" + HATCH_ID + ")" };
        }
        return { color: "#555", weight: 1, fillOpacity: 0.85, fillColor: palette[classOf(value, classes)] };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var label = p.name + ": " + (hasValue(p.value) ? format(p.value) + (unit ? " " + unit : "") : text("noData"));
        if (p.suppressed) { label += " — " + text("suppressedNote"); }
        shape.bindTooltip(label, { sticky: true, className: "gap-tooltip" });
        shape.on("click", function () { openArea(p.code, false); });
      }
    }).addTo(map);
    ensureHatch();
    areaLayer.eachLayer(function (shape) {
      var p = shape.feature.properties;
      var path = shape.getElement();
      if (!path) { return; }
      path.setAttribute("data-area", p.code);
      path.setAttribute("data-testid", "gap-area");
      path.setAttribute("data-value", hasValue(p.value) ? String(p.value) : "");
      path.setAttribute("data-fill", hasValue(p.value) ? palette[classOf(p.value, classes)] : "nodata");
    });
    // Re-apply the style now that the hatch pattern exists in this SVG.
    areaLayer.setStyle(areaLayer.options.style);
    highlight();
    var note = document.getElementById("gap-map-note");
    if (note) { note.hidden = features.length > 0; }
    if (features.length) {
      map.fitBounds(areaLayer.getBounds(), { padding: [8, 8] });
    }
    renderLegend(measure, classes, palette, missingCount);
    mapEl.dataset.features = String(features.length);
    mapEl.dataset.measure = measure;
    mapEl.dataset.ready = "true";
  }

  function load() {
    var url = text("geojson");
    if (!url) { return; }
    var serial = ++loadSerial;
    mapEl.dataset.ready = "false";
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { if (serial === loadSerial) { draw(data); } })
      .catch(function () {
        var note = document.getElementById("gap-map-error");
        if (note) { note.hidden = false; }
      });
  }

  // The filters swap #gap-content inside #gap-page (hx-preserve keeps the map and panel):
  // redraw with the new selection and refresh an open panel for the new sector and period.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "gap-page") { return; }
    map.invalidateSize();
    load();
    if (text("level") !== currentLevel) {
      // Another level: the open area is not on this map any more.
      currentLevel = text("level");
      selectedCode = null;
      if (panelEl) { panelEl.innerHTML = panelPrompt; }
    } else if (selectedCode && window.htmx) {
      window.htmx.ajax("GET", areaUrl(selectedCode), { target: "#area-panel", swap: "innerHTML" });
    }
  });

  // Opening an area from the table: remember it so the map highlights it too.
  document.body.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-area-link]");
    if (!link) { return; }
    selectedCode = link.getAttribute("data-area-link");
    highlight();
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var trigger = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (target && target.id === "area-panel" && trigger && trigger.hasAttribute && trigger.hasAttribute("data-area-link")) {
      target.focus();
    }
  });

  load();
})();
