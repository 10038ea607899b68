// Draws the shipped governorate boundaries, shaded by the number of member institutions.
// Works offline: a tile layer is added only when the deployment configures one.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { attributionControl: true, zoomSnap: 0.25 });
  map.attributionControl.addAttribution("© OpenStreetMap contributors");
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 12 }).addTo(map);
  }
  function colour(count) {
    return count >= 5 ? "#08519c" : count >= 3 ? "#3182bd" : count >= 1 ? "#9ecae1" : "#eeeeee";
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (feature) {
          return { color: "#555", weight: 1, fillOpacity: 0.8, fillColor: colour(feature.properties.members) };
        },
        onEachFeature: function (feature, shape) {
          var p = feature.properties;
          shape.bindTooltip(p.name + " — " + p.members, { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      el.dataset.features = String(data.features.length);
    });
})();
