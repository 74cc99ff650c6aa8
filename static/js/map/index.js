/* Mine Atlas maps: the explorer, the home teaser, area and record maps, and the embed.
 *
 * Every layer is read from the public API (/api/v1/...), so the map shows exactly what the API
 * and its downloads give for the same filters. The page passes its settings as JSON in
 * <script id="map-config"> (views.map_config): the API's addresses, the filters and the labels
 * of coded values, all from the server. Each map element names its kind with
 * data-map="explorer|teaser|area|record|embed"; modes.js says what each kind does.
 *
 * Modules: filters.js (state, address, form), layers.js (sources and styles), popup.js,
 * list.js (the records in view, for the keyboard), legend.js, share.js, api.js, format.js.
 */

import { fetchCollection, Requests } from "./api.js";
import { formatNumber } from "./format.js";
import { emptyFilters, FilterForm, LAYERS, readState, stateQuery } from "./filters.js";
import {
  areasUrl,
  areaStyle,
  areaUrl,
  breaks,
  CLUSTER_BELOW_ZOOM,
  featureKey,
  HIGHLIGHT,
  isCluster,
  RECORD_LAYERS,
  recordId,
  recordLayerUrl,
  recordUrl,
} from "./layers.js";
import { renderLegend } from "./legend.js";
import { RecordList } from "./list.js";
import { MODES } from "./modes.js";
import {
  areaCode,
  areaPopup,
  areaTooltip,
  clusterPopup,
  periodText,
  RECORD_LINES,
  recordPopup,
  recordTitle,
} from "./popup.js";
import { renderShare } from "./share.js";

const ORDER = Object.keys(RECORD_LAYERS);
const RECORD_STYLE = { color: "#1b1f24", weight: 3, fillColor: "#f0a500", fillOpacity: 0.5 };

function readConfig() {
  const node = document.getElementById("map-config");
  return node ? JSON.parse(node.textContent) : {};
}

class AtlasMap {
  constructor(element, config, modeName) {
    this.element = element;
    this.config = config;
    this.mode = MODES[modeName];
    this.filters = config.filters || [];
    this.state = this.initialState();
    this.requests = new Requests();
    this.counts = {};
    this.matched = {};
    this.truncated = {};
    this.limits = [];
    this.entries = new Map(); // feature key -> {name, feature, layer}, for the list and popups
    this.openKey = null; // the record whose popup is open, kept open across reloads
    this.status = document.getElementById("map-status");
    this.legend = document.getElementById("map-legend");
    this.build();
    this.buildList();
    if (this.mode.form) this.buildForm();
    this.bindEvents();
    this.refresh();
  }

  initialState() {
    const mode = this.mode;
    if (mode.address !== "none") return readState(window.location.search, this.filters, mode.layers);
    const filters = { ...emptyFilters(this.filters), ...(mode.filters ? mode.filters(this.config) : {}) };
    return { center: null, zoom: null, layers: mode.layers.slice(), measure: "hazard_km2", filters };
  }

  /* --- Building -------------------------------------------------------------------------- */

  build() {
    const interactive = this.mode.interactive;
    const map = (this.map = L.map(this.element, {
      center: this.state.center || this.config.center,
      zoom: this.state.zoom || this.config.zoom,
      minZoom: 3,
      maxZoom: 18,
      // Half steps let the whole country fill a typical window (z 7 is too small, 8 too big).
      zoomSnap: 0.5,
      zoomControl: interactive,
      dragging: interactive,
      scrollWheelZoom: Boolean(this.mode.scrollZoom),
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
    this.areasLayer = L.geoJSON(null, {
      pane: "areasPane",
      style: (feature) => this.areaStyle(feature),
      onEachFeature: (feature, layer) => this.bindArea(feature, layer),
    }).addTo(map);
    this.layers = {};
    Object.entries(RECORD_LAYERS).forEach(([name, definition]) => {
      this.layers[name] = L.geoJSON(null, {
        pane: definition.pane,
        style: definition.style,
        pointToLayer: definition.pointToLayer,
        onEachFeature: (feature, layer) => this.bindRecord(name, feature, layer),
      });
    });
    if (this.mode.fit === "record" && this.config.record) {
      const record = L.geoJSON(this.config.record, {
        pane: "pointsPane",
        style: RECORD_STYLE,
        pointToLayer: (feature, latlng) =>
          L.circleMarker(latlng, { ...RECORD_STYLE, radius: 9, fillOpacity: 0.9 }),
      }).addTo(map);
      // Close enough to see the shape, far enough to see the records and boundary around it.
      map.fitBounds(record.getBounds(), { maxZoom: 13, padding: [60, 60] });
    }
  }

  buildList() {
    const container = document.querySelector(`[data-records-of="${this.element.id}"]`);
    if (!container) return;
    this.list = new RecordList(container, {
      onOpen: (key) => this.openFromList(key),
      onFocus: (key) => this.highlight(key, true),
      onBlur: (key) => this.highlight(key, false),
    });
  }

  buildForm() {
    const form = document.getElementById("map-filters");
    if (!form) return;
    this.form = new FilterForm(form, this.filters, this.config, (changed) => {
      if (changed === "reset") {
        this.state.layers = LAYERS.slice();
        this.state.measure = "hazard_km2";
        this.state.filters = emptyFilters(this.filters);
        this.form.write(this.state);
      } else {
        this.form.read(this.state);
      }
      this.pushHistory(true);
      this.refresh();
      if (changed === "area" && this.state.filters.area) this.zoomToArea(this.state.filters.area);
    });
    this.form.write(this.state);
  }

  bindEvents() {
    const map = this.map;
    map.on("zoomend", () => this.areasLayer.setStyle((feature) => this.areaStyle(feature)));
    if (this.mode.followView) {
      map.on("moveend", () => {
        if (this.restoring) this.restoring = false;
        else this.pushHistory(false);
        this.renderList();
        this.loadRecords();
        renderShare(this.state, this.config, map);
      });
    }
    if (this.mode.address === "read-write") window.addEventListener("popstate", () => this.onPopState());
    map.on("popupopen", (event) => {
      const element = event.popup.getElement();
      if (element.dataset.escapeCloses) return;
      element.dataset.escapeCloses = "true";
      // Leaflet closes a popup on Escape only while the map itself has the focus.
      element.addEventListener("keydown", (keyEvent) => {
        if (keyEvent.key === "Escape") map.closePopup();
      });
    });
  }

  /* --- Areas ----------------------------------------------------------------------------- */

  areaStyle(feature) {
    const p = feature.properties || {};
    const selected = this.config.area || this.state.filters.area;
    return areaStyle({
      value: Number(p[this.state.measure]),
      shaded: this.state.layers.includes("areas"),
      highlighted: Boolean(selected) && areaCode(p) === selected,
      limits: this.limits,
      zoom: this.map ? this.map.getZoom() : 0,
      otherLayers: this.state.layers.length > 1,
    });
  }

  bindArea(feature, layer) {
    const p = feature.properties || {};
    if (this.mode.areaInfo === "tooltip") layer.bindTooltip(areaTooltip(p));
    else {
      // Bound as a function: the period is read when the popup opens, after any filter change.
      layer.bindPopup(() => {
        const { start, end } = this.state.filters;
        return areaPopup(p, areaUrl(this.config, areaCode(p)), periodText(start, end));
      });
    }
  }

  async loadAreas() {
    try {
      const result = await fetchCollection(areasUrl(this.state, this.config), this.requests.start("areas"));
      this.limits = breaks(result.features.map((f) => Number((f.properties || {})[this.state.measure])));
      this.areasLayer.clearLayers();
      this.areasLayer.addData(result.features);
      this.fitOnce();
      this.element.setAttribute("data-areas-loaded", String(result.features.length));
      this.renderLegend();
    } catch (error) {
      if (error.name !== "AbortError") this.setStatus("The boundaries could not be loaded: " + error.message);
    }
  }

  /* Look at the country, or at the page's area, the first time the boundaries arrive. */
  fitOnce() {
    if (this.fitted) return;
    const linkedArea = this.mode.fit === "country" && !this.state.center && this.state.filters.area;
    // "Open Agdam in the map explorer" and search results link here with ?area=: look at it.
    if (linkedArea && this.zoomToArea(this.state.filters.area)) {
      this.fitted = true;
    } else if (this.mode.fit === "country" && !this.state.center && this.areasLayer.getBounds().isValid()) {
      // Without a position in the address, show the whole country whatever the window size.
      this.fitted = true;
      this.map.fitBounds(this.areasLayer.getBounds(), { padding: [4, 4] });
    } else if (this.mode.fit === "area" && this.config.area) {
      this.fitted = true;
      this.areasLayer.eachLayer((layer) => {
        if (areaCode(layer.feature.properties || {}) === this.config.area) {
          this.map.fitBounds(layer.getBounds(), { padding: [10, 10] });
          layer.bringToFront();
        }
      });
    }
  }

  // Choosing an area in the filters also brings it into view (the address follows).
  zoomToArea(code) {
    let found = false;
    this.areasLayer.eachLayer((layer) => {
      if (areaCode(layer.feature.properties || {}) === code) {
        this.map.fitBounds(layer.getBounds(), { padding: [20, 20] });
        found = true;
      }
    });
    return found;
  }

  /* --- Records --------------------------------------------------------------------------- */

  bindRecord(name, feature, layer) {
    const p = feature.properties || {};
    const key = featureKey(name, feature);
    this.entries.set(key, { name, feature, layer });
    if (isCluster(feature)) {
      const single = p.count === 1 && p.incident != null ? recordUrl(this.config, name, p.incident) : null;
      layer.bindPopup(clusterPopup(p, single));
      layer.on("popupopen", (event) => {
        const button = event.popup.getElement().querySelector(".popup-zoom");
        if (button) {
          button.addEventListener("click", () => {
            this.map.setView(layer.getLatLng(), Math.max(CLUSTER_BELOW_ZOOM, this.map.getZoom() + 2));
          });
        }
      });
    } else {
      const url = recordUrl(this.config, name, recordId(feature));
      layer.bindPopup(recordPopup(name, feature, url, this.config.labels || {}));
    }
    layer.on("popupopen", () => {
      this.openKey = key;
    });
    layer.on("popupclose", () => {
      if (this.replacing) return; // a reload: the same record's popup opens again below
      this.openKey = null;
      if (this.returnFocusTo === key && this.list) this.list.focus(key);
      this.returnFocusTo = null;
    });
  }

  async loadRecords() {
    const names = Object.keys(RECORD_LAYERS);
    const shown = names.filter((name) => this.state.layers.includes(name));
    names
      .filter((name) => !shown.includes(name))
      .forEach((name) => {
        this.requests.cancel(name);
        this.map.removeLayer(this.layers[name]);
        this.replaceFeatures(name, []);
        delete this.counts[name];
        delete this.matched[name];
        delete this.truncated[name];
      });
    this.element.setAttribute("aria-busy", "true");
    try {
      await Promise.all(shown.map((name) => this.loadRecordLayer(name)));
    } catch (error) {
      if (error.name === "AbortError") return;
      this.element.setAttribute("aria-busy", "false");
      this.setStatus("The records could not be loaded: " + error.message);
      return;
    }
    this.element.setAttribute("aria-busy", "false");
    this.element.setAttribute("data-loaded", stateQuery(this.state, this.filters, null));
    names.forEach((name) => {
      this.element.setAttribute("data-count-" + name, this.counts[name] == null ? "" : String(this.counts[name]));
    });
    this.setStatus(this.statusText());
    this.renderList();
  }

  async loadRecordLayer(name) {
    const url = recordLayerUrl(name, this.state, this.config, this.map);
    const result = await fetchCollection(url, this.requests.start(name), this.config.maxPages);
    this.replaceFeatures(name, result.features);
    this.layers[name].addTo(this.map);
    this.counts[name] = result.features.reduce(
      (total, f) => total + (isCluster(f) ? f.properties.count : 1),
      0,
    );
    // More match than the map draws at this scale: say so rather than under-count. How many
    // is known only if the API said (a map page with pages after it has no count).
    this.truncated[name] = result.truncated;
    this.matched[name] = result.truncated ? result.matched : null;
  }

  replaceFeatures(name, features) {
    const open = this.openKey && this.openKey.startsWith(name + ":") ? this.openKey : null;
    const focusInPopup = open && this.map.getContainer().querySelector(".leaflet-popup")?.contains(document.activeElement);
    this.replacing = true;
    this.layers[name].clearLayers();
    this.replacing = false;
    for (const key of [...this.entries.keys()]) if (key.startsWith(name + ":")) this.entries.delete(key);
    this.layers[name].addData(features);
    // The reader's popup stays open when its record is still there after the reload.
    if (open) {
      const entry = this.entries.get(open);
      if (entry) {
        entry.layer.openPopup();
        if (focusInPopup) this.focusPopup(entry.layer);
      } else {
        this.openKey = null;
      }
    }
  }

  statusText() {
    let truncated = false;
    const parts = Object.entries(RECORD_LAYERS)
      .filter(([name]) => this.counts[name] != null)
      .map(([name, definition]) => {
        const matched = this.matched[name];
        let more = "";
        if (this.truncated[name]) {
          truncated = true;
          more = matched != null ? " of " + formatNumber(matched) : "+";
        }
        return formatNumber(this.counts[name]) + more + " " + definition.noun;
      });
    if (!parts.length) return "No record layers shown.";
    return "In view: " + parts.join(", ") + "." + (truncated ? " Zoom in to draw them all." : "");
  }

  /* --- The list of records in view ------------------------------------------------------- */

  renderList() {
    if (!this.list) return;
    const bounds = this.map.getBounds();
    const entries = [];
    this.entries.forEach((entry, key) => {
      if (!this.map.hasLayer(this.layers[entry.name])) return;
      const layer = entry.layer;
      const inView = layer.getBounds ? bounds.intersects(layer.getBounds()) : bounds.contains(layer.getLatLng());
      if (inView) entries.push({ key, order: ORDER.indexOf(entry.name), ...this.describe(entry) });
    });
    // In the legend's order, whichever layer answered first; within a layer, as the API sorts.
    entries.sort((a, b) => a.order - b.order);
    this.list.render(entries);
  }

  describe({ name, feature }) {
    const p = feature.properties || {};
    if (isCluster(feature)) {
      const what = p.count === 1 ? "One incident" : formatNumber(p.count) + " incidents";
      return { title: what, detail: `${formatNumber(p.killed)} killed, ${formatNumber(p.injured)} injured` };
    }
    const lines = RECORD_LINES[name](p, this.config.labels || {}).filter(Boolean);
    if (p.is_demo) lines.push("Demo record");
    return { title: recordTitle(p, recordId(feature)), detail: lines.join(" · ") };
  }

  highlight(key, on) {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (on) {
      entry.layer.setStyle(HIGHLIGHT);
      if (entry.layer.bringToFront) entry.layer.bringToFront();
    } else {
      this.layers[entry.name].resetStyle(entry.layer);
    }
  }

  openFromList(key) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.returnFocusTo = key;
    entry.layer.openPopup();
    this.focusPopup(entry.layer);
  }

  focusPopup(layer) {
    const popup = layer.getPopup() && layer.getPopup().getElement();
    const target = popup && popup.querySelector(".leaflet-popup-content a, .leaflet-popup-content button");
    if (target) target.focus({ preventScroll: true });
  }

  /* --- State, address, panel ------------------------------------------------------------- */

  refresh() {
    this.loadAreas();
    if (this.state.layers.some((name) => name in RECORD_LAYERS) || this.mode.followView) this.loadRecords();
    this.renderLegend();
    renderShare(this.state, this.config, this.map);
  }

  pushHistory(push) {
    if (this.mode.address !== "read-write") return;
    const query = "?" + stateQuery(this.state, this.filters, this.map);
    if (query === window.location.search) return;
    if (push) window.history.pushState(null, "", query);
    else window.history.replaceState(null, "", query);
  }

  onPopState() {
    const state = readState(window.location.search, this.filters, this.mode.layers);
    Object.assign(this.state, { layers: state.layers, measure: state.measure, filters: state.filters });
    if (this.form) this.form.write(this.state);
    const center = state.center || this.config.center;
    const zoom = state.zoom || this.config.zoom;
    const current = this.map.getCenter();
    if (Math.abs(current.lat - center[0]) > 1e-4 || Math.abs(current.lng - center[1]) > 1e-4 || this.map.getZoom() !== zoom) {
      this.restoring = true;
      this.map.setView(center, zoom);
    }
    this.refresh();
  }

  renderLegend() {
    if (this.legend) renderLegend(this.legend, this.state, this.limits, this.config.labels || {});
  }

  setStatus(text) {
    if (this.status) this.status.textContent = text;
  }
}

function start() {
  if (!window.L) return;
  const config = readConfig();
  const maps = [...document.querySelectorAll("[data-map]")]
    .filter((element) => element.dataset.map in MODES)
    .map((element) => new AtlasMap(element, config, element.dataset.map));
  // For the browser tests and for readers poking at the page in the console.
  window.MineAtlas = { maps };
}

start(); // a module runs after the document is parsed
