"""A non-editable install works on its own: every SQL file (nested layers too) and every
default mapping ships with the package, and `scaleboard load --format focus` run from
outside the repository reads the packaged mappings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from etl.storage import open_reader
from tests.conftest import ROOT, write_csv

FOCUS = ROOT / "tests" / "etl" / "adapters" / "fixtures" / "focus" / "focus_2024-09_v2.csv"
PACKAGED = (
    ("etl/sql", "*.sql"),
    ("etl/adapters/mappings", "*.csv"),
    ("dashboard/sql", "*.sql"),
)
"""Package data: (folder, pattern) of the files that must be installed."""


@dataclass(frozen=True)
class Install:
    python: Path
    site: Path  # its site-packages
    elsewhere: Path  # a working directory outside the repository


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # Nothing of the repository may leak in: no PYTHONPATH, and never the repository as cwd.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    command = [str(a) for a in args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=env, timeout=600, check=False
    )


def _source_copy(target: Path) -> Path:
    """The project as pip sees it, copied, so that the build's `build/` and `*.egg-info`
    land in the copy and never in the repository."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in {p.rstrip("*") for p in packages}:
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    return target


def _venv(folder: Path) -> tuple[Path, Path]:
    """A fresh environment and its site-packages. `--system-site-packages` adds only the
    base interpreter's packages, so the test environment's own site-packages (the
    dependencies, pip and setuptools: no network needed) is added by a `.pth` line. A plain
    path line does not run that folder's `.pth` files: the editable install stays out."""
    venv = [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", folder]
    out = _run(*venv, cwd=folder.parent)
    assert out.returncode == 0, out.stderr
    python = folder / "bin" / "python"
    out = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder
    )
    assert out.returncode == 0, out.stderr
    site = Path(out.stdout.strip())
    (site / "outer_site_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python, site


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Install:
    """The project installed (not editable) from a copy into a fresh environment."""
    base = tmp_path_factory.mktemp("install")
    python, site = _venv(base / "venv")
    source = _source_copy(base / "source")
    pip = ["-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index"]
    out = _run(python, *pip, source, cwd=base)
    assert out.returncode == 0, out.stdout + out.stderr
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return Install(python, site, elsewhere)


def _load(install: Install, *args: str | Path) -> dict[str, Any]:
    scaleboard = install.python.parent / "scaleboard"
    out = _run(scaleboard, "load", "--json", *args, cwd=install.elsewhere)
    assert out.stdout, out.stderr
    return dict(json.loads(out.stdout))


def _packaged(base: Path) -> set[str]:
    return {
        str(path.relative_to(base))
        for folder, pattern in PACKAGED
        for path in (base / folder).rglob(pattern)
    }


@pytest.mark.slow
def test_an_installed_focus_load_reads_the_packaged_mappings(
    install: Install, tmp_path: Path
) -> None:
    db = tmp_path / "x.duckdb"
    initiatives = write_csv(
        tmp_path / "initiatives.csv",
        ("initiative_id", "name", "business_unit", "stage", "stage_entered_on"),
        [("AI-0001", "Bedrock assistant", "Ops", "Experimentation", "2024-06-01")],
    )
    assert _load(install, "--db", db, initiatives)["status"] == "loaded"
    focus = ["--format", "focus", "--initiative-tag", "initiative"]
    result = _load(install, "--db", db, *focus, FOCUS)
    assert result["status"] == "loaded", result
    assert (result["rows_read"], result["rows_loaded"], result["rows_unallocated"]) == (2, 1, 1)
    with open_reader(db) as con:
        mapped = con.execute(
            "select source_value, mapped_to from adapter_mappings "
            "where source_column = 'ServiceCategory / ChargeCategory' order by 1"
        ).fetchall()
    # both rows of focus_categories.csv that match: `AI and Machine Learning,*` and `Compute,*`
    assert mapped == [
        ("AI and Machine Learning / Usage", "compute"),
        ("Compute / Usage", "compute"),
    ]


@pytest.mark.slow
def test_the_install_has_every_sql_and_mapping_file_and_runs_from_them(
    install: Install,
) -> None:
    assert _packaged(ROOT) and _packaged(install.site) == _packaged(ROOT)
    assert any(p.startswith("etl/sql/adapters/focus/") for p in _packaged(install.site))
    code = (
        "import etl.adapters.base as b; print(b.__file__); "
        "print(b.default_mapping('focus_categories'))"
    )
    out = _run(install.python, "-c", code, cwd=install.elsewhere)
    assert out.returncode == 0, out.stderr
    module, mapping = (Path(line) for line in out.stdout.splitlines())
    assert module.is_relative_to(install.site) and mapping.is_relative_to(install.site)
    assert mapping.is_file()
