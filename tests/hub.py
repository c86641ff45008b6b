"""A real JupyterHub for tests and benchmarks: the course's own
``deploy/jupyterhub/jupyterhub_config.py``, configurable-http-proxy from npm,
free loopback ports, a state folder of its own, and an admin token for the
REST API. Everything it starts is stopped by ``stop()``, and checked gone.

As root, the hub makes an OS account per roster name: ``start()`` refuses names
that already exist on the machine, and ``stop()`` removes the accounts it made
(with their homes). The state folder must then be reachable by every account
(``world_readable_dir()`` makes one under /tmp).

    with Hub(world_readable_dir(), students=["mkts1", "mkts2"]) as hub:
        hub.start()
        token = hub.token_for("s1")
        hub.spawn("s1")
        hub.user_request("s1", "POST", "assignments/fetch", data={...})
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from .servers import free_port

ROOT = Path(__file__).resolve().parents[1]
HUB_DIR = ROOT / "deploy" / "jupyterhub"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
AS_ROOT = os.geteuid() == 0


def world_readable_dir(prefix: str = "mentorkit-hub-") -> Path:
    """A fresh folder every account can reach (a hub's state folder, when run as root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


def open_to_all(path: Path) -> bool:
    """Can every account reach this path (each folder above it open to others)?"""
    path = Path(os.path.realpath(path))
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


# Why a hub cannot give each person their own account here, or None when it can.
CLOSED_COURSE = (
    f"the course folder {ROOT} is closed to other accounts (a folder above it lets only its owner "
    "in), so per-person accounts could not run the course from it" if AS_ROOT and not open_to_all(ROOT)
    else None)


def os_account(name: str):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


class Hub:
    def __init__(self, data: Path, instructors=("instructor",), students=(), idle_seconds: int = 3600):
        self.data = Path(data)
        self.instructors, self.students = list(instructors), list(students)
        self.port, self.api_port, self.proxy_api_port = free_port(), free_port(), free_port()
        self.admin_token = secrets.token_hex(16)
        self.tokens: dict[str, str] = {}
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data / "hub" / "hub.log"
        self.accounts_made: list[str] = []
        self.env = {
            **os.environ,
            "MENTORKIT_HUB_DATA": str(self.data),
            "MENTORKIT_HUB_PORT": str(self.port),
            "MENTORKIT_HUB_API_PORT": str(self.api_port),
            "MENTORKIT_PROXY_API_PORT": str(self.proxy_api_port),
            "MENTORKIT_HUB_ADMIN_TOKEN": self.admin_token,
            "MENTORKIT_INSTRUCTORS": ",".join(self.instructors),
            "MENTORKIT_STUDENTS": ",".join(self.students),
            "MENTORKIT_HUB_IDLE_SECONDS": str(idle_seconds),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.env.pop("MENTORKIT_HUB_PASSWORD", None)
        self.env.pop("MENTORKIT_HOME", None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- life cycle ---------------------------------------------------------------------
    def start(self, timeout: float = 90) -> Hub:
        if not PROXY.exists():
            raise RuntimeError(f"configurable-http-proxy is missing ({PROXY}): `make test` installs it "
                               "with npm (`npm ci --prefix deploy/jupyterhub`).")
        self.data.mkdir(parents=True, exist_ok=True)
        if AS_ROOT:
            names = self.instructors + self.students
            taken = [name for name in names if os_account(name)]
            if taken:
                raise RuntimeError(f"OS accounts already exist for {taken}: the hub would reuse them")
            self.data.chmod(0o755)  # the hub keeps its secrets in a closed folder inside
            closed = [p for p in self.data.parents if not p.stat().st_mode & 0o001]
            if closed:
                raise RuntimeError(f"{closed[0]} is closed to other accounts: use world_readable_dir()")
            self.accounts_made = names
        self.log_path.parent.mkdir(mode=0o700, exist_ok=True)
        log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(HUB_DIR / "jupyterhub_config.py")],
            cwd=self.data, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited early:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=3).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"jupyterhub did not answer in {timeout} s:\n{self.log_tail()}")

    def server_pids(self) -> list[int]:
        """PIDs of the single-user servers the hub started (from their environment)."""
        pids = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                environ = (proc / "environ").read_bytes()
            except OSError:
                continue
            if f"MENTORKIT_HUB_DATA={self.data}".encode() in environ.split(b"\0") or (
                    f"JUPYTERHUB_API_URL=http://127.0.0.1:{self.api_port}".encode() in environ):
                pids.append(int(proc.name))
        return pids

    def stop(self) -> list[int]:
        """Stop the hub (it stops its servers and proxy), then anything of it left;
        returns the PIDs still alive afterwards (none, if all went well)."""
        if self.proc is None:
            return []
        started = set(self.server_pids())
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the hub shuts its servers and the proxy down
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for pid in started | set(self.server_pids()):
            if pid != os.getpid():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        time.sleep(0.5)
        left = [pid for pid in self.server_pids() if _alive(pid)]
        self.remove_accounts()
        return left

    def remove_accounts(self) -> None:
        """Remove the OS accounts (and homes) this hub made, after ending their processes."""
        for name in self.accounts_made:
            account = os_account(name)
            if account is None:
                continue
            for proc in Path("/proc").iterdir():
                if proc.name.isdigit():
                    try:
                        if proc.stat().st_uid == account.pw_uid:
                            os.kill(int(proc.name), signal.SIGKILL)
                    except (OSError, ProcessLookupError):
                        pass
            subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)
            if Path(account.pw_dir).exists() and Path(account.pw_dir).parent == Path("/home"):
                shutil.rmtree(account.pw_dir, ignore_errors=True)
        self.accounts_made = []

    def __enter__(self) -> Hub:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- the REST API ---------------------------------------------------------------------
    def api(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {token or self.admin_token}"}
        return requests.request(method, f"{self.url}/hub/api/{path}", headers=headers, timeout=60, **kwargs)

    def token_for(self, name: str) -> str:
        """A token for ``name`` (the admin service asks the REST API for one)."""
        response = self.api("POST", f"users/{name}/tokens", json={"note": "test", "expires_in": 3600})
        response.raise_for_status()
        self.tokens[name] = response.json()["token"]
        return self.tokens[name]

    def spawn(self, name: str, timeout: float = 180) -> float:
        """Start ``name``'s server through the API and wait until it is ready; returns seconds."""
        start = time.monotonic()
        try:
            response = self.api("POST", f"users/{name}/server", token=self.tokens.get(name))
        except requests.Timeout:  # a busy hub may accept the spawn and answer late
            self.wait_ready(name, timeout)
            return time.monotonic() - start
        if response.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"spawn {name}: {response.status_code} {response.text}\n{self.log_tail()}")
        self.wait_ready(name, timeout)
        return time.monotonic() - start

    def wait_ready(self, name: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                model = self.api("GET", f"users/{name}").json()
            except requests.RequestException:  # a hub busy starting many servers answers late
                time.sleep(1)
                continue
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{name}'s server was not ready in {timeout} s:\n{self.log_tail()}")

    def user_request(self, name: str, method: str, path: str, **kwargs) -> requests.Response:
        """A request to ``name``'s own server, with ``name``'s token."""
        token = self.tokens.get(name) or self.token_for(name)
        headers = {"Authorization": f"token {token}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.url}/user/{name}/{path}", headers=headers,
                                timeout=kwargs.pop("timeout", 300), **kwargs)

    # -- people with passwords (NativeAuthenticator) --------------------------------------
    def facilitator_password(self, name: str) -> str:
        """The one-time password the hub wrote for a facilitator at its first start."""
        for line in (self.data / "hub" / "facilitator-passwords.txt").read_text().splitlines():
            who, _, password = line.partition("\t")
            if who == name:
                return password
        raise KeyError(name)

    def _form(self, session: requests.Session, page: str, fields: dict) -> requests.Response:
        form = session.get(f"{self.url}/hub/{page}", timeout=60)
        found = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
        data = {**fields, **({"_xsrf": found.group(1)} if found else {})}
        return session.post(f"{self.url}/hub/{page}", data=data, timeout=120, allow_redirects=True)

    def sign_up(self, name: str, password: str) -> requests.Response:
        """A participant signs up with a password of their own."""
        with requests.Session() as session:
            return self._form(session, "signup", {"username": name, "signup_password": password,
                                                  "signup_password_confirmation": password})

    def log_in(self, name: str, password: str) -> requests.Session | None:
        """A browser-like session logged in as ``name``, or None when the hub refuses."""
        session = requests.Session()
        form = session.get(f"{self.url}/hub/login", timeout=60)
        found = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
        response = session.post(f"{self.url}/hub/login", timeout=120, allow_redirects=False,
                                data={"username": name, "password": password,
                                      **({"_xsrf": found.group(1)} if found else {})})
        if response.status_code in (302, 303) and "jupyterhub-hub-login" in session.cookies:
            return session
        session.close()
        return None

    def run_code(self, name: str, code: str, timeout: float = 60) -> str:
        """Run ``code`` in a new kernel of ``name``'s own server; returns what it printed."""
        import websocket

        kernel = self.user_json(name, "POST", "api/kernels", json={"name": "python3"})
        token = self.tokens.get(name) or self.token_for(name)
        url = f"ws://127.0.0.1:{self.port}/user/{name}/api/kernels/{kernel['id']}/channels"
        ws = websocket.create_connection(url, header=[f"Authorization: token {token}"], timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "username": name, "session": uuid.uuid4().hex,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False}}))
            out, deadline = [], time.monotonic() + timeout
            while time.monotonic() < deadline:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    out.append("\n".join(msg["content"]["traceback"]))
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    return "".join(out)
            raise TimeoutError(f"code in {name}'s kernel did not finish: {''.join(out)}")
        finally:
            ws.close()
            self.user_request(name, "DELETE", f"api/kernels/{kernel['id']}")

    def user_json(self, name: str, method: str, path: str, **kwargs):
        response = self.user_request(name, method, path, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} /user/{name}/{path}: {response.status_code} {response.text[:500]}")
        return json.loads(response.text) if response.text else None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def memory_of(pids: list[int]) -> int:
    """Resident memory (bytes) of these processes and all their descendants."""
    import psutil

    seen, total = set(), 0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            family = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for proc in family:
            if proc.pid in seen:
                continue
            seen.add(proc.pid)
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
    return total
