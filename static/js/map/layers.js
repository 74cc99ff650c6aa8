/* The map's layers: where each reads its features, how it looks, what its features are called.
 *
 * `areas` are the first-level units, always drawn as the base (the map stays readable without
 * tiles) and shaded by their figures when the `areas` layer is on. The record layers are drawn
 * over them. */

import { layerQuery } from "./filters.js";

export const CLUSTER_BELOW_ZOOM = 10;

export const CATEGORY_COLOURS = { cha: "#b2182b", sha: "#ef8a62" };
export const METHOD_COLOURS = { cancelled: "#92c5de", reduced: "#4393c3", cleared: "#1a7a3a" };
export const INCIDENT_COLOUR = "#6a3d9a";
export const CHOROPLETH = ["#fdd9b5", "#fdae6b", "#f16913", "#c33c05", "#7f2704"];
export const NO_DATA = "#f4f1ee";
export const HIGHLIGHT = { color: "#1b1f24", weight: 4 };

function hazardStyle(feature) {
  const colour = CATEGORY_COLOURS[(feature.properties || {}).category] || CATEGORY_COLOURS.cha;
  return { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.55 };
}

function releaseStyle(feature) {
  const colour = METHOD_COLOURS[(feature.properties || {}).method] || METHOD_COLOURS.reduced;
  return { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.6, dashArray: "4 3" };
}

function incidentStyle(feature) {
  if ((feature.properties || {}).count != null) {
    // Translucent so that the polygons beneath stay visible.
    return { color: "#3d1f5c", weight: 1.5, fillColor: INCIDENT_COLOUR, fillOpacity: 0.4 };
  }
  return { color: "#ffffff", weight: 1.5, fillColor: INCIDENT_COLOUR, fillOpacity: 0.95 };
}

function incidentMarker(feature, latlng) {
  const p = feature.properties || {};
  // A cluster's area grows with its count.
  const radius = p.count != null ? 5 + Math.min(18, Math.sqrt(p.count) * 1.6) : 6;
  return L.circleMarker(latlng, { radius, ...incidentStyle(feature) });
}

export const RECORD_LAYERS = {
  hazards: {
    noun: "hazard areas",
    title: "Hazard areas",
    endpoint: "hazardAreas",
    recordUrl: "hazardAreas",
    pane: "recordsPane",
    style: hazardStyle,
  },
  releases: {
    noun: "land releases",
    title: "Land releases",
    endpoint: "landReleases",
    recordUrl: "landReleases",
    pane: "recordsPane",
    style: releaseStyle,
  },
  incidents: {
    noun: "incidents",
    title: "Incidents",
    endpoint: "incidents",
    recordUrl: "incidents",
    pane: "pointsPane",
    style: incidentStyle,
    pointToLayer: incidentMarker,
    // Far out, the API counts incidents per grid cell instead of listing each.
    clusters: { endpoint: "incidentClusters", belowZoom: CLUSTER_BELOW_ZOOM },
  },
};

export function isCluster(feature) {
  return (feature.properties || {}).count != null;
}

export function recordId(feature) {
  return feature.id != null ? feature.id : (feature.properties || {}).id;
}

/* A key that names one feature across reloads (the list and the open popup use it). */
export function featureKey(name, feature) {
  if (isCluster(feature)) return name + ":cluster:" + feature.geometry.coordinates.join(",");
  return name + ":" + recordId(feature);
}

export function recordUrl(config, name, id) {
  return config.recordUrls[RECORD_LAYERS[name].recordUrl].replace("{id}", encodeURIComponent(id));
}

export function areaUrl(config, code) {
  return config.recordUrls.areas.replace("{code}", encodeURIComponent(code));
}

function bboxParam(map) {
  const b = map.getBounds().pad(0.2);
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  return [
    clamp(b.getWest(), -180, 180),
    clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180),
    clamp(b.getNorth(), -90, 90),
  ]
    .map((v) => v.toFixed(4))
    .join(",");
}

/* The API address of a record layer for the map's view and state. */
export function recordLayerUrl(name, state, config, map) {
  const layer = RECORD_LAYERS[name];
  const zoom = map.getZoom();
  const clustered = layer.clusters && zoom < layer.clusters.belowZoom;
  const extra = { bbox: bboxParam(map) };
  // The API takes whole zoom levels (rounding up keeps the finer geometry); single points
  // need no simplification.
  if (!layer.pointToLayer || clustered) extra.zoom = String(Math.ceil(zoom));
  if (!clustered && config.pageSize) extra.page_size = String(config.pageSize);
  const endpoint = clustered ? layer.clusters.endpoint : layer.endpoint;
  return config.api[endpoint] + "?" + layerQuery(state, config.filters, name, extra);
}

export function areasUrl(state, config) {
  return config.api.areas + "?" + layerQuery(state, config.filters, "areas", { level: "1" });
}

/* Class limits of the choropleth: quantiles of the areas that have any hazard. */
export function breaks(values) {
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (!positive.length) return [];
  const result = [];
  for (let i = 1; i < CHOROPLETH.length; i++) {
    const index = Math.min(positive.length - 1, Math.floor((i * positive.length) / CHOROPLETH.length));
    result.push(positive[index]);
  }
  return result.filter((value, index, all) => all.indexOf(value) === index);
}

export function classColour(value, limits) {
  if (!(value > 0)) return NO_DATA;
  for (let i = 0; i < limits.length; i++) {
    if (value < limits[i]) return CHOROPLETH[i];
  }
  return CHOROPLETH[Math.min(limits.length, CHOROPLETH.length - 1)];
}

/* The style of a unit: shaded by the measure when the `areas` layer is on, else an outline. */
export function areaStyle({ value, shaded, highlighted, limits, zoom, otherLayers }) {
  return {
    color: highlighted ? "#1b1f24" : "#6b7580",
    weight: highlighted ? 3 : 1,
    fillColor: shaded ? classColour(value, limits) : NO_DATA,
    // Lighter when record layers are drawn over it, and faint once single records can be
    // told apart, so that they stay legible.
    fillOpacity: !shaded ? 0.35 : zoom >= CLUSTER_BELOW_ZOOM ? 0.2 : otherLayers ? 0.55 : 0.8,
  };
}
