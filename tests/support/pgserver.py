"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, pg_ctl start on a free
port of 127.0.0.1, trust authentication for one user, everything removed at the end.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as an unprivileged
user (postgres when the Debian package made it, else nobody) through runuser, and its folder is
handed to that user. The binaries come from PATH or from Debian's /usr/lib/postgresql/*/bin.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

USER = "nacm"  # the database role the tests connect as (trust authentication, loopback only)


class ServerUnavailable(Exception):
    """PostgreSQL could not be found or started here; the message says why."""


def find_binaries() -> Path:
    """The folder that holds initdb, pg_ctl and postgres."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "pg_ctl").exists() and Path(folder, "initdb").exists():
            return Path(folder)
    raise ServerUnavailable("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> list[str]:
    """The command prefix that runs the server as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServerUnavailable("running as root and runuser is missing: PostgreSQL cannot be started")
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return [runuser, "-u", name, "--"]
    raise ServerUnavailable("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


def _owner() -> tuple[int, int] | None:
    prefix = _run_as()
    if not prefix:
        return None
    entry = pwd.getpwnam(prefix[2])
    return entry.pw_uid, entry.pw_gid


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str

    def url(self, database: str) -> str:
        """The plain form people write, with no driver named."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def running_server(timeout_s: float = 60) -> Iterator[Server]:
    bin_dir = find_binaries()
    prefix = _run_as()
    owner = _owner()
    root = Path(tempfile.mkdtemp(prefix="nacm-pg-"))
    data = root / "data"
    log = root / "server.log"
    if owner:
        os.chown(root, *owner)
    port = free_port()

    def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=timeout_s,
                              cwd=root, stdin=subprocess.DEVNULL)
        if check and done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            extra = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
            raise ServerUnavailable(f"{Path(command[0]).name} failed: " + " | ".join(tail + extra))
        return done

    started = False
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-instructions")
        options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{root}'"
                   " -c max_connections=50 -c shared_buffers=16MB")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
            "-t", str(int(timeout_s)), "start")
        started = True
        server = Server("127.0.0.1", port, USER)
        _wait_until_accepting(server, timeout_s)
        yield server
    finally:
        if started:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_accepting(server: Server, timeout_s: float) -> None:
    import psycopg

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname="postgres",
                                 connect_timeout=2):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise ServerUnavailable(f"PostgreSQL did not accept connections: {exc}") from None
            time.sleep(0.2)
