// Value formatters of the dashboard's grids; they mirror dashboard/formatting.py.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

dagfuncs.sbMissing = function (value) {
  return value === null || value === undefined || (typeof value === "number" && isNaN(value));
};

dagfuncs.sbPercent = function (value) {
  if (dagfuncs.sbMissing(value)) return "—";
  var text = (value * 100).toFixed(1);
  return (text === "-0.0" ? "0.0" : text) + "%";
};

dagfuncs.sbNumber = function (value, digits) {
  if (dagfuncs.sbMissing(value)) return "—";
  return Number(value).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
};

dagfuncs.sbMoney = function (value, currency) {
  if (dagfuncs.sbMissing(value)) return "—";
  var symbols = { USD: "$", EUR: "€", GBP: "£" };
  var prefix = symbols[currency] || currency + " ";
  var amount = Math.abs(value);
  var sign = value < 0 && Math.round(amount * 100) > 0 ? "-" : "";
  var sig3 = function (x) {
    return x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0);
  };
  var sizes = [["B", 1e9], ["M", 1e6], ["K", 1e3]];
  if (Math.round(amount * 100) / 100 < 1000) return sign + prefix + amount.toFixed(2);
  var i = 2;
  for (var k = 0; k < sizes.length; k++) {
    if (amount >= sizes[k][1]) { i = k; break; }
  }
  var text = sig3(amount / sizes[i][1]);
  if (Number(text) >= 1000) {
    if (i === 0) return sign + prefix + Math.round(amount / 1e9).toLocaleString("en-US") + "B";
    i -= 1;
    text = sig3(amount / sizes[i][1]);
  }
  return sign + prefix + text + sizes[i][0];
};

var dagcomponentfuncs = (window.dashAgGridComponentFunctions =
  window.dashAgGridComponentFunctions || {});

// A link to the initiative page that keeps the page's filters (cellRendererParams.search).
dagcomponentfuncs.InitiativeLink = function (props) {
  var search = (props.colDef.cellRendererParams || {}).search || "";
  return React.createElement(
    "a",
    { href: "/initiatives/" + encodeURIComponent(props.value) + search },
    props.value
  );
};

// A cell of a CSV export (csvExportParams.processCellCallback): the rule of csv_cell in
// dashboard/components/tables.py. Text that starts like a formula gets a leading quote; a
// number is a numeric cell and is written as it is (raw, not formatted: -12.5, never "-$12.50").
dagfuncs.sbCsvCell = function (params) {
  var value = params.value;
  if (value === null || value === undefined) return "";
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(value)) return "'" + value;
  return value;
};
