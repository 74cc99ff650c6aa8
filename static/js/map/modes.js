/* The five kinds of map on the site, each described once: what it shows, where its state
 * lives, how it can be moved, where it looks first. index.js reads these; it asks no
 * `if (mode …)` of its own.
 *
 *   layers      the layers shown at first (the explorer's address may choose others)
 *   address     "read-write": the state is read from and written to the page's address;
 *               "read": read only (the embed); "none": the page's own map
 *   interactive the reader can pan and zoom (mouse, touch and keyboard)
 *   scrollZoom  the scroll wheel zooms (only where the map fills the page)
 *   fit         where the map looks first: "country", "area" (config.area), "record"
 *               (config.record); "country" gives way to a position in the address
 *   areaInfo    what a unit says when clicked or hovered: "popup" (its figures) or "tooltip"
 *   followView  the record layers reload as the map moves
 *   filters     filters fixed by the page (an area page shows only its area's records)
 *   form        the explorer's filter form drives the state
 */

const RECORDS = ["hazards", "releases", "incidents"];
const EVERYTHING = ["areas", ...RECORDS];

export const MODES = {
  explorer: {
    layers: EVERYTHING,
    address: "read-write",
    interactive: true,
    scrollZoom: true,
    fit: "country",
    areaInfo: "popup",
    followView: true,
    form: true,
  },
  embed: {
    layers: EVERYTHING,
    address: "read",
    interactive: true,
    scrollZoom: false, // inside another page, the wheel scrolls that page
    fit: "country",
    areaInfo: "popup",
    followView: true,
  },
  teaser: {
    layers: ["areas"],
    address: "none",
    interactive: false,
    fit: "country",
    areaInfo: "tooltip",
    followView: false,
  },
  area: {
    layers: RECORDS,
    address: "none",
    interactive: true,
    fit: "area",
    areaInfo: "popup",
    followView: true,
    filters: (config) => ({ area: config.area || "" }),
  },
  record: {
    layers: RECORDS,
    address: "none",
    interactive: true,
    fit: "record",
    areaInfo: "popup",
    followView: true,
  },
};
