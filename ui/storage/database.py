"""Opening the database: the SQLAlchemy engine, SQLite's privacy settings, migrations at start-up.

SQLite (the default) is a file private to the user who runs the app: its folder is made 0700 and
the file 0600 before SQLite writes a byte; every connection turns on foreign keys and
secure_delete (deleted text is overwritten in place, whatever the build's default); each
transaction starts with BEGIN IMMEDIATE, so two app processes writing at once wait for each other
(up to the busy timeout) instead of failing half-way. Connections are not pooled for SQLite: each
call opens its own, as the first version did, which is safe across Streamlit's threads.

Statement parameters are never put in SQLAlchemy's messages or logs (hide_parameters), and the
result rows SQLAlchemy would log at DEBUG level are dropped: an error, or a log level turned up to
find a fault, must not copy a note or a title into a log.
"""
from __future__ import annotations

import logging
import os
import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from .location import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # shipped with the package, found from here
FIRST_REVISION = "0001"
SQLITE_BUSY_TIMEOUT_S = 30
# One number for the advisory lock that serialises start-up migrations of app processes sharing a server.
_MIGRATION_LOCK = zlib.crc32(b"nacm-ethics migrations")


def _no_rows(record: logging.LogRecord) -> bool:
    """SQLAlchemy logs each result row at DEBUG level ("Row (...)"): never let one through."""
    return record.levelno > logging.DEBUG


logging.getLogger("sqlalchemy.engine.Engine").addFilter(_no_rows)


def prepare_sqlite_file(path: Path) -> None:
    """Make the folder (0700) and an empty file (0600) before SQLite writes to it."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)  # private to the user who runs the app
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _harden_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, says when a transaction begins
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def open_engine(url: URL) -> Engine:
    """An engine for the URL (already normalised), with the SQLite file made private first."""
    if url.get_backend_name() == "sqlite":
        try:
            prepare_sqlite_file(Path(url.database))
        except OSError as exc:
            raise StorageError(f"cannot create the database file {url.database} ({exc.strerror})") from None
        engine = create_engine(url, poolclass=NullPool, hide_parameters=True,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _harden_sqlite(engine)
        return engine
    return create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"connect_timeout": 10})


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the database to the newest revision, in one transaction.

    A database made by the first version of the app (its tables, no alembic_version) is recorded
    as revision 0001 first, so its data is kept. App processes starting together on one server
    take turns: an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite.
    """
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Outside any transaction (a pragma inside one is ignored): a migration that copies a
                # table must not cascade-delete the rows that point at it.
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            else:
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            config = alembic_config(connection)
            tables = set(inspect(connection).get_table_names())
            if "consultation" in tables and "alembic_version" not in tables:
                command.stamp(config, FIRST_REVISION)
            command.upgrade(config, "head")
            connection.commit()
    except StorageError:
        raise
    except Exception as exc:  # the message names the kind of failure, never a statement's data
        raise StorageError(f"the consultations database could not be prepared ({type(exc).__name__}: "
                           f"{_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0][:200] if text else "no detail"
