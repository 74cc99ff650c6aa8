/* Reading the public API: the boundaries as GeoJSON, the records as vector tiles (tiles.js),
 * one record's full properties for its popup.
 *
 * Every request goes through `fetchWithRetry`: a throttled (429) or failed (5xx, network)
 * request is tried again after a back-off (the server's Retry-After when it gives one), and
 * what finally fails is said in words a reader understands, not the framework's text. */

import { fill, PAGE_LANGUAGE } from "./format.js";

const RETRIED = new Set([429, 500, 502, 503, 504]);

function sleep(milliseconds, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, milliseconds);
    if (signal) {
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          reject(new DOMException(gettext("The request was cancelled."), "AbortError"));
        },
        { once: true },
      );
    }
  });
}

/* Seconds to wait before try `attempt` + 1: the server's Retry-After, else 1, 2, 4 … */
function backOff(response, attempt, maxDelaySeconds) {
  const asked = response ? Number(response.headers.get("Retry-After")) : NaN;
  const seconds = Number.isFinite(asked) && asked > 0 ? asked : 2 ** attempt;
  return Math.min(seconds, maxDelaySeconds) * 1000;
}

function failure(status) {
  if (status === 429) {
    return gettext(
      "The site is answering many requests just now. The map tried again; wait a minute, then move the map or reload the page.",
    );
  }
  if (status == null) return gettext("The site could not be reached. Check the connection, then reload the page.");
  return fill(gettext("The site could not answer (error %(status)s). Try again in a moment."), { status });
}

/* The API's own message for a request it refuses (400: it names the parameter). */
async function refusal(response) {
  try {
    const body = await response.json();
    if (body.detail) return String(body.detail);
    return Object.entries(body)
      .map(([name, problems]) => `${name}: ${[].concat(problems).join(" ")}`)
      .join(" ");
  } catch (ignored) {
    return fill(gettext("The site refused the request (error %(status)s)."), { status: response.status });
  }
}

/* fetch(), tried again on throttling and failures. `retry` = {attempts, maxDelaySeconds}
 * (from the page's config); `onRetry(status)` is told of each new try. */
export async function fetchWithRetry(url, { signal, accept, retry = {}, onRetry } = {}) {
  const attempts = retry.attempts || 4;
  const maxDelaySeconds = retry.maxDelaySeconds == null ? 30 : retry.maxDelaySeconds;
  for (let attempt = 0; ; attempt += 1) {
    let response = null;
    try {
      // The API's names and labels in the page's language (it reads Accept-Language).
      const headers = { Accept: accept || "application/json", "Accept-Language": PAGE_LANGUAGE };
      response = await fetch(url, { signal, headers });
    } catch (error) {
      if (error.name === "AbortError") throw error;
    }
    if (response && response.ok) return response;
    const status = response ? response.status : null;
    if (response && !RETRIED.has(status)) throw new Error(await refusal(response));
    if (attempt + 1 >= attempts) throw new Error(failure(status));
    if (onRetry) onRetry(status);
    await sleep(backOff(response, attempt, maxDelaySeconds), signal);
  }
}

/* A whole FeatureCollection (the boundaries: one page, never capped). */
export async function fetchCollection(url, signal, retry) {
  const response = await fetchWithRetry(url, { signal, retry, accept: "application/geo+json" });
  const collection = await response.json();
  return { features: collection.features || [] };
}

/* One record as a GeoJSON Feature, with every property the popup shows. */
export async function fetchRecord(url, signal, retry) {
  const response = await fetchWithRetry(url, { signal, retry, accept: "application/geo+json" });
  return response.json();
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
