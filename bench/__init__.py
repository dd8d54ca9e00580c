"""Scaleboard's benchmarks: each figure next to a reference measured in the same run."""
