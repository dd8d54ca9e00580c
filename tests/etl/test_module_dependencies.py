"""The loader depends on the adapter path, never the other way round (no import cycle)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ETL = Path(__file__).resolve().parents[2] / "etl"


def _imported(path: Path) -> set[str]:
    """Every module a file imports, at any level (TYPE_CHECKING blocks and functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_load_adapted_does_not_import_the_loader() -> None:
    assert not {"etl.loader", "etl.loader.Loader", "etl.load"} & _imported(ETL / "load_adapted.py")


def test_the_adapters_do_not_import_the_loader() -> None:
    for path in sorted((ETL / "adapters").glob("*.py")):
        assert not {"etl.loader", "etl.load", "etl.load_adapted"} & _imported(path), path.name


def test_importing_the_adapter_path_leaves_the_loader_unloaded() -> None:
    code = "import sys, etl.load_adapted; print('etl.loader' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"
