/* Text for the map's popups, list, legend and status line. */

export function escapeHtml(text) {
  return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

export function formatNumber(value, decimals = 0) {
  if (value == null || isNaN(value)) return "—";
  return Number(value).toLocaleString("en-GB", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

export function km2(m2) {
  if (m2 == null) return "—";
  const value = m2 / 1e6;
  return formatNumber(value, value < 1 ? 3 : 2) + " km²";
}

// A coded value in words, from the labels the server sends (the models' choices).
export function label(labels, kind, value) {
  return (labels[kind] || {})[value] || value || "";
}

export function casualtyText(p) {
  return formatNumber(p.killed) + " killed, " + formatNumber(p.injured) + " injured";
}
