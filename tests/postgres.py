"""A throwaway PostgreSQL server (Debian's postgresql package) for tests that run the app on Postgres."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "interviewer"


def server_binaries() -> Path:
    """The bin directory of the newest installed PostgreSQL (scripts/install.sh --test installs it)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run bash scripts/test.sh (apt-get install postgresql)")
    return found[-1].parent


@contextmanager
def postgres_server(port: int) -> Iterator[str]:
    """Start a server on 127.0.0.1:`port` in a fresh data directory; yields its base URL (no database)."""
    bin_dir = server_binaries()
    root = Path(tempfile.mkdtemp(prefix="interviewer-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses root
    if as_postgres:
        shutil.chown(root, "postgres")
    data = root / "data"

    def run(*command: str) -> None:
        subprocess.run([*as_postgres, *command], check=True, capture_output=True)

    run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", USER)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """A new empty database on the server; returns its SQLAlchemy URL."""
    port = server_url.rsplit(":", 1)[1]
    subprocess.run(
        [str(server_binaries() / "createdb"), "-h", "127.0.0.1", "-p", port, "-U", USER, name],
        check=True,
        capture_output=True,
    )
    return f"{server_url}/{name}"
