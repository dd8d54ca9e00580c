"""Controllers: what a page shows for one request (URL query string -> component values).

Each view takes a `Reader` (one committed state) and the query string, and calls the
queries, figures and components. Callbacks in `pages/` only open a reader and call a view.
"""
