/* Text for the map's popups, list, legend and status line, in the page's language.
 *
 * The words come from Django's JavaScript catalogue (/<lang>/jsi18n/, loaded before the map:
 * the globals gettext, ngettext and interpolate). Without it the map still works, in English. */

if (typeof globalThis.gettext !== "function") {
  globalThis.gettext = (text) => text;
  globalThis.ngettext = (singular, plural, count) => (count === 1 ? singular : plural);
  globalThis.interpolate = (format, values) =>
    format.replace(/%\((\w+)\)s/g, (match, name) => String(values[name]));
}

/* The page's language (<html lang>): "az", "ru" or "en". */
export const PAGE_LANGUAGE = (document.documentElement.lang || "en").slice(0, 2);

/* `format` with its %(name)s filled from `values`. */
export function fill(format, values) {
  return interpolate(format, values, true);
}

export function escapeHtml(text) {
  return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

export function formatNumber(value, decimals = 0) {
  if (value == null || isNaN(value)) return "—";
  const english = Number(value).toLocaleString("en-GB", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  // Written as the server writes them (Django's formats): 1,234.5 in English and 1 234,5
  // (a no-break space) in Azerbaijani and Russian, whatever the browser's own locale data.
  if (PAGE_LANGUAGE === "en") return english;
  return english.replace(/[,.]/g, (mark) => (mark === "," ? "\u00a0" : ","));
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
  return fill(gettext("%(killed)s killed, %(injured)s injured"), {
    killed: formatNumber(p.killed),
    injured: formatNumber(p.injured),
  });
}
