"""The `scaleboard` command: the one composition root that knows both the ETL and the dashboard."""
