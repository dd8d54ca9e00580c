"""The staging and mart models: every SQL file is declared with what it reads, built after
it, and staging reads sources only (never a mart)."""

from __future__ import annotations

import re

from etl.marts import MODELS, build_order
from etl.sql_files import layer_names, sql_text

SOURCES = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)


def _reads(layer: str, name: str) -> set[str]:
    """The relations a model's SQL names after `from` or `join` (its own CTEs left out)."""
    text = sql_text(layer, name)
    ctes = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s+as\s*\(", text))
    return {r for r in SOURCES.findall(text) if r not in ctes}


def test_every_sql_file_is_declared_once() -> None:
    for layer in ("staging", "marts"):
        declared = [name for name, _ in MODELS[layer]]
        assert sorted(declared) == layer_names(layer)
    assert len(build_order()) == len(set(build_order()))


def test_every_model_is_built_after_the_models_it_reads() -> None:
    built: set[str] = set()
    models = {name for layer in MODELS.values() for name, _ in layer}
    for layer, name in build_order():
        declared = dict(MODELS[layer])[name]
        read_models = _reads(layer, name) & models
        assert read_models == set(declared), f"{name} reads {read_models}, declares {declared}"
        assert set(declared) <= built, f"{name} is built before {set(declared) - built}"
        built.add(name)


def test_staging_reads_sources_never_marts() -> None:
    for name, _ in MODELS["staging"]:
        assert not {r for r in _reads("staging", name) if r.startswith("mart_")}, name
