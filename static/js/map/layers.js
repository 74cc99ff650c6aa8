/* The map's layers: where each reads its features, how it looks, what its features are called.
 *
 * `areas` are the first-level units, always drawn as the base (the map stays readable without
 * tiles) and shaded by their figures when the `areas` layer is on. The record layers are drawn
 * over them. */

import { layerQuery } from "./filters.js";
import "./format.js"; // the catalogue's fallback before the titles below are looked up

// Below this map zoom (the tiles' zoom 9) the hazard area and land release tiles draw the
// records smaller than 4 px as marks: one dot per cell and colour, with their `count`.
export const MARKS_BELOW_ZOOM = 10;

// Below this map zoom the incident tiles hold clusters. The map draws the API's tiles as 512 px
// (its tiles of zoom z at map zoom z + 1), and those of zoom 10 on hold single incidents.
export const CLUSTER_BELOW_ZOOM = 10.5;

export const CATEGORY_COLOURS = { cha: "#b2182b", sha: "#ef8a62" };
export const METHOD_COLOURS = { cancelled: "#92c5de", reduced: "#4393c3", cleared: "#1a7a3a" };
export const INCIDENT_COLOUR = "#6a3d9a";
export const CHOROPLETH = ["#fdd9b5", "#fdae6b", "#f16913", "#c33c05", "#7f2704"];
export const NO_DATA = "#f4f1ee";
export const HIGHLIGHT = { color: "#1b1f24", weight: 4 };

// How each record layer looks in the tiles (tiles.js): a polygon's fill and outline, and the
// circle of a point (an incident, a cluster, a shape too small to draw at this zoom, or a mark
// of several such shapes: a little larger, as it stands for more records).
function markRadius(p) {
  return p.count ? 3 + Math.min(2, Math.log10(p.count)) : 3;
}

const hazardLook = {
  polygon: (p) => ({ fill: CATEGORY_COLOURS[p.category] || CATEGORY_COLOURS.cha, stroke: CATEGORY_COLOURS[p.category] || CATEGORY_COLOURS.cha }),
  opacity: 0.55,
  point: (p) => ({ radius: markRadius(p), fill: CATEGORY_COLOURS[p.category] || CATEGORY_COLOURS.cha, stroke: "#ffffff", opacity: 0.9 }),
};

const releaseLook = {
  polygon: (p) => ({ fill: METHOD_COLOURS[p.method] || METHOD_COLOURS.reduced, stroke: METHOD_COLOURS[p.method] || METHOD_COLOURS.reduced }),
  opacity: 0.6,
  point: (p) => ({ radius: markRadius(p), fill: METHOD_COLOURS[p.method] || METHOD_COLOURS.reduced, stroke: "#ffffff", opacity: 0.9 }),
};

const incidentLook = {
  point: (p) =>
    p.count != null
      ? // A cluster's area grows with its count; translucent, so the polygons beneath show.
        { radius: 5 + Math.min(18, Math.sqrt(p.count) * 1.6), fill: INCIDENT_COLOUR, stroke: "#3d1f5c", opacity: 0.6 }
      : { radius: 6, fill: INCIDENT_COLOUR, stroke: "#ffffff", opacity: 0.95 },
};

export const RECORD_LAYERS = {
  hazards: {
    counted: (count) => ngettext("%(count)s hazard area", "%(count)s hazard areas", count),
    title: gettext("Hazard areas"),
    endpoint: "hazardAreas",
    tiles: "hazard-areas",
    recordUrl: "hazardAreas",
    pane: "recordsPane",
    look: hazardLook,
  },
  releases: {
    counted: (count) => ngettext("%(count)s land release", "%(count)s land releases", count),
    title: gettext("Land releases"),
    endpoint: "landReleases",
    tiles: "land-releases",
    recordUrl: "landReleases",
    pane: "recordsPane",
    look: releaseLook,
  },
  incidents: {
    counted: (count) => ngettext("%(count)s incident", "%(count)s incidents", count),
    title: gettext("Incidents"),
    endpoint: "incidents",
    tiles: "incidents",
    recordUrl: "incidents",
    pane: "pointsPane",
    look: incidentLook,
  },
};

// Far out, the incident tiles hold clusters (one point per cell, with its counts), and the
// others marks of several small records (with their count): both are "clusters" here.
export function isCluster(props) {
  return props.count != null;
}

// The zoom at which a cluster's or a mark's records are drawn one by one.
export function separateZoom(name) {
  return name === "incidents" ? CLUSTER_BELOW_ZOOM : MARKS_BELOW_ZOOM;
}

// What a mark's records share (its colour), so that two marks at one place keep apart.
export function markKind(props) {
  return props.category || props.method || "";
}

/* A key that names one feature across reloads (the list and the open popup use it). */
export function featureKey(name, entry) {
  if (isCluster(entry.props)) {
    const where = entry.props.cell || `${entry.latlng.lat.toFixed(5)},${entry.latlng.lng.toFixed(5)}`;
    return `${name}:cluster:${markKind(entry.props)}:${where}`;
  }
  return name + ":" + entry.props.id;
}

export function recordUrl(config, name, id) {
  return config.recordUrls[RECORD_LAYERS[name].recordUrl].replace("{id}", encodeURIComponent(id));
}

/* The API address of one record (its popup reads every property from there). */
export function recordApiUrl(config, name, id) {
  return config.api[RECORD_LAYERS[name].endpoint] + encodeURIComponent(id) + "/";
}

export function areaUrl(config, code) {
  return config.recordUrls.areas.replace("{code}", encodeURIComponent(code));
}

/* The tile address of a record layer for the map's filters ({z}/{x}/{y} left to fill). */
export function tileUrl(name, state, config) {
  const query = layerQuery(state, config.filters, name);
  return config.api.tiles.replace("{layer}", RECORD_LAYERS[name].tiles) + (query ? "?" + query : "");
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
