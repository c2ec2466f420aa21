"""A users file for shared-install tests: one person per role (and a second case manager), each with
a real Argon2 hash of a known password."""
from __future__ import annotations

from pathlib import Path

from ui.users import hash_password

PASSWORD = "correct horse battery"
PEOPLE = {
    "ana": ("Ana Case", "case_manager"),
    "ben": ("Ben Case", "case_manager"),
    "sue": ("Sue Supervisor", "supervisor"),
    "tia": ("Tia Trainer", "trainer"),
}
_HASH = hash_password(PASSWORD)  # once per test session: Argon2 is slow on purpose


def write_users(path: Path, people: dict[str, tuple[str, str]] = PEOPLE) -> Path:
    lines = []
    for username, (name, role) in people.items():
        lines += [f"[users.{username}]", f'name = "{name}"', f'role = "{role}"', f'password = "{_HASH}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
