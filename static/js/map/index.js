/* Mine Atlas maps: the explorer, the home teaser, area and record maps, and the embed.
 *
 * Every layer is read from the public API (/api/v1/...), so the map shows exactly what the API
 * and its downloads give for the same filters: the boundaries as GeoJSON, the records as
 * vector tiles (tiles.js), every published record at every zoom, with no page cap. The page passes its settings as JSON in
 * <script id="map-config"> (views.map_config): the API's addresses, the filters and the labels
 * of coded values, all from the server. Each map element names its kind with
 * data-map="explorer|teaser|area|record|embed"; modes.js says what each kind does.
 *
 * Modules: filters.js (state, address, form), layers.js (sources and styles), tiles.js (the
 * vector tiles), popup.js, list.js (the records in view, for the keyboard), legend.js,
 * share.js, api.js (requests, retries), format.js.
 */

import { fetchCollection, fetchRecord, Requests } from "./api.js";
import { casualtyText, escapeHtml, fill, formatNumber } from "./format.js";
import { emptyFilters, FilterForm, LAYERS, readState, stateQuery } from "./filters.js";
import {
  areasUrl,
  areaStyle,
  areaUrl,
  breaks,
  featureKey,
  isCluster,
  RECORD_LAYERS,
  recordApiUrl,
  recordUrl,
  separateZoom,
  tileUrl,
} from "./layers.js";
import { renderLegend } from "./legend.js";
import { MOST_ITEMS, RecordList } from "./list.js";
import { MODES } from "./modes.js";
import {
  areaCode,
  areaPopup,
  areaTooltip,
  clusterPopup,
  markKindLabel,
  markPopup,
  periodText,
  RECORD_LINES,
  recordPopup,
  recordTitle,
} from "./popup.js";
import { renderShare } from "./share.js";
import { featuresAt, featuresInView, vectorTileLayer } from "./tiles.js";

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
    this.limits = [];
    this.entries = new Map(); // feature key -> {name, props, latlng, bounds}, for the list
    this.highlighted = {}; // {id} of the record focused in the list: tiles.js outlines it
    this.tileError = null; // what the last failed tile request said, until the view loads
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
    map.attributionControl.addAttribution(gettext("Boundaries: Natural Earth"));
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
    // Record layers: one vector-tile layer each, made (again) when its filters change.
    this.layers = {};
    this.tileUrls = {};
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
    map.on("zoomend", () => {
      this.areasLayer.setStyle((feature) => this.areaStyle(feature));
      this.renderLegend(); // its note on marks holds far out only
    });
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
    // Tiles are canvas: a click is matched to the features under it (the record on top wins).
    // A unit's own popup stops the click reaching the map: over a unit, the unit's layer
    // passes it on, after its popup opened, so a record's popup replaces the unit's.
    map.on("click", (event) => this.openAt(event.latlng));
    this.areasLayer.on("click", (event) => this.openAt(event.latlng));
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
      const signal = this.requests.start("areas");
      const result = await fetchCollection(areasUrl(this.state, this.config), signal, this.config.retry);
      this.limits = breaks(result.features.map((f) => Number((f.properties || {})[this.state.measure])));
      this.areasLayer.clearLayers();
      this.areasLayer.addData(result.features);
      const waited = this.waitingForFit();
      this.fitOnce(); // when it moves the map, the move loads the records of the first view
      this.element.setAttribute("data-areas-loaded", String(result.features.length));
      if (!this.fitted) {
        // Nothing to fit to (the view came from the address, or no such area): as it is.
        this.fitted = true;
        if (waited && this.wantsRecords()) this.loadRecords();
      }
      this.renderLegend();
    } catch (error) {
      if (error.name === "AbortError") return;
      this.setStatus(gettext("The boundaries could not be loaded:") + " " + error.message);
      // The records do not wait for boundaries that will not come.
      if (!this.fitted) {
        this.fitted = true;
        if (this.wantsRecords()) this.loadRecords();
      }
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

  /* The vector-tile layer of `name` for the current filters (the same one while they stay). */
  tileLayer(name) {
    const url = tileUrl(name, this.state, this.config);
    if (this.layers[name] && this.tileUrls[name] === url) return this.layers[name];
    if (this.layers[name]) this.map.removeLayer(this.layers[name]);
    const definition = RECORD_LAYERS[name];
    this.tileUrls[name] = url;
    this.layers[name] = vectorTileLayer(definition.tiles, url, {
      look: definition.look,
      pane: definition.pane,
      highlighted: this.highlighted,
      retry: this.config.retry,
      onRetry: () => this.setStatus(gettext("The site is busy; trying again…")),
      onError: (error) => {
        this.tileError = error.message;
        this.setStatus(gettext("Some of the records could not be loaded:") + " " + error.message);
      },
    });
    return this.layers[name];
  }

  /* Draw the shown record layers, then count and list what is in view (from the same tiles). */
  async loadRecords() {
    if (this.waitingForFit()) return; // the first view comes with the boundaries: no dead tiles
    const names = Object.keys(RECORD_LAYERS);
    const shown = names.filter((name) => this.state.layers.includes(name));
    names
      .filter((name) => !shown.includes(name))
      .forEach((name) => {
        if (this.layers[name]) this.map.removeLayer(this.layers[name]);
        delete this.counts[name];
      });
    const layers = shown.map((name) => [name, this.tileLayer(name)]);
    layers.forEach(([, layer]) => layer.addTo(this.map));
    const generation = (this.generation = (this.generation || 0) + 1);
    this.element.setAttribute("aria-busy", "true");
    this.tileError = null;
    const found = await Promise.all(layers.map(([, layer]) => featuresInView(layer, this.map)));
    if (generation !== this.generation) return; // the map moved on meanwhile
    this.entries = new Map();
    layers.forEach(([name], index) => {
      const features = found[index];
      features.forEach((entry) => this.entries.set(featureKey(name, entry), { name, ...entry }));
      this.counts[name] = features.reduce((total, f) => total + (isCluster(f.props) ? f.props.count : 1), 0);
    });
    this.element.setAttribute("aria-busy", "false");
    this.element.setAttribute("data-loaded", stateQuery(this.state, this.filters, null));
    names.forEach((name) => {
      this.element.setAttribute("data-count-" + name, this.counts[name] == null ? "" : String(this.counts[name]));
    });
    this.setStatus(
      this.tileError ? gettext("Some of the records could not be loaded:") + " " + this.tileError : this.statusText(),
    );
    this.renderList();
    this.reopenPopup();
  }

  wantsRecords() {
    return this.state.layers.some((name) => name in RECORD_LAYERS) || this.mode.followView;
  }

  /* Until the boundaries have set the first view, tiles asked for would be thrown away. */
  waitingForFit() {
    const fitsLater = this.mode.fit === "area" || (this.mode.fit === "country" && !this.state.center);
    return fitsLater && !this.fitted;
  }

  statusText() {
    const parts = Object.entries(RECORD_LAYERS)
      .filter(([name]) => this.counts[name] != null)
      .map(([name, definition]) => fill(definition.counted(this.counts[name]), { count: formatNumber(this.counts[name]) }));
    if (!parts.length) return gettext("No record layers shown.");
    return fill(gettext("In view: %(layers)s."), { layers: parts.join(", ") });
  }

  /* --- Popups ---------------------------------------------------------------------------- */

  openAt(latlng) {
    const shown = Object.keys(RECORD_LAYERS)
      .filter((name) => this.state.layers.includes(name) && this.layers[name] && this.map.hasLayer(this.layers[name]))
      // Incidents are drawn on top of the polygons.
      .sort((a, b) => (a === "incidents" ? -1 : b === "incidents" ? 1 : 0))
      .map((name) => [name, this.layers[name]]);
    const [picked] = featuresAt(shown, latlng);
    if (!picked) return;
    this.openPopup({ name: picked.name, props: picked.props, latlng }, { focus: false });
  }

  /* Open the popup of an entry ({name, props, latlng}); a record's popup reads its full
   * properties from the API, a cluster's says its counts. */
  async openPopup(entry, { focus }) {
    const { name, props } = entry;
    const key = featureKey(name, entry);
    const popup = L.popup({ maxWidth: 320 }).setLatLng(entry.latlng);
    this.openKey = key;
    if (isCluster(props) && name !== "incidents") {
      popup.setContent(markPopup(name, props, RECORD_LAYERS[name].counted, this.config.labels || {}));
    } else if (isCluster(props)) {
      const single = props.count === 1 && props.incident != null ? recordUrl(this.config, name, props.incident) : null;
      popup.setContent(clusterPopup(props, single));
    } else {
      popup.setContent(escapeHtml(gettext("Loading the record…")));
    }
    this.replacing = true;
    popup.openOn(this.map);
    this.replacing = false;
    popup.on("remove", () => this.popupClosed(key));
    if (isCluster(props)) {
      const button = popup.getElement().querySelector(".popup-zoom");
      if (button) {
        button.addEventListener("click", () => {
          this.map.setView(entry.latlng, Math.max(separateZoom(name), this.map.getZoom() + 2));
        });
      }
    } else {
      try {
        const feature = await fetchRecord(recordApiUrl(this.config, name, props.id), undefined, this.config.retry);
        if (!this.map.hasLayer(popup)) return;
        popup.setContent(recordPopup(name, feature, recordUrl(this.config, name, props.id), this.config.labels || {}));
      } catch (error) {
        popup.setContent(escapeHtml(gettext("The record could not be loaded:") + " " + error.message));
        return;
      }
    }
    if (focus) this.focusPopup(popup);
  }

  popupClosed(key) {
    if (this.replacing || this.openKey !== key) return;
    this.openKey = null;
    if (this.returnFocusTo === key && this.list) this.list.focus(key);
    this.returnFocusTo = null;
  }

  /* After a reload, the reader's popup stays open when its record is still in view. */
  reopenPopup() {
    if (this.openKey && !this.entries.has(this.openKey) && !this.map.getContainer().querySelector(".leaflet-popup")) {
      this.openKey = null;
    }
  }

  /* --- The list of records in view ------------------------------------------------------- */

  renderList() {
    if (!this.list) return;
    const entries = [];
    this.entries.forEach((entry, key) => entries.push({ key, entry, order: ORDER.indexOf(entry.name) }));
    // In the legend's order; within a layer, as the tiles hold them. Only the items the list
    // shows are described: a view can hold thousands.
    entries.sort((a, b) => a.order - b.order);
    this.list.render(entries.map((item, index) => (index < MOST_ITEMS ? { key: item.key, ...this.describe(item.entry) } : item)));
  }

  describe({ name, props }) {
    if (isCluster(props)) {
      const what = fill(RECORD_LAYERS[name].counted(props.count), { count: formatNumber(props.count) });
      if (name === "incidents") return { title: what, detail: casualtyText(props) };
      const kind = markKindLabel(name, props, this.config.labels || {});
      return { title: what, detail: [kind, props.is_demo ? gettext("Demo records") : ""].filter(Boolean).join(" · ") };
    }
    const lines = RECORD_LINES[name](props, this.config.labels || {}).filter(Boolean);
    if (props.is_demo) lines.push(gettext("Demo record"));
    return { title: recordTitle(props, props.id), detail: lines.join(" · ") };
  }

  highlight(key, on) {
    const entry = this.entries.get(key);
    if (!entry || isCluster(entry.props)) return;
    this.highlighted.id = on ? entry.props.id : null;
    this.layers[entry.name].redraw();
  }

  openFromList(key) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.returnFocusTo = key;
    this.openPopup(entry, { focus: true });
  }

  focusPopup(popup) {
    const element = popup.getElement();
    const target = element && element.querySelector(".leaflet-popup-content a, .leaflet-popup-content button");
    if (target) target.focus({ preventScroll: true });
  }

  /* --- State, address, panel ------------------------------------------------------------- */

  refresh() {
    this.loadAreas();
    if (this.wantsRecords()) this.loadRecords();
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
    if (this.legend) renderLegend(this.legend, this.state, this.limits, this.config.labels || {}, this.map.getZoom());
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
