"""Scaleboard's Plotly Dash dashboard; `dashboard.app.create_app` builds it. No I/O at import."""
