// Draws the administrative boundaries under every django-leaflet map widget in the admin,
// so editors see where they draw even when no map tiles load.
(function () {
  "use strict";
  var cached = null;

  function boundaries() {
    // Looked up when a map starts: this script loads before the element is parsed.
    var urlElement = document.getElementById("admin-boundaries-url");
    if (!cached && urlElement) {
      cached = fetch(JSON.parse(urlElement.textContent), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; });
    }
    return cached || Promise.resolve(null);
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    boundaries().then(function (data) {
      if (!data || !window.L) { return; }
      var layer = L.geoJSON(data, {
        interactive: false,
        style: { color: "#555", weight: 1, fill: true, fillColor: "#f4f1e8", fillOpacity: 0.6 },
      });
      layer.addTo(map);
      layer.bringToBack();
      // Labels at unit centres, so a grey map still says where it is.
      data.features.forEach(function (feature) {
        var bounds = L.geoJSON(feature).getBounds();
        L.marker(bounds.getCenter(), {
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "boundary-label", html: feature.properties.name }),
        }).addTo(map);
      });
    });
  });
})();
