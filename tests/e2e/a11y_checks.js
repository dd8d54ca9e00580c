// The DOM checks of test_a11y.py, injected into a page as window.a11yChecks.
window.a11yChecks = (function () {
  "use strict";

  function describe(el) {
    const name = String(el.className && el.className.baseVal !== undefined
      ? el.className.baseVal : el.className).slice(0, 50);
    return `${el.tagName.toLowerCase()}#${el.id}.${name}`;
  }

  function isShown(el) {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  }

  function inScrollContainer(el) {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) {
        return true;
      }
    }
    return false;
  }

  /* Elements reaching past the screen's edges outside a scroll container. */
  function overflowing() {
    const width = window.innerWidth;
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (!isShown(el)) { continue; }
      const box = el.getBoundingClientRect();
      if (box.right <= 0) { continue; }  // out of sight on purpose (plotly's text measurer)
      if ((box.right > width + 1 || box.left < -1) && !inScrollContainer(el)) {
        wide.push(`${describe(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
      }
    }
    return { wide: wide.slice(0, 10), page: document.documentElement.scrollWidth, width: width };
  }

  const TEXTS = [
    "#app-filters label",
    "#app-filters .dash-dropdown-value",
    "#app-filters .dash-dropdown-placeholder",
    ".dash-graph .main-svg text",
    ".dash-graph .main-svg tspan",
  ].join(", ");

  /* Texts of the filter bar and the charts that are clipped, shortened with an ellipsis
     (without the whole text in a title), or drawn past their chart's edges. */
  function cutText() {
    const cut = [];
    for (const el of document.querySelectorAll(TEXTS)) {
      const text = el.textContent.trim();
      if (!text || !isShown(el)) { continue; }
      const named = `${describe(el)} in #${el.closest("[id]").id}: ${text.slice(0, 60)}`;
      const titled = el.closest("[title]") || el.querySelector("title");
      if ((text.endsWith("…") || text.endsWith("...")) && !titled) {
        cut.push("ellipsis " + named);
      }
      if (el instanceof SVGElement) {
        const chart = el.closest(".dash-graph").getBoundingClientRect();
        const box = el.getBoundingClientRect();
        if (box.left < chart.left - 1 || box.right > chart.right + 1) {
          cut.push("past its chart " + named);
        }
      } else if (el.scrollWidth > el.clientWidth + 1) {
        cut.push("clipped " + named);
      }
    }
    return cut;
  }

  /* From now on, records every element the focus enters, in order, with whether it shows
     a focus ring (an outline of 2 px or more, or a box shadow). */
  function recordFocus() {
    window.a11yTabbed = [];
    window.a11yTabSeq = window.a11yTabSeq || 0;
    if (window.a11yListening) { return; }
    window.a11yListening = true;
    document.addEventListener("focusin", function (event) {
      const el = event.target;
      if (!el.dataset) { return; }
      if (!el.dataset.tabSeen) { el.dataset.tabSeen = String(++window.a11yTabSeq); }
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
        || style.boxShadow !== "none";
      window.a11yTabbed.push({ key: el.dataset.tabSeen, ring: ring, name: describe(el) });
    });
  }

  const CONTROLS = "a[href], button, input, select, textarea, summary, [tabindex]";

  /* The visible controls in the Tab order that the focus never entered. A grid (AG Grid)
     is one stop of the Tab order, its cells and filters reached by the arrow keys (the
     ARIA grid pattern): once the focus was in a grid, the rest of it counts as reached. */
  function unreached() {
    const out = [];
    for (const el of document.querySelectorAll(CONTROLS)) {
      if (el.disabled || el.type === "hidden" || el.tabIndex < 0 || !isShown(el)) { continue; }
      if (el.closest("[inert]") || el.dataset.tabSeen) { continue; }
      const grid = el.closest(".ag-root");
      if (grid && grid.querySelector("[data-tab-seen]")) { continue; }
      out.push(describe(el));
    }
    return out;
  }

  return { overflowing, cutText, recordFocus, unreached };
})();
