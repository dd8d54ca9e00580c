"""Fault-injection points: the steps of a load, where the fault suite kills it.

With `SCALEBOARD_KILL_AT=<step>` in its environment, a load kills itself with SIGKILL (what
`kill -9` does: no cleanup at all) when it reaches that step; `tests/etl/test_faults.py`
checks that a kill at each step leaves the database exactly as before or as after the load.
Unset, a step costs one environment lookup.
"""

from __future__ import annotations

import os
import signal

STEPS = (
    "locked",  # the load lock is held, nothing written yet
    "started",  # the `started` line is in the audit log
    "copied",  # PATH.next is a copy of the current release
    "file_loaded",  # a file is loaded into PATH.next (events: its Parquet file written)
    "finished",  # PATH.next is complete, checkpointed and closed
    "release_kept",  # the current release is linked into PATH.releases/
    "switched",  # PATH.next is the current release; the audit line is not written yet
    "audited",  # the `committed` line is in the audit log; the lock is still held
)


def reached(step: str) -> None:
    """Marks that a load reached `step` (one of STEPS)."""
    if os.environ.get("SCALEBOARD_KILL_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)
