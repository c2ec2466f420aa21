"""How long saved consultations are kept: $NACM_ETHICS_RETENTION_DAYS days, or until deleted.

An agency's records policy (and commitment 18) may say how long supervision notes about a case
may be kept. With the setting, every consultation older than that many days is deleted for good,
with its notes, when the app opens the database and then at most once an hour while it runs.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Mapping

from .location import StorageError

RETENTION_VAR = "NACM_ETHICS_RETENTION_DAYS"
CHECK_EVERY_S = 3600
MAX_DAYS = 36_500


def retention_days(environ: Mapping[str, str] | None = None) -> int | None:
    """The configured number of days, or None to keep consultations until someone deletes them."""
    environ = os.environ if environ is None else environ
    raw = environ.get(RETENTION_VAR, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise StorageError(f"{RETENTION_VAR} must be a whole number of days from 1 to {MAX_DAYS}"
                           f" (or unset, to keep consultations until deleted); it is {raw[:20]!r}")
    return int(raw)


@dataclass
class Schedule:
    """When the next purge is due (a monotonic clock; the first one at once)."""

    every_s: float = CHECK_EVERY_S
    _next: float = field(default=0.0)

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.every_s
        return True
