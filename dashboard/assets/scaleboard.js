/* Scaleboard in the browser: the clientside callbacks of the frame (document title,
   the filters' toggle on a narrow screen, every chart's table of values), one fix of
   the keyboard order of Dash's dropdowns and Escape on a KPI's definition. Served as a
   file: the page's Content-Security-Policy allows it ('self'). */
(function () {
  "use strict";

  /* ---- the table of values of a chart (its text alternative) ---- */

  const DTYPES = {
    f8: Float64Array, f4: Float32Array, i1: Int8Array, i2: Int16Array, i4: Int32Array,
    u1: Uint8Array, u2: Uint16Array, u4: Uint32Array, u1c: Uint8ClampedArray,
  };

  /* plotly.py sends numeric arrays as {dtype, bdata} (base64); plain arrays stay. */
  function values(array) {
    if (array === undefined || array === null) { return []; }
    if (Array.isArray(array)) { return array; }
    if (typeof array === "object" && array.bdata !== undefined && DTYPES[array.dtype]) {
      const bytes = Uint8Array.from(atob(array.bdata), (c) => c.charCodeAt(0));
      return Array.from(new DTYPES[array.dtype](bytes.buffer));
    }
    return [];
  }

  /* Texts in figures are escaped for plotly (`&lt;`); a table shows them as text. */
  function unescaped(text) {
    return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function axisOf(layout, name) {
    return (layout && layout[name]) || {};
  }

  function axisTitle(axis, fallback) {
    const title = axis.title;
    const text = title && (typeof title === "string" ? title : title.text);
    return text ? unescaped(text) : fallback;
  }

  function shown(value, axis) {
    if (value === null || value === undefined || (typeof value === "number" && isNaN(value))) {
      return "";
    }
    if (typeof value !== "number") { return unescaped(value); }
    if (String(axis.tickformat || "").includes("%")) {
      return (value * 100).toLocaleString("en", { maximumFractionDigits: 1 }) + "%";
    }
    const prefix = axis.tickprefix || "";
    return prefix + value.toLocaleString("en", { maximumFractionDigits: 2 });
  }

  function isShown(trace) {
    return trace.visible !== false && trace.visible !== "legendonly" && trace.hoverinfo !== "skip";
  }

  /* [series, category, value] rows of one trace, by its orientation. */
  function traceRows(trace, layout) {
    const name = unescaped(trace.name || "");
    if (trace.type === "pie") {
      const labels = values(trace.labels);
      return values(trace.values).map((v, i) => [name, unescaped(labels[i]), shown(v, {})]);
    }
    const horizontal = trace.orientation === "h" || (trace.type === "funnel" && trace.orientation !== "v");
    const xAxis = axisOf(layout, "xaxis" + String(trace.xaxis || "x").slice(1));
    const yAxis = axisOf(layout, "yaxis" + String(trace.yaxis || "y").slice(1));
    const [categories, amounts, axis] = horizontal
      ? [values(trace.y), values(trace.x), xAxis]
      : [values(trace.x), values(trace.y), yAxis];
    return amounts.map((v, i) => [name, shown(categories[i], {}), shown(v, axis)]);
  }

  function genericTable(figure) {
    const layout = figure.layout || {};
    const traces = (figure.data || []).filter(isShown);
    const horizontal = traces.some((t) => t.orientation === "h" || t.type === "funnel");
    const xAxis = axisOf(layout, "xaxis");
    const yAxis = axisOf(layout, "yaxis");
    const category = axisTitle(horizontal ? yAxis : xAxis, horizontal ? "Category" : "Month");
    const value = axisTitle(horizontal ? xAxis : yAxis, "Value");
    const rows = [].concat(...traces.map((t) => traceRows(t, layout)));
    const named = new Set(rows.map((r) => r[0])).size > 1 || (rows.length && rows[0][0]);
    return named
      ? { columns: ["Series", category, value], rows: rows }
      : { columns: [category, value], rows: rows.map((r) => r.slice(1)) };
  }

  function component(type, props, children) {
    return { type: type, namespace: "dash_html_components", props: Object.assign({ children: children }, props) };
  }

  /* Rows of a table of values at most (each cell is a Dash component): the safety net
     under the figures' own choices, see `values` in dashboard/components/__init__.py. */
  const MAX_ROWS = 250;

  function table(spec) {
    if (!spec.rows.length) {
      return component("P", { className: "small text-muted mb-0" }, "No values.");
    }
    const head = component("Thead", {}, component("Tr", {}, spec.columns.map(
      (c) => component("Th", { scope: "col" }, c))));
    const rows = spec.rows.slice(0, MAX_ROWS).map((r) => component("Tr", {}, r.map(
      (cell) => component("Td", {}, cell))));
    const left = spec.rows.length - MAX_ROWS;
    if (left > 0) {
      rows.push(component("Tr", {}, component("Td", { colSpan: spec.columns.length },
        "... and " + left.toLocaleString("en") + " more values, not listed here")));
    }
    const body = component("Tbody", {}, rows);
    return component("Table", { className: "table table-sm mb-0" }, [head, body]);
  }

  /* ---- the clientside callbacks ---- */

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.scaleboard = {
    setTitle: function (title) {
      if (title) { document.title = title; }
    },
    toggleFilters: function (clicks, isOpen) {
      const open = !isOpen;
      return [open, String(open)];
    },
    countFilters: function () {
      const set = Array.from(arguments).filter(
        (v) => v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length));
      return set.length ? "(" + set.length + " set)" : "";
    },
    /* Built once the details are opened (a click or a key on their summary), then
       again with each new figure. */
    figureTable: function (figure, opened) {
      if (!figure || !opened) { return window.dash_clientside.no_update; }
      const meta = figure.layout && figure.layout.meta;
      return table(meta && meta.values ? meta.values : genericTable(figure));
    },
  };

  /* ---- Dash's dropdown: the button is the tab stop ----
     Dash 4's dropdown puts a hidden (aria-hidden) proxy input in the Tab order that hands
     focus on to the dropdown's button. A focusable element hidden from screen readers is
     a serious fault (axe: aria-hidden-focus): the button itself takes the Tab stop here,
     and the proxy leaves the order, also after the dropdown puts it back on blur. */
  function fixDropdown(proxy) {
    if (proxy.tabIndex !== -1) { proxy.tabIndex = -1; }
    const button = proxy.nextElementSibling;
    if (button && button.classList.contains("dash-dropdown") && !button.disabled && button.tabIndex !== 0) {
      button.tabIndex = 0;
    }
  }

  function fixDropdowns(root) {
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(fixDropdown);
  }

  function watch() {
    fixDropdowns(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        const node = change.target;
        if (change.type === "attributes") {
          if (node.classList && node.classList.contains("dash-dropdown-focus-target")) { fixDropdown(node); }
          if (node.classList && node.classList.contains("dash-dropdown")) {
            const proxy = node.previousElementSibling;
            if (proxy && proxy.classList.contains("dash-dropdown-focus-target")) { fixDropdown(proxy); }
          }
        } else if (node.querySelectorAll) {
          fixDropdowns(node);
        }
      });
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["tabindex"] });
  }

  /* ---- a definition under a KPI label: Escape hides it until focus and pointer leave ---- */

  const SHOWING = ".kpi-label:hover, .kpi-label:focus-within";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll(SHOWING).forEach(function (label) {
      label.classList.add("definition-dismissed");
    });
  });

  function undismiss(event) {
    const label = event.target.closest && event.target.closest(".definition-dismissed");
    if (!label) { return; }
    window.setTimeout(function () {
      if (!label.matches(SHOWING)) { label.classList.remove("definition-dismissed"); }
    }, 0);
  }
  document.addEventListener("focusout", undismiss);
  document.addEventListener("mouseout", undismiss);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
