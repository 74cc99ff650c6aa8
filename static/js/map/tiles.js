/* The record layers as vector tiles (/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt), drawn on canvas
 * by protomaps-leaflet (static/js/lib/protomaps-leaflet/, the global `protomapsL`).
 *
 * Every published record is in the tiles at every zoom (docs/api.md), so the map draws the
 * whole country with no page cap. The plugin fetches and draws the tiles; this module gives
 * it a tile source that retries (api.js), the paint rules of each layer (layers.js has the
 * colours), and reads the features in view back from the plugin's tile cache for the list
 * beside the map, the counts and the popups. */

import { fetchWithRetry } from "./api.js";
import { markKind } from "./layers.js";

const MVT = "application/vnd.mapbox-vector-tile";
const POINT = 1; // the plugin's GeomType
const DATA_MAX_ZOOM = 16; // the tiles' own deepest zoom (TileJSON maxzoom); beyond, scaled

/* The plugin reads tiles through any object with `getZxy` (its PMTiles interface): this one
 * asks the API, trying again when throttled or failing, and reports what finally fails. */
class ApiTiles {
  constructor(template, { retry, onError, onRetry }) {
    this.template = template;
    this.retry = retry;
    this.onError = onError;
    this.onRetry = onRetry;
  }

  async getZxy(z, x, y, signal) {
    const url = this.template.replace("{z}", z).replace("{x}", x).replace("{y}", y);
    try {
      const response = await fetchWithRetry(url, {
        signal,
        accept: MVT,
        retry: this.retry,
        onRetry: this.onRetry,
      });
      const data = await response.arrayBuffer();
      return data.byteLength ? { data } : undefined; // an empty tile: no feature
    } catch (error) {
      if (error.name !== "AbortError" && this.onError) this.onError(error);
      throw error;
    }
  }
}

function isPoint(feature) {
  return feature.geomType === POINT;
}

/* Paint rules of one layer: its shapes, the records too small for a shape (points), and the
 * outline of the record the reader has focused in the list. */
function paintRules(dataLayer, look, highlighted) {
  const S = window.protomapsL;
  const isHighlighted = (feature) => highlighted.id != null && feature.props.id === highlighted.id;
  const rules = [];
  if (look.polygon) {
    rules.push({
      dataLayer,
      filter: (zoom, feature) => !isPoint(feature),
      symbolizer: new S.PolygonSymbolizer({
        fill: (zoom, feature) => look.polygon(feature.props).fill,
        opacity: look.opacity,
        stroke: (zoom, feature) => look.polygon(feature.props).stroke,
        width: 1,
      }),
    });
  }
  rules.push({
    dataLayer,
    filter: (zoom, feature) => isPoint(feature),
    symbolizer: new S.CircleSymbolizer({
      radius: (zoom, feature) => look.point(feature.props).radius,
      fill: (zoom, feature) => look.point(feature.props).fill,
      stroke: (zoom, feature) => look.point(feature.props).stroke,
      width: 1.5,
      opacity: (zoom, feature) => look.point(feature.props).opacity,
    }),
  });
  rules.push({
    dataLayer,
    filter: (zoom, feature) => isHighlighted(feature) && !isPoint(feature),
    symbolizer: new S.LineSymbolizer({ color: "#1b1f24", width: 4 }),
  });
  rules.push({
    dataLayer,
    filter: (zoom, feature) => isHighlighted(feature) && isPoint(feature),
    symbolizer: new S.CircleSymbolizer({ radius: 10, fill: "rgba(0,0,0,0)", stroke: "#1b1f24", width: 3 }),
  });
  return rules;
}

/* A Leaflet layer drawing `dataLayer`'s tiles from `template`. `highlighted` is an object
 * the map changes ({id}); `layer.redraw()` then paints the change. */
export function vectorTileLayer(dataLayer, template, { look, pane, highlighted, retry, onError, onRetry }) {
  const layer = window.protomapsL.leafletLayer({
    url: new ApiTiles(template, { retry, onError, onRetry }),
    paintRules: paintRules(dataLayer, look, highlighted),
    labelRules: [],
    pane,
    attribution: "", // the records are the site's own; the boundaries say theirs
    maxDataZoom: DATA_MAX_ZOOM,
  });
  layer.dataLayer = dataLayer;
  layer.redraw = () => layer.rerenderTiles();
  return layer;
}

/* The features of `layer` in the map's view, read from the tiles the plugin draws there (the
 * same requests: its cache shares them). Resolves to [{props, latlng, bounds}] in tile order,
 * each record once. `layer.views` is the plugin's one source (named "" when given `url`). */
export async function featuresInView(layer, map) {
  const view = layer.views.get("");
  const zoom = map.getZoom();
  const pixels = map.getPixelBounds();
  const box = { minX: pixels.min.x, minY: pixels.min.y, maxX: pixels.max.x, maxY: pixels.max.y };
  const transforms = view.dataTilesForBounds(zoom, box);
  // A tile that failed after its retries is missing (the status line says so); the rest count.
  const tiles = await Promise.allSettled(transforms.map((t) => view.tileCache.get(t.dataTile)));
  const seen = new Set();
  const found = [];
  tiles.forEach((settled, index) => {
    if (settled.status !== "fulfilled") return;
    const tile = settled.value;
    const { origin, scale } = transforms[index];
    for (const feature of tile.get(layer.dataLayer) || []) {
      const b = feature.bbox;
      const min = L.point(origin.x + b.minX * scale, origin.y + b.minY * scale);
      const max = L.point(origin.x + b.maxX * scale, origin.y + b.maxY * scale);
      if (max.x < pixels.min.x || min.x > pixels.max.x || max.y < pixels.min.y || min.y > pixels.max.y) continue;
      const key =
        feature.props.id != null
          ? String(feature.props.id)
          : feature.props.cell != null // a mark: its cell, whichever tile holds it
            ? `${markKind(feature.props)}:${feature.props.cell}`
            : `${Math.round(min.x)},${Math.round(min.y)}`;
      if (seen.has(key)) continue; // a record across tile borders is in each tile
      seen.add(key);
      const corner = map.unproject(min, zoom);
      const opposite = map.unproject(max, zoom);
      const bounds = L.latLngBounds(corner, opposite);
      found.push({ props: feature.props, point: isPoint(feature), latlng: bounds.getCenter(), bounds });
    }
  });
  return found;
}

/* The features of the shown `layers` under a click, topmost layer first. */
export function featuresAt(layers, latlng) {
  const picked = [];
  for (const [name, layer] of layers) {
    const here = layer.queryTileFeaturesDebug(latlng.lng, latlng.lat, 6).get("") || [];
    // Last drawn is on top.
    here
      .filter((p) => p.layerName === layer.dataLayer)
      .reverse()
      .forEach((p) => picked.push({ name, props: p.feature.props, point: isPoint(p.feature) }));
  }
  return picked;
}
