"""What a load reports: per file and in total (the `load --json` summary of CONTRACT.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class FileResult:
    path: str
    entity: str
    sha256: str
    format: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_unallocated: int = 0
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)
    reconciliation: list[dict[str, Any]] | None = None
    """Cost exports only: where the cost column went, per billing period and currency."""
    inputs: list[FileResult] = field(default_factory=list)
    """For a folder of keyed user-months (`aggregate-events`): each event file it was made
    of, recorded in `load_files` as if loaded itself."""

    def to_json(self) -> dict[str, Any]:
        """A file's summary; `reconciliation` and `inputs` only for the files that have
        them."""
        shown = asdict(self)
        if shown["reconciliation"] is None:
            del shown["reconciliation"]
        if not self.inputs:
            del shown["inputs"]
        return shown


@dataclass
class LoadResult:
    status: str
    load_id: int | None
    files: list[FileResult] = field(default_factory=list)
    rows_skipped: int = 0
    error: str | None = None
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    """About the load as a whole (an audit log repaired or not written), not one file."""

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def rows_unallocated(self) -> int:
        return sum(f.rows_unallocated for f in self.files)

    @property
    def exit_code(self) -> int:
        return {"loaded": 0, "loaded_with_rejects": 1}.get(self.status, 2)

    def to_json(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "status": self.status,
            "load_id": self.load_id,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "rows_unallocated": self.rows_unallocated,
            "files": [f.to_json() for f in self.files],
        }
        if self.warnings:
            summary["warnings"] = list(self.warnings)
        if self.error is not None:
            summary["error"] = self.error
        return summary
