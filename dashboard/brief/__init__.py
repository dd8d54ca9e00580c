"""The one-page brief: the portfolio's KPIs, money at risk, funnel, trends, top alerts and
biggest movers for one set of filters, as a print-styled HTML page (`content` gathers the
figures, `page` writes the HTML, `render` prints it to PDF or PNG in headless Chromium).
`scaleboard report` and the portfolio page's "Export brief" both call `build_brief`."""
