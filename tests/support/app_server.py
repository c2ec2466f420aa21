"""A real `streamlit run ui/app.py` for browser and HTTP tests: started, waited for, stopped.

The one place the tests start the app: the browser suite, the shared-install test (two processes
on one PostgreSQL database) and the privacy test (no flags at all) all use `running_app`."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    url: str
    port: int
    process: subprocess.Popen
    log: Path


def _streamlit() -> list[str]:
    streamlit = Path(sys.executable).with_name("streamlit")
    return [str(streamlit)] if streamlit.exists() else [sys.executable, "-m", "streamlit"]


# The flags `make run` passes (nacm-ethics app), for tests of the app as users start it.
AS_MAKE_RUN = ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats",
               "false", "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"]


@contextlib.contextmanager
def running_app(tmp: Path, flags: list[str] | None = None, env: dict | None = None,
                timeout: float = 60, log_name: str = "streamlit.log") -> Iterator[RunningApp]:
    """`streamlit run ui/app.py` with exactly the given flags (none: the project's own
    .streamlit/config.toml decides everything but the port, given in the environment), its
    consultations in a SQLite file of `tmp` unless `env` names another database, its output in
    `tmp / log_name`."""
    port = free_port()
    command = [*_streamlit(), "run", "ui/app.py", *(flags or [])]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    child_env.update({"STREAMLIT_SERVER_PORT": str(port), "NACM_ETHICS_DB": str(tmp / "consultations.sqlite3")})
    child_env.update(env or {})
    log_path = tmp / log_name
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                        if response.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the app did not start:\n" + log_path.read_text(errors="replace"))
                time.sleep(0.3)
            yield RunningApp(url, port, process, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _hex_address(text: str) -> str:
    """An address of /proc/net/tcp{,6} ('0100007F', little-endian words) in the usual notation."""
    raw = bytes.fromhex(text)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, words)


def sockets_of(pid: int) -> list[tuple[str, str, int, str, int]]:
    """Every TCP socket the process (and its threads) holds: (state, local address, local port,
    remote address, remote port), read from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            if fields[9] not in inodes:
                continue
            local, remote = fields[1].split(":"), fields[2].split(":")
            state = {"0A": "LISTEN", "01": "ESTABLISHED"}.get(fields[3], fields[3])
            found.append((state, _hex_address(local[0]), int(local[1], 16), _hex_address(remote[0]),
                          int(remote[1], 16)))
    return found
