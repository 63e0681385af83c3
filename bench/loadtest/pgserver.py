"""PostgreSQL for the load test: the shared local server (127.0.0.1:5432, trust auth, user
postgres; started if down, as .ci/run does) and, for the fault run, a private throwaway
server from the same binaries (initdb in a temporary folder, its own port), so that stopping
and starting it in the middle of the run disturbs nobody else's database on 5432.
`--shared-server` restarts the shared cluster instead (pg_ctlcluster), for a machine that
runs nothing else."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SHARED_URL = "postgres://postgres@127.0.0.1:5432/{name}"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"PostgreSQL's {name} is not installed")
    return path


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres account then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def ready(host: str, port: int) -> bool:
    done = subprocess.run(
        [_bin("pg_isready"), "-h", host, "-p", str(port), "-q"], capture_output=True
    )
    return done.returncode == 0


def wait_ready(host: str, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready(host, port):
            return
        time.sleep(0.2)
    raise SystemExit(f"PostgreSQL at {host}:{port} did not come up in {timeout:.0f} s")


def psql(port: int, sql: str, database: str = "postgres") -> None:
    subprocess.run(
        [_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database]
        + ["-qc", sql],
        check=True,
        capture_output=True,
    )


def recreate_database(port: int, name: str) -> None:
    psql(port, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(port, f'CREATE DATABASE "{name}"')


def database_exists(port: int, name: str) -> bool:
    done = subprocess.run(
        [
            _bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-Atc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() == "1"


class SharedServer:
    """The machine's cluster on 5432."""

    host, port = "127.0.0.1", 5432

    def __init__(self):
        self.cluster = None

    def start(self) -> None:
        if ready(self.host, self.port):
            return
        print("PostgreSQL is down: starting the local cluster")
        self._ctl("start")
        wait_ready(self.host, self.port)

    def _ctl(self, action: str, *extra: str) -> None:
        versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        if not versions:
            raise SystemExit("no PostgreSQL cluster under /etc/postgresql")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", action, *extra],
            check=True,
        )

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart_start(self) -> None:
        self._ctl("start")

    def close(self) -> None:
        pass


class PrivateServer:
    """A throwaway server: trust auth, 127.0.0.1 only, a free port, deleted afterwards."""

    host = "127.0.0.1"

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="la-loadtest-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def start(self) -> None:
        if not self.data.exists():
            subprocess.run(
                _as_postgres(
                    [
                        _bin("initdb"),
                        "-D",
                        str(self.data),
                        "-U",
                        "postgres",
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                    ]
                ),
                check=True,
                capture_output=True,
            )
        self._pg_ctl("start", "-w", "-l", str(self.log))
        wait_ready(self.host, self.port)

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=on"
        subprocess.run(
            _as_postgres([_bin("pg_ctl"), "-D", str(self.data), "-o", options, *args]),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast", "-w")

    def restart_start(self) -> None:
        self._pg_ctl("start", "-w", "-l", str(self.log))

    def close(self) -> None:
        if ready(self.host, self.port):
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
