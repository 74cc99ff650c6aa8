/* The map's state (layers, shading measure, filters) and where it is kept: the page's address
 * and the explorer's form.
 *
 * The filters themselves are the server's (config.filters, from contamination/maps.py): their
 * names, their choices, and which layers take each under which API parameter. Nothing here
 * lists them again.
 *
 * The address holds the whole view: ?lat=&lng=&z= (position), layers=, measure= and the
 * filters under their own names. A filter or layer change adds a history entry (the back button
 * undoes it); panning and zooming replace the current entry, so a copied link always reopens
 * the view on screen.
 */

import { fill, PAGE_LANGUAGE } from "./format.js";

export const LAYERS = ["areas", "hazards", "releases", "incidents"];
export const MEASURES = ["hazard_km2", "share_pct"];

export function emptyFilters(filters) {
  return Object.fromEntries(filters.map((filter) => [filter.name, ""]));
}

export function readState(search, filters, defaultLayers = LAYERS) {
  const params = new URLSearchParams(search);
  const layers = params.has("layers")
    ? params.get("layers").split(",").filter((name) => LAYERS.includes(name))
    : defaultLayers.slice();
  const values = emptyFilters(filters);
  filters.forEach((filter) => {
    values[filter.name] = (params.get(filter.name) || "").trim();
  });
  const lat = parseFloat(params.get("lat"));
  const lng = parseFloat(params.get("lng"));
  const zoom = parseFloat(params.get("z"));
  return {
    center: isFinite(lat) && isFinite(lng) ? [lat, lng] : null,
    zoom: isFinite(zoom) ? zoom : null,
    layers,
    measure: params.get("measure") === "share_pct" ? "share_pct" : "hazard_km2",
    filters: values,
  };
}

/* The address of a state; with a Leaflet map, its position too. */
export function stateQuery(state, filters, map) {
  const params = new URLSearchParams();
  if (map) {
    const center = map.getCenter();
    params.set("lat", center.lat.toFixed(4));
    params.set("lng", center.lng.toFixed(4));
    params.set("z", String(map.getZoom()));
  }
  if (state.layers.join(",") !== LAYERS.join(",")) params.set("layers", state.layers.join(","));
  if (state.measure !== "hazard_km2") params.set("measure", state.measure);
  filters.forEach((filter) => {
    if (state.filters[filter.name]) params.set(filter.name, state.filters[filter.name]);
  });
  return params.toString();
}

/* The API query of one layer: only the filters its endpoint takes, under the endpoint's names. */
export function layerQuery(state, filters, layer, extra = {}) {
  const params = new URLSearchParams();
  filters.forEach((filter) => {
    const parameter = filter.layers[layer];
    if (parameter && state.filters[filter.name]) params.set(parameter, state.filters[filter.name]);
  });
  Object.entries(extra).forEach(([name, value]) => params.set(name, value));
  return params.toString();
}

/* Months from the first to the last date any record carries: the time slider's steps. */
function monthsBetween(firstOn, lastOn) {
  if (!firstOn || !lastOn) return [];
  const first = new Date(firstOn + "T00:00:00Z");
  const last = new Date(lastOn + "T00:00:00Z");
  const months = [];
  let y = first.getUTCFullYear();
  let m = first.getUTCMonth();
  while (y < last.getUTCFullYear() || (y === last.getUTCFullYear() && m <= last.getUTCMonth())) {
    months.push([y, m]);
    m += 1;
    if (m === 12) {
      m = 0;
      y += 1;
    }
  }
  return months;
}

/* The "show records up to" slider: it sets the `end` filter to the last day of a month. */
class DateSlider {
  constructor(slider, output, config) {
    this.slider = slider;
    this.output = output;
    this.months = monthsBetween(config.firstOn, config.lastOn);
  }

  endOf(index) {
    const month = this.months[index];
    if (!month) return "";
    return new Date(Date.UTC(month[0], month[1] + 1, 0)).toISOString().slice(0, 10);
  }

  indexOf(end) {
    const found = this.months.findIndex(
      ([y, m]) => end && end.slice(0, 7) === y + "-" + String(m + 1).padStart(2, "0"),
    );
    return found >= 0 ? found : this.months.length - 1;
  }

  write(end) {
    if (!this.months.length) return;
    this.slider.min = "0";
    this.slider.max = String(this.months.length - 1);
    this.slider.value = String(this.indexOf(end));
    this.slider.disabled = false;
    this.label(end);
  }

  label(end) {
    const month = this.months[Number(this.slider.value)];
    const text = month
      ? new Date(Date.UTC(month[0], month[1], 1)).toLocaleDateString(PAGE_LANGUAGE === "en" ? "en-GB" : PAGE_LANGUAGE, {
          month: "long",
          year: "numeric",
          timeZone: "UTC",
        })
      : "";
    const isLast = Number(this.slider.value) === Number(this.slider.max) && !end;
    this.output.textContent = isLast
      ? gettext("all dates")
      : fill(gettext("up to the end of %(month)s"), { month: text });
    this.slider.setAttribute("aria-valuetext", this.output.textContent);
  }
}

/* The explorer's form: it shows the state and reports the reader's changes to `onChange`. */
export class FilterForm {
  constructor(form, filters, config, onChange) {
    this.form = form;
    this.filters = filters;
    this.onChange = onChange;
    const slider = document.getElementById("time-slider");
    const output = document.getElementById("time-slider-value");
    this.slider = slider && output ? new DateSlider(slider, output, config) : null;
    this.bind();
  }

  bind() {
    this.form.addEventListener("change", (event) => {
      if (this.slider && event.target === this.slider.slider) return; // handled on input
      this.onChange(event.target.name);
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.onChange(null);
    });
    if (this.slider) {
      let timer = null;
      this.slider.slider.addEventListener("input", () => {
        const end = this.slider.endOf(Number(this.slider.slider.value));
        if (this.form.elements.end) this.form.elements.end.value = end;
        this.slider.label(end);
        clearTimeout(timer);
        timer = setTimeout(() => this.onChange("end"), 250);
      });
    }
    const reset = document.getElementById("map-reset");
    if (reset) {
      reset.addEventListener("click", (event) => {
        event.preventDefault();
        this.onChange("reset");
      });
    }
  }

  write(state) {
    const elements = this.form.elements;
    this.filters.forEach((filter) => {
      if (elements[filter.name]) elements[filter.name].value = state.filters[filter.name] || "";
    });
    LAYERS.forEach((name) => {
      const box = this.form.querySelector(`input[name="layer"][value="${name}"]`);
      if (box) box.checked = state.layers.includes(name);
    });
    const measure = this.form.querySelector(`input[name="measure"][value="${state.measure}"]`);
    if (measure) measure.checked = true;
    if (this.slider) this.slider.write(state.filters.end);
  }

  read(state) {
    const elements = this.form.elements;
    this.filters.forEach((filter) => {
      if (elements[filter.name]) state.filters[filter.name] = (elements[filter.name].value || "").trim();
    });
    state.layers = LAYERS.filter((name) => {
      const box = this.form.querySelector(`input[name="layer"][value="${name}"]`);
      return box ? box.checked : true;
    });
    const measure = this.form.querySelector('input[name="measure"]:checked');
    state.measure = measure && measure.value === "share_pct" ? "share_pct" : "hazard_km2";
    if (this.slider) this.slider.label(state.filters.end);
  }
}
