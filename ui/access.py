"""Who is using the app: on the default single-user install nobody signs in and everything is
open (EVERYONE); a shared install signs people in (see ui/signin.py) and every storage call is
made on their behalf, so the store's queries keep each person to their own records."""
from __future__ import annotations

from ui.storage import EVERYONE, Viewer


def viewer() -> Viewer:
    """The person this browser session acts for."""
    return EVERYONE
