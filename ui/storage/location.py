"""Where the consultations live: a private SQLite file by default, or the database DATABASE_URL names.

Single-user installs need nothing: the file is made on first use in the user's data folder (or at
$NACM_ETHICS_DB). A shared install sets DATABASE_URL in the plain form PostgreSQL's own tools
use, postgresql://user@host:port/db; it is read with the psycopg (3) driver, a declared
dependency, whatever driver the URL names or omits. A password in the URL is never shown.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ENV_VAR = "NACM_ETHICS_DB"  # a SQLite file's path
URL_VAR = "DATABASE_URL"  # any database: postgresql://user@host:port/db, or sqlite:///path
APP_DIR_NAME = "nacm-ethics"
POSTGRES_DRIVER = "postgresql+psycopg"


class StorageError(Exception):
    """The database cannot be used as configured; the message is safe to show (no password, no data)."""


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """$NACM_ETHICS_DB, or consultations.sqlite3 in the user's data folder."""
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = Path(environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME / "consultations.sqlite3"


def sqlite_url(path: str | Path) -> URL:
    return URL.create("sqlite", database=str(Path(path).expanduser()))


def normalise(url: str | URL) -> URL:
    """A database URL as SQLAlchemy reads it: postgresql:// (and postgres://) get the psycopg driver;
    sqlite:/// is kept; anything else is refused with a message that names DATABASE_URL."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        raise StorageError(f"{URL_VAR} is not a database URL (expected postgresql://user@host:port/db)") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise StorageError(f"{URL_VAR} names the driver {driver!r}; only psycopg is installed"
                               " (write postgresql://user@host:port/db)")
        return parsed.set(drivername=POSTGRES_DRIVER)
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise StorageError(f"{URL_VAR} names the SQLite driver {driver!r}; only the standard one is supported")
        if not parsed.database or parsed.database == ":memory:":
            raise StorageError(f"{URL_VAR} must name a SQLite file (sqlite:////path/to/file.sqlite3)")
        return parsed.set(drivername="sqlite")
    raise StorageError(f"{URL_VAR} names {backend!r}; PostgreSQL (postgresql://user@host:port/db) "
                       "and SQLite (sqlite:////path/to/file) are supported")


def configured_url(environ: Mapping[str, str] | None = None) -> URL:
    """DATABASE_URL when it is set, else the SQLite file of default_db_path()."""
    environ = os.environ if environ is None else environ
    if environ.get(URL_VAR, "").strip():
        return normalise(environ[URL_VAR].strip())
    return sqlite_url(default_db_path(environ))


def shown(url: URL) -> str:
    """The URL as it may be shown to a person: the password masked."""
    return url.render_as_string(hide_password=True)
