/* The records in view, as a list beside the map: every record can be reached and opened from
 * the keyboard (WCAG 2.1.1), and screen-reader users get the map's content as text.
 *
 * The map rebuilds the list whenever it moves or its records reload. Focusing an item
 * highlights its feature on the map; activating it (Enter, Space or a click) opens its popup
 * and moves the focus into it; closing the popup (Escape) brings the focus back. */

import { fill, formatNumber } from "./format.js";

export const MOST_ITEMS = 200; // a longer list is no help: past it, the note says to zoom in

export class RecordList {
  constructor(container, { onOpen, onFocus, onBlur }) {
    this.container = container;
    this.note = document.createElement("p");
    this.note.className = "record-list-note";
    this.items = document.createElement("ul");
    this.items.className = "map-record-list";
    container.append(this.note, this.items);
    this.items.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-key]");
      if (button) onOpen(button.dataset.key);
    });
    this.items.addEventListener("focusin", (event) => {
      const button = event.target.closest("button[data-key]");
      if (button) onFocus(button.dataset.key);
    });
    this.items.addEventListener("focusout", (event) => {
      const button = event.target.closest("button[data-key]");
      if (button) onBlur(button.dataset.key);
    });
  }

  /* entries: [{key, title, detail}] in the order to list them. */
  render(entries, loading = false) {
    const focused = this.container.contains(document.activeElement)
      ? document.activeElement.dataset.key
      : null;
    const shown = entries.slice(0, MOST_ITEMS);
    this.items.replaceChildren(
      ...shown.map((entry) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.key = entry.key;
        const title = document.createElement("strong");
        title.textContent = entry.title;
        button.append(title);
        if (entry.detail) {
          const detail = document.createElement("span");
          detail.textContent = entry.detail;
          button.append(" ", detail);
        }
        item.append(button);
        return item;
      }),
    );
    if (loading) this.note.textContent = gettext("Loading the records in view…");
    else if (!entries.length) this.note.textContent = gettext("No record in view. Zoom out or change the filters.");
    else if (entries.length > shown.length) {
      this.note.textContent = fill(
        gettext("The first %(shown)s of %(count)s records in view. Zoom in or filter to list the others."),
        { shown: formatNumber(shown.length), count: formatNumber(entries.length) },
      );
    } else {
      this.note.textContent = fill(gettext("%(count)s in view, as on the map."), {
        count: formatNumber(entries.length),
      });
    }
    // A reload keeps the reader's place: the same record keeps the focus.
    if (focused) this.focus(focused);
  }

  focus(key) {
    const button = this.items.querySelector(`button[data-key="${CSS.escape(key)}"]`);
    if (button) button.focus({ preventScroll: false });
    return Boolean(button);
  }
}
