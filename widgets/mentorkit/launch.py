"""`make start`: serve the course from its root and open the course home as an app.

One Jupyter server serves the whole repository, so every link between lessons,
scenarios, self-assessments, assignments and docs resolves. It offers two
views of the same files:

- the course, as apps (Voila): ``/voila/render/modules/00-welcome.ipynb``,
  for learners;
- JupyterLab, with the notebooks and their code: ``/lab``, for facilitators
  and the curious.

The server starts with the learner's JupyterLab settings in
``share/jupyter/learner`` (no news pop-up, nbgrader's instructor tools hidden;
see its README). Run ``python -m mentorkit.launch --help`` for the options.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

from .course import course_root
from .pages import HOME, VOILA_PREFIX

LEARNER_CONFIG = Path("share") / "jupyter" / "learner"

# JupyterLab's first layout for a learner: the side panels closed, so that the
# notebook has the screen (on a phone the file browser would take most of it).
# It is only a start: a learner who opens a panel keeps it open next time.
FIRST_WORKSPACE = {
    "data": {"layout-restorer:data": {
        "main": {"dock": {"type": "tab-area", "currentIndex": 0, "widgets": []}},
        "left": {"collapsed": True, "visible": True,
                 "widgets": ["filebrowser", "running-sessions", "@jupyterlab/toc:plugin"]},
        "right": {"collapsed": True, "visible": True, "widgets": []},
    }},
    "metadata": {"id": "default"},
}


def workspaces_dir() -> Path:
    """Where the learner's JupyterLab layout is kept: beside their course data."""
    from .store import default_home

    return default_home() / "jupyterlab-workspaces"


def seed_workspace(directory: Path | None = None) -> bool:
    """Give JupyterLab its first layout when the learner has none yet; True if written."""
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    manager = WorkspacesManager(str(directory or workspaces_dir()))
    if manager.load("default").get("data"):
        return False
    manager.save("default", json.dumps(FIRST_WORKSPACE))
    return True


def addresses(port: int, token: str, host: str = "localhost") -> dict[str, str]:
    """The two addresses to print: the course as an app, and JupyterLab."""
    query = f"?token={token}" if token else ""
    base = f"http://{host}:{port}/"
    return {
        "course": f"{base}{VOILA_PREFIX}{HOME}{query}",
        "lab": f"{base}lab/tree/{HOME}{query}",
    }


def banner(urls: dict[str, str]) -> str:
    return (
        "\n"
        "mentorkit is running. Open this address in your browser:\n\n"
        f"    {urls['course']}\n\n"
        "That is the course: lessons, scenarios, self-assessments and assignments,\n"
        "as pages you read, click and type in. No code.\n\n"
        "JupyterLab, with the notebooks and their code (for facilitators and the curious):\n\n"
        f"    {urls['lab']}\n\n"
        "Keep this window open while you use the course; press Ctrl+C here to stop it.\n"
    )


def server_argv(root: Path, port: int, token: str) -> list[str]:
    jupyter = Path(sys.executable).parent / "jupyter"
    argv = [
        str(jupyter) if jupyter.exists() else "jupyter", "lab",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.port={port}",
        # a busy port is an error to report, not a reason to move elsewhere silently
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        # `/` and the address Jupyter itself prints lead to the course home, as an app
        f"--ServerApp.default_url=/{VOILA_PREFIX}{HOME}",
        f"--LabApp.default_url=/{VOILA_PREFIX}{HOME}",
        # the server's routine log is for developers; warnings and errors still show
        "--ServerApp.log_level=WARN",
        f"--IdentityProvider.token={token}",
        f"--LabApp.workspaces_dir={workspaces_dir()}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


def server_env(root: Path) -> dict[str, str]:
    """The environment for the server: the learner's JupyterLab settings first."""
    env = dict(os.environ)
    learner = str(root / LEARNER_CONFIG)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (learner, env.get("JUPYTER_CONFIG_PATH", "")) if p)
    # the course's python3 kernel spec (learner/kernels/python3: mentorkit.kernel)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (learner, env.get("JUPYTER_PATH", "")) if p)
    return env


def wait_ready(port: int, token: str, proc: subprocess.Popen, timeout: float = 120) -> bool:
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.3)
    return False


def can_open_browser() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mentorkit.launch", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8888)))
    parser.add_argument("--no-browser", action="store_true", help="print the address, open nothing")
    args = parser.parse_args(argv)

    root = course_root()
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    seed_workspace()
    proc = subprocess.Popen(server_argv(root, args.port, token), cwd=root, env=server_env(root))

    def stop(signum, _frame):
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not wait_ready(args.port, token, proc):
        if proc.poll() is None:
            proc.terminate()
        print(f"\nThe course server did not start on port {args.port}. If another program uses "
              f"that port, choose another: make start PORT={args.port + 1}", file=sys.stderr)
        proc.wait()
        return 1
    urls = addresses(args.port, token)
    print(banner(urls), flush=True)
    if not args.no_browser and can_open_browser():
        webbrowser.open(urls["course"])
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:  # pragma: no cover - the handler forwards it
            continue


if __name__ == "__main__":
    sys.exit(main())
