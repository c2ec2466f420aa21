"""The people of a shared install: a users file (TOML) that NACM_ETHICS_USERS names, with a role and
an Argon2 password hash for each (or the e-mail an identity provider signs them in with).

    [users.jrivera]
    name = "J. Rivera"                  # shown with what they save and write
    role = "case_manager"               # case_manager | supervisor | trainer
    password = "$argon2id$v=19$..."     # python -m ui.users hash   (never the password itself)
    email = "jrivera@agency.example"    # optional: when Streamlit's st.login signs people in

Unset, the app is the single-user install: nobody signs in and everything is open. Set but
unusable (missing, unreadable, a wrong role, a password that is not a hash), the app refuses to
start the shared way and says why in one line; it never falls back to being open.

Passwords are checked with argon2-cffi (a kept library; no home-made hashing). An unknown user
name costs the same check as a wrong password, and repeated failures for one name are refused for
a while, so the sign-in form tells nothing about who has an account.

Pure: no Streamlit. `python -m ui.users hash` prints the hash of a password typed twice.
"""
from __future__ import annotations

import os
import re
import sys
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

USERS_VAR = "NACM_ETHICS_USERS"
ROLES = {"case_manager": "Case manager", "supervisor": "Supervisor", "trainer": "Trainer"}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
MAX_FILE_BYTES = 1_000_000
FAILURES_ALLOWED = 5  # wrong passwords for one user name within LOCK_S, then refused until it passes
LOCK_S = 15 * 60
KEYS = {"name", "role", "password", "email"}

_hasher = PasswordHasher()
# A hash of nothing anyone can type: an unknown user name is checked against it, so it costs the same time.
_DUMMY_HASH = _hasher.hash(os.urandom(16).hex())


class UsersError(Exception):
    """The users file cannot be used; the message names the file and the entry (no password, no hash)."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    password_hash: str = ""
    email: str = ""

    @property
    def role_words(self) -> str:
        return ROLES[self.role]

    @property
    def signature(self) -> str:
        """How they sign what they write: their name and, so that two J. Riveras differ, their user name."""
        return f"{self.name} ({self.username})"


@dataclass(frozen=True)
class Directory:
    path: Path
    users: Mapping[str, User]

    def get(self, username: str) -> User | None:
        return self.users.get(username.strip().lower())

    def by_email(self, email: str | None) -> User | None:
        if not email:
            return None
        wanted = email.strip().casefold()
        return next((u for u in self.users.values() if u.email and u.email.casefold() == wanted), None)

    def with_role(self, role: str) -> list[User]:
        return sorted((u for u in self.users.values() if u.role == role), key=lambda u: u.name.casefold())


def users_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The users file when the install is shared, else None (the single-user install)."""
    environ = os.environ if environ is None else environ
    raw = environ.get(USERS_VAR, "").strip()
    return Path(raw).expanduser() if raw else None


def load_directory(path: Path) -> Directory:
    """Read and check the users file; raise UsersError naming the file and the entry."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsersError(f"{path}: the users file is larger than {MAX_FILE_BYTES} bytes")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsersError(f"{USERS_VAR} names {path}, which does not exist") from None
    except OSError as exc:
        raise UsersError(f"{path}: cannot read the users file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsersError(f"{path}: the users file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsersError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"users"}
    if unknown:
        raise UsersError(f"{path}: unknown section {sorted(unknown)[0]!r} (expected only [users.NAME] entries)")
    entries = data.get("users")
    if not isinstance(entries, dict) or not entries:
        raise UsersError(f"{path}: no users: add at least one [users.NAME] entry")
    users: dict[str, User] = {}
    emails: dict[str, str] = {}
    for username, entry in entries.items():
        where = f"{path}: users.{username}"
        if not USERNAME.match(username):
            raise UsersError(f"{where}: a user name is lower-case letters, digits, '.', '_' or '-' (at most 40)")
        if not isinstance(entry, dict):
            raise UsersError(f"{where}: expected a table with name, role and password")
        extra = set(entry) - KEYS
        if extra:
            raise UsersError(f"{where}: unknown key {sorted(extra)[0]!r} (allowed: {', '.join(sorted(KEYS))})")
        role = entry.get("role")
        if role not in ROLES:
            raise UsersError(f"{where}.role: {role!r} is not a role (allowed: {', '.join(ROLES)})")
        name = " ".join(str(entry.get("name", "")).split()) or username
        password = entry.get("password", "")
        email = str(entry.get("email", "")).strip()
        if not isinstance(password, str) or (password and not password.startswith("$argon2")):
            raise UsersError(f"{where}.password: not an Argon2 hash; make one with: python -m ui.users hash")
        if not password and not email:
            raise UsersError(f"{where}: needs a password hash, or an email for sign-in through an identity provider")
        if email:
            if email.casefold() in emails:
                raise UsersError(f"{where}.email: the same email as users.{emails[email.casefold()]}")
            emails[email.casefold()] = username
        users[username] = User(username, name[:60], role, password, email)
    return Directory(path, users)


class Throttle:
    """Failed passwords per user name, in this process: after FAILURES_ALLOWED within LOCK_S, refused."""

    def __init__(self, allowed: int = FAILURES_ALLOWED, window_s: float = LOCK_S):
        self.allowed, self.window_s = allowed, window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def locked(self, username: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < self.window_s]
            self._failures[username] = recent
            return len(recent) >= self.allowed

    def failed(self, username: str) -> None:
        with self._lock:
            self._failures.setdefault(username, []).append(time.monotonic())

    def passed(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


class SignInRefused(Exception):
    """The user name and password do not match (or the name is locked for a while); one message for all."""


def check_password(directory: Directory, username: str, password: str, throttle: Throttle) -> User:
    """The user, if the password is theirs; SignInRefused with one message whatever was wrong."""
    key = username.strip().lower()
    user = directory.get(key)
    if throttle.locked(key):
        raise SignInRefused("too many wrong passwords for this user name: wait a quarter of an hour, or ask your administrator")
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        throttle.failed(key)
        raise SignInRefused("the user name or the password is not right") from None
    if user is None or not user.password_hash:
        throttle.failed(key)
        raise SignInRefused("the user name or the password is not right")
    throttle.passed(key)
    return user


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def main(argv: list[str] | None = None) -> int:
    """python -m ui.users hash: type a password twice, get the line for the users file."""
    import getpass

    args = sys.argv[1:] if argv is None else argv
    if args != ["hash"]:
        print("usage: python -m ui.users hash", file=sys.stderr)
        return 2
    first = getpass.getpass("Password: ")
    if len(first) < 8:
        print("error: use at least 8 characters", file=sys.stderr)
        return 2
    if getpass.getpass("Again: ") != first:
        print("error: the two passwords differ", file=sys.stderr)
        return 2
    print(f'password = "{hash_password(first)}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
