/* The legend of what the map shows now, built from the same colours as the layers. */

import { fill, formatNumber, label } from "./format.js";
import {
  CATEGORY_COLOURS,
  CHOROPLETH,
  CLUSTER_BELOW_ZOOM,
  INCIDENT_COLOUR,
  MARKS_BELOW_ZOOM,
  METHOD_COLOURS,
  NO_DATA,
} from "./layers.js";

function entry(colour, text, ...classes) {
  const item = document.createElement("li");
  const swatch = document.createElement("span");
  swatch.className = ["swatch", ...classes].join(" ");
  swatch.style.background = colour; // a style property, not an inline style attribute (CSP)
  item.append(swatch, text);
  return item;
}

function section(title, entries) {
  const heading = document.createElement("h3");
  heading.textContent = title;
  const list = document.createElement("ul");
  list.append(...entries);
  return [heading, list];
}

function choroplethEntries(limits, unit) {
  const entries = [entry(NO_DATA, gettext("none recorded"))];
  let lower = 0;
  for (let i = 0; i <= limits.length; i++) {
    const upper = limits[i];
    const from = i === 0 ? gettext("more than 0") : formatNumber(lower, 2);
    const text =
      upper == null
        ? "≥ " + formatNumber(lower, 2)
        : fill(gettext("%(from)s to under %(upper)s"), { from, upper: formatNumber(upper, 2) });
    entries.push(entry(CHOROPLETH[i], text + " " + unit));
    lower = upper;
  }
  return entries;
}

export function renderLegend(box, state, limits, labels, zoom) {
  const parts = [];
  if (state.layers.includes("areas")) {
    const share = state.measure === "share_pct";
    parts.push(
      ...section(
        share ? gettext("Share of each area that is hazardous") : gettext("Hazard area still to release, per area"),
        // xgettext:no-javascript-format ("% of" is no placeholder)
        choroplethEntries(limits, share ? gettext("% of the area") : "km²"),
      ),
    );
  }
  if (state.layers.includes("hazards")) {
    const entries = Object.entries(CATEGORY_COLOURS).map(([key, colour]) =>
      entry(colour, label(labels, "category", key)),
    );
    parts.push(...section(gettext("Hazardous areas"), entries));
  }
  if (state.layers.includes("releases")) {
    const entries = Object.entries(METHOD_COLOURS).map(([key, colour]) =>
      entry(colour, label(labels, "method", key), "swatch-dashed"),
    );
    parts.push(...section(gettext("Released land"), entries));
  }
  if ((state.layers.includes("hazards") || state.layers.includes("releases")) && zoom < MARKS_BELOW_ZOOM) {
    const note = document.createElement("p");
    note.className = "legend-note";
    note.textContent = gettext("Zoomed out, one dot can stand for several small areas nearby: its popup counts them.");
    parts.push(note);
  }
  if (state.layers.includes("incidents")) {
    parts.push(
      ...section(gettext("Incidents"), [
        entry(
          INCIDENT_COLOUR,
          fill(gettext("one incident (zoom %(zoom)s and closer)"), { zoom: CLUSTER_BELOW_ZOOM }),
          "swatch-round",
        ),
        entry(INCIDENT_COLOUR, gettext("several incidents nearby, counted"), "swatch-round", "swatch-large"),
      ]),
    );
  }
  box.replaceChildren(...parts);
}
