"""Scaleboard's ETL: the data contract, the loader into DuckDB, the marts and the metrics."""
