/* What a popup says about an area, a record or a cluster of incidents.
 *
 * Every value is escaped: properties come from the API, which takes them from editors. */

import { casualtyText, escapeHtml, formatNumber, km2, label } from "./format.js";

const DEMO_LINE = '<span class="demo-tag">Demo record</span>';

function recordLink(url, text) {
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
}

function popupBody(title, lines, url) {
  return (
    `<strong>${title}</strong><br>` +
    lines.filter(Boolean).join("<br>") +
    (url ? `<br>${recordLink(url, "Record page, sources and history")}` : "")
  );
}

export function areaName(p) {
  return p.name_en || p.name || p.code;
}

export function areaCode(p) {
  return p.code || p.iso_code || p.area;
}

export function areaTooltip(p) {
  return escapeHtml(areaName(p)) + ": " + formatNumber(p.hazard_km2, 1) + " km²";
}

/* The period a date filter sets, in words, or "" when the figures cover every date. */
export function periodText(start, end) {
  if (start && end) return "Records dated " + start + " to " + end;
  if (start) return "Records dated from " + start;
  if (end) return "Records dated up to " + end;
  return "";
}

export function areaPopup(p, url, period = "") {
  const rows = [
    ["Hazard area still to release", formatNumber(p.hazard_km2, 2) + " km²"],
    ["Share of the area", formatNumber(p.share_pct, 2) + " %"],
  ];
  if (p.released_cleared_km2 != null) {
    rows.push(["Land cancelled", formatNumber(p.released_cancelled_km2, 2) + " km²"]);
    rows.push(["Land reduced", formatNumber(p.released_reduced_km2, 2) + " km²"]);
    rows.push(["Land cleared", formatNumber(p.released_cleared_km2, 2) + " km²"]);
  }
  if (p.incidents != null) rows.push(["Incidents", formatNumber(p.incidents)]);
  if (p.killed != null) {
    rows.push(["People killed / injured", formatNumber(p.killed) + " / " + formatNumber(p.injured)]);
  }
  const table = rows.map(([name, value]) => `<tr><th scope="row">${name}</th><td>${value}</td></tr>`);
  return (
    `<strong>${recordLink(url, areaName(p))}</strong>` +
    (period ? `<br><span class="popup-period">${escapeHtml(period)}</span>` : "") +
    `<table class="popup-table">${table.join("")}</table>` +
    recordLink(url, "Area page")
  );
}

/* Lines about one record, by layer, as plain text: for the popup and the list beside the map. */
export const RECORD_LINES = {
  hazards: (p, labels) => [
    label(labels, "category", p.category) || "Hazard area",
    p.name,
    p.area_m2 != null ? km2(p.area_m2) : "", // the tiles (the list) leave the area out
    p.identified_on ? "Identified " + p.identified_on : "",
  ],
  releases: (p, labels) => [
    label(labels, "method", p.method) || "Land release",
    p.area_m2 != null ? km2(p.area_m2) : "",
    p.completed_on ? "Completed " + p.completed_on : "",
  ],
  incidents: (p, labels) => [
    "Incident on " + (p.occurred_on || ""),
    p.killed != null || p.injured != null ? casualtyText(p) : "",
    // "Unknown" twice says nothing: only what is known.
    p.device_type && p.device_type !== "unknown" ? label(labels, "device_type", p.device_type) : "",
    p.activity && p.activity !== "unknown" ? "Activity: " + label(labels, "activity", p.activity) : "",
  ],
};

export function recordTitle(p, id) {
  return p.reference || "Record " + id;
}

export function recordPopup(layerName, feature, url, labels) {
  const p = feature.properties || {};
  const id = feature.id != null ? feature.id : p.id;
  const lines = RECORD_LINES[layerName](p, labels).filter(Boolean).map(escapeHtml);
  if (p.is_demo) lines.push(DEMO_LINE);
  return popupBody(recordLink(url, recordTitle(p, id)), lines, url);
}

export function clusterPopup(p, singleUrl) {
  if (p.count === 1 && singleUrl) {
    return popupBody(recordLink(singleUrl, "One incident"), [casualtyText(p)], singleUrl);
  }
  return (
    `<strong>${formatNumber(p.count)} incident${p.count === 1 ? "" : "s"}</strong><br>` +
    casualtyText(p) +
    '<br><button type="button" class="popup-zoom">Zoom in to see each incident</button>'
  );
}
