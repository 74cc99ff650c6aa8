/* Reading the public API: every layer of the map is a GeoJSON FeatureCollection from it. */

function nextLink(collection) {
  if (typeof collection.next === "string") return collection.next;
  const next = (collection.links || []).find((link) => link.rel === "next");
  return next ? next.href : null;
}

async function errorMessage(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return body.detail || Object.values(body).join(" ");
  } catch (ignored) {
    return text || "The API answered " + response.status + ".";
  }
}

/* Fetch a FeatureCollection, following the API's pages up to `maxPages`.
 * Resolves to {features, matched, truncated}: `matched` is the API's count of every matching
 * feature, `truncated` says that pages were left unread. */
export async function fetchCollection(url, signal, maxPages = 20) {
  let features = [];
  let matched = null;
  let address = url;
  for (let page = 1; address; page += 1) {
    const response = await fetch(address, {
      signal,
      headers: { Accept: "application/geo+json, application/json" },
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    const collection = await response.json();
    features = features.concat(collection.features || []);
    if (matched == null && typeof collection.count === "number") matched = collection.count;
    address = nextLink(collection);
    if (address && page >= maxPages) return { features, matched, truncated: true };
  }
  return { features, matched, truncated: false };
}

/* One request per name at a time: starting a new one cancels the one before. */
export class Requests {
  constructor() {
    this.controllers = {};
  }

  start(name) {
    this.cancel(name);
    this.controllers[name] = new AbortController();
    return this.controllers[name].signal;
  }

  cancel(name) {
    if (this.controllers[name]) this.controllers[name].abort();
    delete this.controllers[name];
  }
}
