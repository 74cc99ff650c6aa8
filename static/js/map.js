/* Mine Atlas maps: the explorer, the home teaser, area and record maps, and the embed.
 *
 * Every layer is read from the public API (/api/v1/...), so the map shows exactly what the
 * API and its downloads give for the same filters. The page passes its settings as JSON in
 * <script id="map-config">; each map element says what it is with data-map="explorer|teaser|
 * area|record|embed".
 *
 * The explorer keeps its whole view in the address: ?lat=&lng=&z= (position), layers=,
 * measure= (choropleth), and the API's own filter names (start, end, area, category,
 * hazard_type, method, organisation). A filter or layer change adds a history entry (the back
 * button undoes it); panning and zooming replace the current entry, so a copied link always
 * reopens the view on screen.
 */
(function () {
  "use strict";

  var FILTERS = ["start", "end", "area", "category", "hazard_type", "method", "organisation"];
  var LAYERS = ["areas", "hazards", "releases", "incidents"];
  // Which filters each layer's endpoint takes (the API's shared filter names).
  // The API refuses parameters an endpoint does not know, so each layer gets only its own.
  // The areas' figures follow every filter except the area itself.
  var LAYER_FILTERS = {
    areas: ["start", "end", "category", "hazard_type", "method", "organisation"],
    hazards: ["start", "end", "area", "category", "hazard_type", "organisation"],
    releases: ["start", "end", "area", "method", "organisation"],
    incidents: ["start", "end", "area", "hazard_type"],
  };
  // Incidents name the same kinds of ordnance `device_type`.
  var RENAMED = { incidents: { hazard_type: "device_type" } };
  var ENDPOINT = { hazards: "hazardAreas", releases: "landReleases", incidents: "incidents" };
  var RECORD_URL = { hazards: "hazardAreas", releases: "landReleases", incidents: "incidents" };
  var CLUSTER_BELOW_ZOOM = 10;
  var MAX_PAGES = 20; // unless the page's config says otherwise

  var CATEGORY_COLOURS = { cha: "#b2182b", sha: "#ef8a62" };
  var METHOD_COLOURS = { cancelled: "#92c5de", reduced: "#4393c3", cleared: "#1a7a3a" };
  var CHOROPLETH = ["#fdd9b5", "#fdae6b", "#f16913", "#c33c05", "#7f2704"];
  var NO_DATA = "#f4f1ee";

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function formatNumber(value, decimals) {
    if (value == null || isNaN(value)) return "—";
    return Number(value).toLocaleString("en-GB", {
      minimumFractionDigits: decimals || 0,
      maximumFractionDigits: decimals || 0,
    });
  }

  function km2(m2) {
    if (m2 == null) return "—";
    var value = m2 / 1e6;
    return formatNumber(value, value < 1 ? 3 : 2) + " km²";
  }

  function readConfig() {
    var node = document.getElementById("map-config");
    return node ? JSON.parse(node.textContent) : {};
  }

  /* --- State in the address -------------------------------------------------------------- */

  function readState(search, config) {
    var params = new URLSearchParams(search);
    var layers = params.has("layers")
      ? params.get("layers").split(",").filter(function (name) { return LAYERS.indexOf(name) >= 0; })
      : LAYERS.slice();
    var filters = {};
    FILTERS.forEach(function (name) { filters[name] = (params.get(name) || "").trim(); });
    var lat = parseFloat(params.get("lat"));
    var lng = parseFloat(params.get("lng"));
    var zoom = parseFloat(params.get("z"));
    return {
      center: isFinite(lat) && isFinite(lng) ? [lat, lng] : null,
      zoom: isFinite(zoom) ? zoom : null,
      layers: layers,
      measure: params.get("measure") === "share_pct" ? "share_pct" : "hazard_km2",
      filters: filters,
    };
  }

  function stateQuery(state, map) {
    var params = new URLSearchParams();
    if (map) {
      var center = map.getCenter();
      params.set("lat", center.lat.toFixed(4));
      params.set("lng", center.lng.toFixed(4));
      params.set("z", String(map.getZoom()));
    }
    if (state.layers.join(",") !== LAYERS.join(",")) params.set("layers", state.layers.join(","));
    if (state.measure !== "hazard_km2") params.set("measure", state.measure);
    FILTERS.forEach(function (name) {
      if (state.filters[name]) params.set(name, state.filters[name]);
    });
    return params.toString();
  }

  function filterQuery(state, layer, extra) {
    var params = new URLSearchParams();
    var renamed = RENAMED[layer] || {};
    LAYER_FILTERS[layer].forEach(function (name) {
      if (state.filters[name]) params.set(renamed[name] || name, state.filters[name]);
    });
    Object.keys(extra || {}).forEach(function (name) { params.set(name, extra[name]); });
    return params.toString();
  }

  /* --- Fetching from the API -------------------------------------------------------------- */

  function nextLink(collection) {
    if (typeof collection.next === "string") return collection.next;
    var links = collection.links || [];
    for (var i = 0; i < links.length; i++) {
      if (links[i].rel === "next") return links[i].href;
    }
    return null;
  }

  // Fetch a FeatureCollection, following the API's pages up to MAX_PAGES; resolves to
  // {features, matched, truncated}: `matched` is the API's count of all matching features.
  function fetchCollection(url, signal, maxPages) {
    maxPages = maxPages || MAX_PAGES;
    var features = [];
    var matched = null;
    function page(address, count) {
      return fetch(address, { signal: signal, headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (!response.ok) {
            return response.text().then(function (text) {
              var message = text;
              try {
                var body = JSON.parse(text);
                message = body.detail || Object.values(body).join(" ");
              } catch (ignored) { /* plain text error */ }
              throw new Error(message || "The API answered " + response.status + ".");
            });
          }
          return response.json();
        })
        .then(function (collection) {
          features = features.concat(collection.features || []);
          if (matched == null && typeof collection.count === "number") matched = collection.count;
          var next = nextLink(collection);
          if (next && count < maxPages) return page(next, count + 1);
          return { features: features, matched: matched, truncated: Boolean(next) };
        });
    }
    return page(url, 1);
  }

  /* --- Styling ---------------------------------------------------------------------------- */

  function breaks(values) {
    var positive = values.filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
    if (!positive.length) return [];
    var result = [];
    for (var i = 1; i < CHOROPLETH.length; i++) {
      result.push(positive[Math.min(positive.length - 1, Math.floor((i * positive.length) / CHOROPLETH.length))]);
    }
    return result.filter(function (value, index, all) { return all.indexOf(value) === index; });
  }

  function classColour(value, limits) {
    if (!(value > 0)) return NO_DATA;
    for (var i = 0; i < limits.length; i++) {
      if (value < limits[i]) return CHOROPLETH[i];
    }
    return CHOROPLETH[Math.min(limits.length, CHOROPLETH.length - 1)];
  }

  function areaName(p) { return p.name_en || p.name || p.code; }
  function areaCode(p) { return p.code || p.iso_code || p.area; }

  /* --- The map ---------------------------------------------------------------------------- */

  function AtlasMap(element, config, mode) {
    this.element = element;
    this.config = config;
    this.mode = mode;
    this.explorer = mode === "explorer" || mode === "embed";
    this.state = this.explorer
      ? readState(window.location.search, config)
      : { layers: mode === "teaser" ? ["areas"] : ["hazards", "releases", "incidents"], measure: "hazard_km2", filters: { area: config.area || "" } };
    FILTERS.forEach(function (name) { if (this.state.filters[name] == null) this.state.filters[name] = ""; }, this);
    this.requests = {};
    this.counts = {};
    this.areaData = null;
    this.form = document.getElementById("map-filters");
    this.status = document.getElementById("map-status");
    this.build();
  }

  AtlasMap.prototype.build = function () {
    var interactive = this.mode !== "teaser";
    var map = (this.map = L.map(this.element, {
      center: this.state.center || this.config.center,
      zoom: this.state.zoom || this.config.zoom,
      minZoom: 3,
      maxZoom: 18,
      // Half steps let the whole country fill a typical window (z 7 is too small, 8 too big).
      zoomSnap: 0.5,
      zoomControl: interactive,
      dragging: interactive,
      scrollWheelZoom: this.mode === "explorer",
      doubleClickZoom: interactive,
      boxZoom: interactive,
      keyboard: interactive,
      touchZoom: interactive,
    }));
    map.attributionControl.setPrefix("");
    map.attributionControl.addAttribution("Boundaries: Natural Earth");
    if (this.config.tileUrl) {
      // Optional background: the boundaries below keep the map readable if tiles fail.
      L.tileLayer(this.config.tileUrl, { attribution: this.config.tileAttribution, maxZoom: 18 }).addTo(map);
    }
    map.createPane("areasPane").style.zIndex = 350;
    map.createPane("recordsPane").style.zIndex = 420;
    map.createPane("pointsPane").style.zIndex = 610;
    this.areasLayer = L.geoJSON(null, { pane: "areasPane", style: this.areaStyle.bind(this), onEachFeature: this.bindArea.bind(this) }).addTo(map);
    this.layers = {
      hazards: L.geoJSON(null, { pane: "recordsPane", style: this.hazardStyle, onEachFeature: this.bindRecord("hazards") }),
      releases: L.geoJSON(null, { pane: "recordsPane", style: this.releaseStyle, onEachFeature: this.bindRecord("releases") }),
      incidents: L.geoJSON(null, { pane: "pointsPane", pointToLayer: this.incidentMarker.bind(this), onEachFeature: this.bindRecord("incidents") }),
    };

    if (this.mode === "record" && this.config.record) {
      var record = L.geoJSON(this.config.record, {
        pane: "pointsPane",
        style: { color: "#1b1f24", weight: 3, fillColor: "#f0a500", fillOpacity: 0.5 },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 9, color: "#1b1f24", weight: 3, fillColor: "#f0a500", fillOpacity: 0.9 });
        },
      }).addTo(map);
      // Close enough to see the shape, far enough to see the records and boundary around it.
      map.fitBounds(record.getBounds(), { maxZoom: 13, padding: [60, 60] });
    }

    var selfZoom = this;
    map.on("zoomend", function () { selfZoom.areasLayer.setStyle(selfZoom.areaStyle.bind(selfZoom)); });
    if (this.explorer) {
      this.bindForm();
      var self = this;
      map.on("moveend", function () { self.onMove(); });
      window.addEventListener("popstate", function () { self.onPopState(); });
    } else if (this.mode === "area" || this.mode === "record") {
      var selfArea = this;
      map.on("moveend", function () { selfArea.loadRecords(); });
    }
    this.loadAreas();
    if (this.mode !== "teaser") this.loadRecords();
    this.renderLegend();
    this.renderDownloads();
  };

  AtlasMap.prototype.areaStyle = function (feature) {
    var p = feature.properties || {};
    var showFill = this.state.layers.indexOf("areas") >= 0;
    var selected = this.config.area || this.state.filters.area;
    var highlighted = selected && areaCode(p) === selected;
    var value = Number(p[this.state.measure]);
    return {
      color: highlighted ? "#1b1f24" : "#6b7580",
      weight: highlighted ? 3 : 1,
      fillColor: showFill ? classColour(value, this.limits || []) : "#f4f1ee",
      // Lighter when record layers are drawn over it, and faint once single records can be
      // told apart, so that they stay legible.
      fillOpacity: !showFill ? 0.35 : this.map && this.map.getZoom() >= CLUSTER_BELOW_ZOOM ? 0.2 : this.state.layers.length > 1 ? 0.55 : 0.8,
    };
  };

  AtlasMap.prototype.hazardStyle = function (feature) {
    var colour = CATEGORY_COLOURS[(feature.properties || {}).category] || "#b2182b";
    return { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.55 };
  };

  AtlasMap.prototype.releaseStyle = function (feature) {
    var colour = METHOD_COLOURS[(feature.properties || {}).method] || "#4393c3";
    return { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.6, dashArray: "4 3" };
  };

  AtlasMap.prototype.incidentMarker = function (feature, latlng) {
    var p = feature.properties || {};
    if (p.count != null) {
      // Area grows with the count; translucent so that the polygons beneath stay visible.
      var radius = 5 + Math.min(18, Math.sqrt(p.count) * 1.6);
      return L.circleMarker(latlng, { radius: radius, color: "#3d1f5c", weight: 1.5, fillColor: "#6a3d9a", fillOpacity: 0.4 });
    }
    return L.circleMarker(latlng, { radius: 6, color: "#ffffff", weight: 1.5, fillColor: "#6a3d9a", fillOpacity: 0.95 });
  };

  AtlasMap.prototype.bindArea = function (feature, layer) {
    var p = feature.properties || {};
    if (this.mode === "teaser") {
      layer.bindTooltip(escapeHtml(areaName(p)) + ": " + formatNumber(p.hazard_km2, 1) + " km²");
      return;
    }
    var url = this.config.recordUrls.areas.replace("{code}", encodeURIComponent(areaCode(p)));
    var rows = [
      ["Hazard area still to release", formatNumber(p.hazard_km2, 2) + " km²"],
      ["Share of the area", formatNumber(p.share_pct, 2) + " %"],
    ];
    if (p.released_cleared_km2 != null) {
      rows.push(["Land cancelled", formatNumber(p.released_cancelled_km2, 2) + " km²"]);
      rows.push(["Land reduced", formatNumber(p.released_reduced_km2, 2) + " km²"]);
      rows.push(["Land cleared", formatNumber(p.released_cleared_km2, 2) + " km²"]);
    }
    if (p.incidents != null) rows.push(["Incidents", formatNumber(p.incidents)]);
    if (p.killed != null) rows.push(["People killed / injured", formatNumber(p.killed) + " / " + formatNumber(p.injured)]);
    layer.bindPopup(
      '<strong><a href="' + url + '">' + escapeHtml(areaName(p)) + "</a></strong>" +
      '<table class="popup-table">' + rows.map(function (r) { return "<tr><th scope=row>" + r[0] + "</th><td>" + r[1] + "</td></tr>"; }).join("") + "</table>" +
      '<a href="' + url + '">Area page</a>'
    );
  };

  AtlasMap.prototype.bindRecord = function (layerName) {
    var self = this;
    return function (feature, layer) {
      var p = feature.properties || {};
      var labels = self.config.labels || {};
      if (p.count === 1 && p.incident != null) {
        var single = self.config.recordUrls.incidents.replace("{id}", encodeURIComponent(p.incident));
        layer.bindPopup(
          '<strong><a href="' + single + '">One incident</a></strong><br>' +
          formatNumber(p.killed) + " killed, " + formatNumber(p.injured) + " injured<br>" +
          '<a href="' + single + '">Record page, sources and history</a>'
        );
        return;
      }
      if (p.count != null) {
        layer.bindPopup(
          "<strong>" + formatNumber(p.count) + " incident" + (p.count === 1 ? "" : "s") + "</strong><br>" +
          formatNumber(p.killed) + " killed, " + formatNumber(p.injured) + " injured<br>" +
          '<button type="button" class="popup-zoom">Zoom in to see each incident</button>'
        );
        layer.on("popupopen", function (event) {
          var button = event.popup.getElement().querySelector(".popup-zoom");
          if (button) button.addEventListener("click", function () { self.map.setView(layer.getLatLng(), Math.max(CLUSTER_BELOW_ZOOM, self.map.getZoom() + 2)); });
        });
        return;
      }
      var id = feature.id != null ? feature.id : p.id;
      var url = self.config.recordUrls[RECORD_URL[layerName]].replace("{id}", encodeURIComponent(id));
      var lines = [];
      if (layerName === "hazards") {
        lines.push(escapeHtml((labels.category || {})[p.category] || p.category || "Hazard area"));
        if (p.name) lines.push(escapeHtml(p.name));
        lines.push(km2(p.area_m2));
        if (p.identified_on) lines.push("Identified " + escapeHtml(p.identified_on));
      } else if (layerName === "releases") {
        lines.push(escapeHtml((labels.method || {})[p.method] || p.method || "Land release"));
        lines.push(km2(p.area_m2));
        if (p.completed_on) lines.push("Completed " + escapeHtml(p.completed_on));
      } else {
        lines.push("Incident on " + escapeHtml(p.occurred_on || ""));
        if (p.killed != null || p.injured != null) lines.push(formatNumber(p.killed) + " killed, " + formatNumber(p.injured) + " injured");
      }
      layer.bindPopup(
        '<strong><a href="' + url + '">' + escapeHtml(p.reference || "Record " + id) + "</a></strong><br>" +
        lines.join("<br>") + '<br><a href="' + url + '">Record page, sources and history</a>'
      );
    };
  };

  AtlasMap.prototype.setStatus = function (text) {
    if (this.status) this.status.textContent = text;
  };

  AtlasMap.prototype.abort = function (name) {
    if (this.requests[name]) this.requests[name].abort();
    this.requests[name] = new AbortController();
    return this.requests[name].signal;
  };

  AtlasMap.prototype.loadAreas = function () {
    var self = this;
    var url = this.config.api.areas + "?" + filterQuery(this.state, "areas", { level: "1" });
    fetchCollection(url, this.abort("areas"))
      .then(function (result) {
        self.areaData = result.features;
        self.limits = breaks(result.features.map(function (f) { return Number((f.properties || {})[self.state.measure]); }));
        self.areasLayer.clearLayers();
        self.areasLayer.addData(result.features);
        var fitCountry = self.mode === "teaser" || (self.explorer && !self.state.center && !self.fitted);
        if (fitCountry && self.areasLayer.getBounds().isValid()) {
          // Without a position in the address, show the whole country whatever the window size.
          self.fitted = true;
          self.map.fitBounds(self.areasLayer.getBounds(), { padding: [4, 4] });
        }
        if (self.mode === "area" && self.config.area) {
          self.areasLayer.eachLayer(function (layer) {
            if (areaCode(layer.feature.properties || {}) === self.config.area) {
              self.map.fitBounds(layer.getBounds(), { padding: [10, 10] });
              layer.bringToFront();
            }
          });
        }
        self.element.setAttribute("data-areas-loaded", String(result.features.length));
        self.renderLegend();
      })
      .catch(function (error) {
        if (error.name !== "AbortError") self.setStatus("The boundaries could not be loaded: " + error.message);
      });
  };

  AtlasMap.prototype.bboxParam = function () {
    var b = this.map.getBounds().pad(0.2);
    var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map(function (v) { return v.toFixed(4); }).join(",");
  };

  AtlasMap.prototype.loadRecords = function () {
    var self = this;
    var zoom = this.map.getZoom();
    var pending = [];
    ["hazards", "releases", "incidents"].forEach(function (name) {
      var layer = self.layers[name];
      if (self.state.layers.indexOf(name) < 0) {
        self.abort(name);
        self.map.removeLayer(layer);
        layer.clearLayers();
        delete self.counts[name];
        return;
      }
      var url;
      // Points need no simplification: the incidents list takes no zoom, the clusters do.
      var extra = { bbox: self.bboxParam() };
      // The API takes whole zoom levels; rounding up keeps the finer geometry.
      if (name !== "incidents" || zoom < CLUSTER_BELOW_ZOOM) extra.zoom = String(Math.ceil(zoom));
      if (name === "incidents" && zoom < CLUSTER_BELOW_ZOOM) {
        url = self.config.api.incidentClusters + "?" + filterQuery(self.state, name, extra);
      } else {
        if (self.config.pageSize) extra.page_size = String(self.config.pageSize);
        url = self.config.api[ENDPOINT[name]] + "?" + filterQuery(self.state, name, extra);
      }
      pending.push(
        fetchCollection(url, self.abort(name), self.config.maxPages).then(function (result) {
          layer.clearLayers();
          layer.addData(result.features);
          layer.addTo(self.map);
          var total = 0;
          result.features.forEach(function (f) { total += (f.properties && f.properties.count != null) ? f.properties.count : 1; });
          self.counts[name] = total;
          // More match than the map draws at this scale: say so rather than under-count.
          self.matched = self.matched || {};
          self.matched[name] = result.truncated && result.matched != null ? result.matched : null;
        })
      );
    });
    this.element.setAttribute("aria-busy", "true");
    return Promise.all(pending)
      .then(function () {
        self.element.setAttribute("aria-busy", "false");
        self.element.setAttribute("data-loaded", stateQuery(self.state, null));
        var parts = [];
        var truncated = false;
        var labels = { hazards: " hazard areas", releases: " land releases", incidents: " incidents" };
        ["hazards", "releases", "incidents"].forEach(function (name) {
          if (self.counts[name] == null) return;
          var matched = self.matched && self.matched[name];
          if (matched != null) truncated = true;
          parts.push(formatNumber(self.counts[name]) + (matched != null ? " of " + formatNumber(matched) : "") + labels[name]);
        });
        self.setStatus(
          parts.length
            ? "In view: " + parts.join(", ") + "." + (truncated ? " Zoom in to draw them all." : "")
            : "No record layers shown."
        );
        ["hazards", "releases", "incidents"].forEach(function (name) {
          self.element.setAttribute("data-count-" + name, self.counts[name] == null ? "" : String(self.counts[name]));
        });
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        self.element.setAttribute("aria-busy", "false");
        self.setStatus("The records could not be loaded: " + error.message);
      });
  };

  /* --- The explorer's form ---------------------------------------------------------------- */

  AtlasMap.prototype.bindForm = function () {
    var form = this.form;
    if (!form) return;
    var self = this;
    this.writeForm();
    form.addEventListener("change", function (event) {
      if (event.target.id === "time-slider") return; // handled on input below
      self.readForm();
      self.apply(true);
      if (event.target.name === "area" && self.state.filters.area) self.zoomToArea(self.state.filters.area);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.readForm();
      self.apply(true);
    });
    var slider = document.getElementById("time-slider");
    if (slider) {
      var timer = null;
      slider.addEventListener("input", function () {
        var end = self.sliderDate(Number(slider.value));
        form.elements.end.value = end;
        self.updateSliderLabel();
        clearTimeout(timer);
        timer = setTimeout(function () { self.readForm(); self.apply(true); }, 250);
      });
    }
    var reset = document.getElementById("map-reset");
    if (reset) {
      reset.addEventListener("click", function (event) {
        event.preventDefault();
        self.state.layers = LAYERS.slice();
        self.state.measure = "hazard_km2";
        FILTERS.forEach(function (name) { self.state.filters[name] = ""; });
        self.writeForm();
        self.apply(true);
      });
    }
  };

  // Choosing an area in the filters also brings it into view (the address follows).
  AtlasMap.prototype.zoomToArea = function (code) {
    var self = this;
    this.areasLayer.eachLayer(function (layer) {
      if (areaCode(layer.feature.properties || {}) === code) self.map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    });
  };

  AtlasMap.prototype.months = function () {
    if (!this.config.firstOn || !this.config.lastOn) return [];
    var first = new Date(this.config.firstOn + "T00:00:00Z");
    var last = new Date(this.config.lastOn + "T00:00:00Z");
    var months = [];
    var y = first.getUTCFullYear(), m = first.getUTCMonth();
    while (y < last.getUTCFullYear() || (y === last.getUTCFullYear() && m <= last.getUTCMonth())) {
      months.push([y, m]);
      m += 1;
      if (m === 12) { m = 0; y += 1; }
    }
    return months;
  };

  // The last day of the slider's month, as YYYY-MM-DD.
  AtlasMap.prototype.sliderDate = function (index) {
    var month = this.months()[index];
    if (!month) return "";
    var last = new Date(Date.UTC(month[0], month[1] + 1, 0));
    return last.toISOString().slice(0, 10);
  };

  AtlasMap.prototype.updateSliderLabel = function () {
    var slider = document.getElementById("time-slider");
    var output = document.getElementById("time-slider-value");
    if (!slider || !output) return;
    var month = this.months()[Number(slider.value)];
    var text = month ? new Date(Date.UTC(month[0], month[1], 1)).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }) : "";
    var isLast = Number(slider.value) === Number(slider.max) && !this.state.filters.end;
    output.textContent = isLast ? "all dates" : "up to the end of " + text;
    slider.setAttribute("aria-valuetext", output.textContent);
  };

  AtlasMap.prototype.writeForm = function () {
    var form = this.form;
    if (!form) return;
    var state = this.state;
    FILTERS.forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = state.filters[name] || "";
    });
    LAYERS.forEach(function (name) {
      var box = form.querySelector('input[name="layer"][value="' + name + '"]');
      if (box) box.checked = state.layers.indexOf(name) >= 0;
    });
    var measure = form.querySelector('input[name="measure"][value="' + state.measure + '"]');
    if (measure) measure.checked = true;
    var slider = document.getElementById("time-slider");
    var months = this.months();
    if (slider && months.length) {
      slider.min = "0";
      slider.max = String(months.length - 1);
      var index = months.length - 1;
      if (state.filters.end) {
        var end = state.filters.end;
        months.forEach(function (m, i) {
          var key = m[0] + "-" + String(m[1] + 1).padStart(2, "0");
          if (end.slice(0, 7) === key) index = i;
        });
      }
      slider.value = String(index);
      slider.disabled = false;
      this.updateSliderLabel();
    }
  };

  AtlasMap.prototype.readForm = function () {
    var form = this.form;
    var state = this.state;
    FILTERS.forEach(function (name) {
      if (form.elements[name]) state.filters[name] = (form.elements[name].value || "").trim();
    });
    state.layers = LAYERS.filter(function (name) {
      var box = form.querySelector('input[name="layer"][value="' + name + '"]');
      return box ? box.checked : true;
    });
    var measure = form.querySelector('input[name="measure"]:checked');
    state.measure = measure && measure.value === "share_pct" ? "share_pct" : "hazard_km2";
  };

  AtlasMap.prototype.apply = function (push) {
    this.pushHistory(push);
    this.updateSliderLabel();
    this.loadAreas();
    this.loadRecords();
    this.renderLegend();
    this.renderDownloads();
  };

  AtlasMap.prototype.pushHistory = function (push) {
    if (this.mode !== "explorer") return;
    var query = "?" + stateQuery(this.state, this.map);
    if (query === window.location.search) return;
    if (push) window.history.pushState(null, "", query);
    else window.history.replaceState(null, "", query);
  };

  AtlasMap.prototype.onMove = function () {
    if (this.restoring) {
      this.restoring = false;
    } else {
      this.pushHistory(false);
    }
    this.loadRecords();
    this.renderDownloads();
  };

  AtlasMap.prototype.onPopState = function () {
    var state = readState(window.location.search, this.config);
    this.state.layers = state.layers;
    this.state.measure = state.measure;
    this.state.filters = state.filters;
    this.writeForm();
    var center = state.center || this.config.center;
    var zoom = state.zoom || this.config.zoom;
    var current = this.map.getCenter();
    if (Math.abs(current.lat - center[0]) > 1e-4 || Math.abs(current.lng - center[1]) > 1e-4 || this.map.getZoom() !== zoom) {
      this.restoring = true;
      this.map.setView(center, zoom);
    }
    this.loadAreas();
    this.loadRecords();
    this.renderLegend();
    this.renderDownloads();
  };

  /* --- Legend and downloads --------------------------------------------------------------- */

  AtlasMap.prototype.renderLegend = function () {
    var box = document.getElementById("map-legend");
    if (!box) return;
    var html = [];
    var labels = this.config.labels || {};
    if (this.state.layers.indexOf("areas") >= 0) {
      var unit = this.state.measure === "share_pct" ? "% of the area" : "km²";
      var title = this.state.measure === "share_pct" ? "Share of each area that is hazardous" : "Hazard area still to release, per area";
      html.push("<h3>" + title + "</h3><ul>");
      html.push('<li><span class="swatch" style="background:' + NO_DATA + '"></span>none recorded</li>');
      var limits = this.limits || [];
      var lower = 0;
      for (var i = 0; i <= limits.length; i++) {
        var upper = limits[i];
        var from = i === 0 ? "more than 0" : formatNumber(lower, 2);
        var text = upper == null ? "≥ " + formatNumber(lower, 2) : from + " to < " + formatNumber(upper, 2);
        html.push('<li><span class="swatch" style="background:' + CHOROPLETH[i] + '"></span>' + text + " " + unit + "</li>");
        lower = upper;
      }
      html.push("</ul>");
    }
    if (this.state.layers.indexOf("hazards") >= 0) {
      html.push("<h3>Hazardous areas</h3><ul>");
      Object.keys(CATEGORY_COLOURS).forEach(function (key) {
        html.push('<li><span class="swatch" style="background:' + CATEGORY_COLOURS[key] + '"></span>' + escapeHtml((labels.category || {})[key] || key) + "</li>");
      });
      html.push("</ul>");
    }
    if (this.state.layers.indexOf("releases") >= 0) {
      html.push("<h3>Released land</h3><ul>");
      Object.keys(METHOD_COLOURS).forEach(function (key) {
        html.push('<li><span class="swatch swatch-dashed" style="background:' + METHOD_COLOURS[key] + '"></span>' + escapeHtml((labels.method || {})[key] || key) + "</li>");
      });
      html.push("</ul>");
    }
    if (this.state.layers.indexOf("incidents") >= 0) {
      html.push("<h3>Incidents</h3><ul>");
      html.push('<li><span class="swatch swatch-round" style="background:#6a3d9a"></span>one incident (zoom ' + CLUSTER_BELOW_ZOOM + " and closer)</li>");
      html.push('<li><span class="swatch swatch-round swatch-large" style="background:#6a3d9a"></span>several incidents nearby, counted</li>');
      html.push("</ul>");
    }
    box.innerHTML = html.join("");
  };

  AtlasMap.prototype.renderDownloads = function () {
    var box = document.getElementById("map-downloads");
    var self = this;
    if (box) {
      var items = [];
      var names = { hazards: "Hazard areas", releases: "Land releases", incidents: "Incidents" };
      ["hazards", "releases", "incidents"].forEach(function (name) {
        if (self.state.layers.indexOf(name) < 0) return;
        var base = self.config.api[ENDPOINT[name]] + "?";
        items.push(
          "<li>" + names[name] + ': <a href="' + base + filterQuery(self.state, name, { format: "csv" }) + '">CSV</a> · ' +
          '<a href="' + base + filterQuery(self.state, name, { format: "geojson" }) + '">GeoJSON</a></li>'
        );
      });
      box.innerHTML = items.length ? items.join("") : "<li>Turn on a record layer to download it.</li>";
    }
    var share = document.getElementById("map-share");
    if (share) share.value = window.location.origin + this.config.pageUrl + "?" + stateQuery(this.state, this.map);
    var embed = document.getElementById("map-embed");
    if (embed) {
      embed.value = '<iframe src="' + window.location.origin + this.config.embedUrl + "?" + escapeHtml(stateQuery(this.state, this.map)) +
        '" width="100%" height="480" style="border:0" title="Mine Atlas map" loading="lazy"></iframe>';
    }
    var full = document.getElementById("embed-open-full");
    if (full) full.href = this.config.pageUrl + "?" + stateQuery(this.state, this.map);
  };

  /* --- Start ------------------------------------------------------------------------------ */

  function start() {
    if (!window.L) return;
    var config = readConfig();
    var maps = [];
    document.querySelectorAll("[data-map]").forEach(function (element) {
      maps.push(new AtlasMap(element, config, element.getAttribute("data-map")));
    });
    window.MineAtlas = { maps: maps, readState: readState, stateQuery: stateQuery };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
