/* Links that reproduce the view: downloads of the filtered layers, the page's address, the
 * embed code, and the embed's link back to the full explorer. */

import { escapeHtml } from "./format.js";
import { layerQuery, stateQuery } from "./filters.js";
import { RECORD_LAYERS } from "./layers.js";

function downloadItem(name, state, config) {
  const base = config.api[RECORD_LAYERS[name].endpoint] + "?";
  const item = document.createElement("li");
  const link = (format, text) => {
    const a = document.createElement("a");
    a.href = base + layerQuery(state, config.filters, name, { format });
    a.textContent = text;
    return a;
  };
  item.append(RECORD_LAYERS[name].title + ": ", link("csv", "CSV"), " · ", link("geojson", "GeoJSON"));
  return item;
}

export function renderShare(state, config, map) {
  const query = stateQuery(state, config.filters, map);
  const downloads = document.getElementById("map-downloads");
  if (downloads) {
    const items = Object.keys(RECORD_LAYERS)
      .filter((name) => state.layers.includes(name))
      .map((name) => downloadItem(name, state, config));
    if (!items.length) {
      const none = document.createElement("li");
      none.textContent = gettext("Turn on a record layer to download it.");
      items.push(none);
    }
    downloads.replaceChildren(...items);
  }
  const share = document.getElementById("map-share");
  if (share) share.value = window.location.origin + config.pageUrl + "?" + query;
  const embed = document.getElementById("map-embed");
  if (embed) {
    embed.value =
      `<iframe src="${window.location.origin}${config.embedUrl}?${escapeHtml(query)}" ` +
      `width="100%" height="480" style="border:0" title="${escapeHtml(gettext("Mine Atlas map"))}" loading="lazy"></iframe>`;
  }
  const full = document.getElementById("embed-open-full");
  if (full) full.href = config.pageUrl + "?" + query;
}
