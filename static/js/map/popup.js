/* What a popup says about an area, a record or a cluster of incidents.
 *
 * Every value is escaped: properties come from the API, which takes them from editors. */

import { casualtyText, escapeHtml, fill, formatNumber, km2, label } from "./format.js";

const DEMO_LINE = `<span class="demo-tag">${escapeHtml(gettext("Demo record"))}</span>`;

function recordLink(url, text) {
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
}

function popupBody(title, lines, url) {
  return (
    `<strong>${title}</strong><br>` +
    lines.filter(Boolean).join("<br>") +
    (url ? `<br>${recordLink(url, gettext("Record page, sources and history"))}` : "")
  );
}

export function areaName(p) {
  return p.name || p.name_en || p.code; // the API gives `name` in the page's language
}

export function areaCode(p) {
  return p.code || p.iso_code || p.area;
}

export function areaTooltip(p) {
  return escapeHtml(areaName(p)) + ": " + formatNumber(p.hazard_km2, 1) + " km²";
}

/* The period a date filter sets, in words, or "" when the figures cover every date. */
export function periodText(start, end) {
  if (start && end) return fill(gettext("Records dated %(start)s to %(end)s"), { start, end });
  if (start) return fill(gettext("Records dated from %(start)s"), { start });
  if (end) return fill(gettext("Records dated up to %(end)s"), { end });
  return "";
}

export function areaPopup(p, url, period = "") {
  const rows = [
    [gettext("Hazard area still to release"), formatNumber(p.hazard_km2, 2) + " km²"],
    [gettext("Share of the area"), formatNumber(p.share_pct, 2) + " %"],
  ];
  if (p.released_cleared_km2 != null) {
    rows.push([gettext("Land cancelled"), formatNumber(p.released_cancelled_km2, 2) + " km²"]);
    rows.push([gettext("Land reduced"), formatNumber(p.released_reduced_km2, 2) + " km²"]);
    rows.push([gettext("Land cleared"), formatNumber(p.released_cleared_km2, 2) + " km²"]);
  }
  if (p.incidents != null) rows.push([gettext("Incidents"), formatNumber(p.incidents)]);
  if (p.killed != null) {
    rows.push([gettext("People killed / injured"), formatNumber(p.killed) + " / " + formatNumber(p.injured)]);
  }
  const table = rows.map(([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${value}</td></tr>`);
  return (
    `<strong>${recordLink(url, areaName(p))}</strong>` +
    (period ? `<br><span class="popup-period">${escapeHtml(period)}</span>` : "") +
    `<table class="popup-table">${table.join("")}</table>` +
    recordLink(url, gettext("Area page"))
  );
}

/* Lines about one record, by layer, as plain text: for the popup and the list beside the map. */
export const RECORD_LINES = {
  hazards: (p, labels) => [
    label(labels, "category", p.category) || gettext("Hazard area"),
    p.name,
    p.area_m2 != null ? km2(p.area_m2) : "", // the tiles (the list) leave the area out
    p.identified_on ? fill(gettext("Identified %(date)s"), { date: p.identified_on }) : "",
  ],
  releases: (p, labels) => [
    label(labels, "method", p.method) || gettext("Land release"),
    p.area_m2 != null ? km2(p.area_m2) : "",
    p.completed_on ? fill(gettext("Completed %(date)s"), { date: p.completed_on }) : "",
  ],
  incidents: (p, labels) => [
    fill(gettext("Incident on %(date)s"), { date: p.occurred_on || "" }),
    p.killed != null || p.injured != null ? casualtyText(p) : "",
    // "Unknown" twice says nothing: only what is known.
    p.device_type && p.device_type !== "unknown" ? label(labels, "device_type", p.device_type) : "",
    p.activity && p.activity !== "unknown"
      ? fill(gettext("Activity: %(activity)s"), { activity: label(labels, "activity", p.activity) })
      : "",
  ],
};

export function recordTitle(p, id) {
  return p.reference || fill(gettext("Record %(id)s"), { id });
}

export function recordPopup(layerName, feature, url, labels) {
  const p = feature.properties || {};
  const id = feature.id != null ? feature.id : p.id;
  const lines = RECORD_LINES[layerName](p, labels).filter(Boolean).map(escapeHtml);
  if (p.is_demo) lines.push(DEMO_LINE);
  return popupBody(recordLink(url, recordTitle(p, id)), lines, url);
}

/* What a mark's records share: the category of hazard areas, the method of land releases. */
export function markKindLabel(name, p, labels) {
  return name === "hazards" ? label(labels, "category", p.category) : label(labels, "method", p.method);
}

/* A mark of several small hazard areas or land releases, far out: how many, of what kind. */
export function markPopup(name, p, counted, labels) {
  const kind = markKindLabel(name, p, labels);
  const lines = [kind && escapeHtml(kind), p.is_demo ? DEMO_LINE : ""].filter(Boolean);
  return (
    `<strong>${escapeHtml(fill(counted(p.count), { count: formatNumber(p.count) }))}</strong><br>` +
    (lines.length ? lines.join("<br>") + "<br>" : "") +
    `<button type="button" class="popup-zoom">${escapeHtml(gettext("Zoom in to see each record"))}</button>`
  );
}

export function clusterPopup(p, singleUrl) {
  if (p.count === 1 && singleUrl) {
    return popupBody(recordLink(singleUrl, gettext("One incident")), [casualtyText(p)], singleUrl);
  }
  return (
    `<strong>${escapeHtml(fill(ngettext("%(count)s incident", "%(count)s incidents", p.count), { count: formatNumber(p.count) }))}</strong><br>` +
    escapeHtml(casualtyText(p)) +
    `<br><button type="button" class="popup-zoom">${escapeHtml(gettext("Zoom in to see each incident"))}</button>`
  );
}
