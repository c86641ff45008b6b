"""Start real servers (Voila, JupyterLab) for tests: on a free loopback port,
waited for, and stopped by their own process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kernel_process(server: Server, kernel_id: str, read=lambda process: process):
    """``read`` of the process of one of the server's kernels (the process
    itself by default), or None when no such kernel process runs."""
    import psutil

    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if any(f"kernel-{kernel_id}.json" in part for part in child.cmdline()):
                return read(child)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return None


def started_env(server: Server, kernel_id: str) -> dict[str, str] | None:
    """The environment one of the server's kernels was started with (read from
    its process), or None when no such kernel process runs."""
    return kernel_process(server, kernel_id, lambda process: process.environ())


class Server:
    """A server process with a log file; ``url(path)`` builds its addresses."""

    def __init__(self, argv: list[str], port: int, cwd: Path = ROOT, env: dict | None = None,
                 token: str = ""):
        self.argv, self.port, self.cwd, self.token = argv, port, cwd, token
        self.env = {**os.environ, **(env or {})}
        self.log = tempfile.NamedTemporaryFile("w+", prefix="server-", suffix=".log", delete=False)
        self.proc: subprocess.Popen | None = None

    def url(self, path: str = "/") -> str:
        sep = "&" if "?" in path else "?"
        suffix = f"{sep}token={self.token}" if self.token else ""
        return f"http://127.0.0.1:{self.port}{path}{suffix}"

    def start(self, ready_path: str = "/", timeout: float = 90) -> Server:
        self.proc = subprocess.Popen(
            self.argv, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(ready_path), timeout=5) as response:
                    if response.status < 500:
                        return self
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"{self.argv[0]} did not answer in {timeout} s:\n{self.log_tail()}")

    def get(self, path: str, timeout: float = 120) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def voila(notebook_dir: Path = ROOT, env: dict | None = None, port: int | None = None) -> Server:
    """Voila serving the course directory (with the course's voila.json)."""
    port = port or free_port()
    argv = [
        str(BIN / "voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0", f"--Voila.root_dir={notebook_dir}",
    ]
    return Server(argv, port, cwd=ROOT, env=env)
