"""JupyterHub for a mentorkit cohort on one machine (a workshop, or the tests).

    sudo make hub                                        # from the course folder
    sudo MENTORKIT_HUB_IP=0.0.0.0 \\
         MENTORKIT_HUB_SSL_CERT=/path/cert.pem MENTORKIT_HUB_SSL_KEY=/path/key.pem make hub

Who is who
    Facilitators (graders) and participants are listed in ``roster.csv`` beside
    this file (columns ``username,role``; role ``instructor`` or ``student``),
    or in the environment: ``MENTORKIT_INSTRUCTORS`` and ``MENTORKIT_STUDENTS``,
    comma-separated. Only listed people can log in.

Passwords: one per person (NativeAuthenticator)
    Participants sign up at ``/hub/signup`` with a password of their own; only
    roster names can log in, and a name already signed up cannot be taken again.
    Facilitators' accounts are made by the hub at its first start, each with a
    one-time password written to ``$MENTORKIT_HUB_DATA/hub/facilitator-passwords.txt``
    (readable by root only); they change it at ``/hub/change-password``. So no
    participant can sign up as a facilitator first. Nobody is a JupyterHub admin;
    facilitators hold the one scope NativeAuthenticator's account pages need
    (``admin:users``: approve, discard, reset a password), not access to anyone's
    server. There is no shared password.

One OS account per person (run the hub as root)
    The hub creates an account per roster name (``useradd``, home ``/home/<name>``
    readable by its owner only) and starts each person's server as that account,
    never as root. The hub's own state (database, cookie secret, log) is in
    ``$MENTORKIT_HUB_DATA/hub``, readable by root only. Not as root, the hub runs
    every server as its own account and refuses to listen beyond this machine.

nbgrader's exchange
    ``$MENTORKIT_HUB_DATA/exchange`` with the permissions nbgrader documents for a
    machine with many users: the exchange root is writable by all (sticky, as
    ``/tmp``); the course folder, the released assignments and the feedback belong
    to the first facilitator; participants can drop submissions into ``inbound``
    but not list it, and (sticky bit) cannot rename or delete anyone else's.
    Facilitators collect with ``mentorkit.hub_exchange.CollectOwnSubmissions``,
    which drops a submission filed under one participant's name by another account.

What each user gets
    Their home with the course (lessons, scenarios, self-assessments) copied in at
    first start and never overwritten after. Participants land on the course home
    in Voila; facilitators in JupyterLab, with ``~/course`` holding ``source/`` and
    the course's ``nbgrader_config.py``, and the Formgrader.

Culling (one policy, the ``MappingKernelManager`` block of ``voila.json``)
    A kernel with a page still connected is never culled; one whose page is gone is
    shut down after 15 idle minutes. An idle server is stopped after an hour
    (jupyterhub-idle-culler); files stay.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from jupyterhub.auth import LocalAuthenticator
from nativeauthenticator import NativeAuthenticator

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
COURSE = HERE.parents[1]
LEARNER_LABCONFIG = COURSE / "share" / "jupyter" / "learner" / "labconfig"
BIN = Path(sys.executable).parent
DATA = Path(os.environ.get("MENTORKIT_HUB_DATA", HERE / "state")).resolve()
STATE = DATA / "hub"            # the hub's database, cookie secret, passwords: root only
EXCHANGE = DATA / "exchange"
COURSE_ID = "mentorkit"
IP = os.environ.get("MENTORKIT_HUB_IP", "127.0.0.1")
PORT = int(os.environ.get("MENTORKIT_HUB_PORT", "8000"))
LOOPBACK = IP in ("127.0.0.1", "localhost", "::1")
AS_ROOT = os.geteuid() == 0
# Given to every user, and to instructors on top of it:
# release/ holds no answers (nbgrader generated it): the course map compares a
# participant's fetched copy with it, and the page header links the assignments.
EVERYONE = ["modules", "exercises", "docs", "release", "README.md", "voila.json"]
INSTRUCTORS_ONLY = ["source", "nbgrader_config.py"]
PARTICIPANT_HOME_PAGE = "/voila/render/modules/00-welcome.ipynb"
FACILITATOR_HOME_PAGE = "/lab/tree/course/modules/00-welcome.ipynb"


def roster() -> tuple[list[str], list[str]]:
    """(instructors, students) from the environment, else from roster.csv."""
    instructors = [u.strip() for u in os.environ.get("MENTORKIT_INSTRUCTORS", "").split(",") if u.strip()]
    students = [u.strip() for u in os.environ.get("MENTORKIT_STUDENTS", "").split(",") if u.strip()]
    table = HERE / "roster.csv"
    if not (instructors or students) and table.exists():
        with table.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                name, role = (row.get("username") or "").strip(), (row.get("role") or "").strip().lower()
                if not name:
                    continue
                (instructors if role == "instructor" else students).append(name)
    if not instructors:
        instructors = ["instructor"]
    return instructors, students


def refuse(message: str) -> None:
    raise SystemExit(f"mentorkit hub: {message}")


INSTRUCTORS, STUDENTS = roster()

if os.environ.get("MENTORKIT_HUB_PASSWORD"):
    refuse("MENTORKIT_HUB_PASSWORD (one password shared by everyone) is no longer accepted: each "
           "person signs up with a password of their own. Unset it and see docs/deploy.md.")
if not AS_ROOT and not LOOPBACK:
    refuse(f"to listen on {IP} the hub must run as root, so that each person's server runs as "
           "their own account; as another user it only listens on 127.0.0.1.")
if AS_ROOT:
    for name in INSTRUCTORS + STUDENTS:
        try:
            existing = pwd.getpwnam(name)
        except KeyError:
            continue
        if existing.pw_uid < 1000:
            refuse(f"roster name {name!r} is a system account on this machine (uid {existing.pw_uid}); "
                   "choose another name.")

DATA.mkdir(parents=True, exist_ok=True)
DATA.chmod(0o755)
if AS_ROOT and (COURSE / "source").is_dir():
    (COURSE / "source").chmod(0o700)  # the solutions: facilitators get their own copy
STATE.mkdir(exist_ok=True)
STATE.chmod(0o700)
EXCHANGE.mkdir(exist_ok=True)
EXCHANGE.chmod(0o1777 if AS_ROOT else 0o777)  # nbgrader wants rwx for all; sticky, as /tmp

# -- the hub and its proxy ----------------------------------------------------------------
CERT, KEY = os.environ.get("MENTORKIT_HUB_SSL_CERT"), os.environ.get("MENTORKIT_HUB_SSL_KEY")
if bool(CERT) != bool(KEY):
    refuse("set both MENTORKIT_HUB_SSL_CERT and MENTORKIT_HUB_SSL_KEY, or neither.")
SCHEME = "https" if CERT else "http"
c.JupyterHub.bind_url = f"{SCHEME}://{IP}:{PORT}"
if CERT:
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = CERT, KEY
else:
    where = "this machine only" if LOOPBACK else f"the network ({IP})"
    PLAIN_HTTP = (f"This hub serves plain HTTP on {where}: passwords and reflections cross the "
                  "network unencrypted." + ("" if LOOPBACK else " Give it a certificate "
                                            "(MENTORKIT_HUB_SSL_CERT, MENTORKIT_HUB_SSL_KEY)."))
    print(f"mentorkit hub: WARNING: {PLAIN_HTTP}", file=sys.stderr, flush=True)
    c.JupyterHub.template_vars = {"announcement": PLAIN_HTTP}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("MENTORKIT_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('MENTORKIT_PROXY_API_PORT', '8001')}"
proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(proxy) if proxy.exists() else "configurable-http-proxy"]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# -- who may log in ---------------------------------------------------------------------
FACILITATOR_PASSWORDS = STATE / "facilitator-passwords.txt"


def prepare_exchange(instructor: str) -> None:
    """The course's folders in the exchange, owned by the (first) facilitator, with
    nbgrader's own modes; inbound also sticky, so nobody renames another's submission."""
    account = pwd.getpwnam(instructor)
    course = EXCHANGE / COURSE_ID
    for folder, mode in ((course, 0o755), (course / "outbound", 0o755),
                         (course / "inbound", 0o3733), (course / "feedback", 0o711)):
        folder.mkdir(exist_ok=True)
        os.chown(folder, account.pw_uid, account.pw_gid)
        folder.chmod(mode)


class CohortAuthenticator(*((LocalAuthenticator,) if AS_ROOT else ()), NativeAuthenticator):
    """NativeAuthenticator (a password per person, bcrypt-hashed in the hub's
    database); as root also LocalAuthenticator, which creates each roster name's
    OS account. Facilitators' accounts get a one-time password at the first start."""

    async def add_user(self, user):
        added = super().add_user(user)
        if added is not None and hasattr(added, "__await__"):
            await added
        if user.name in INSTRUCTORS and not self.user_exists(user.name):
            password = secrets.token_urlsafe(12)
            if self.create_user(user.name, password) is None:
                raise RuntimeError(f"could not create the facilitator account {user.name}")
            with FACILITATOR_PASSWORDS.open("a", encoding="utf-8") as out:
                out.write(f"{user.name}\t{password}\n")
            FACILITATOR_PASSWORDS.chmod(0o600)
            self.log.warning("Facilitator %s: one-time password written to %s; change it at "
                             "/hub/change-password", user.name, FACILITATOR_PASSWORDS)
        if AS_ROOT and user.name == INSTRUCTORS[0]:
            prepare_exchange(user.name)


c.JupyterHub.authenticator_class = CohortAuthenticator
c.Authenticator.allowed_users = set(INSTRUCTORS) | set(STUDENTS)
c.Authenticator.admin_users = set()
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 120
if AS_ROOT:
    c.LocalAuthenticator.create_system_users = True
    # home readable by its owner only; the names become OS accounts as they are
    c.LocalAuthenticator.add_user_cmd = ["useradd", "--create-home", "--shell", "/bin/bash",
                                         "--key", "HOME_MODE=0700", "--comment", "mentorkit hub user"]

services = []
roles = [{"name": "facilitator", "description": "Manage the cohort's accounts (approve, reset a password)",
          "scopes": ["admin:users"], "users": sorted(INSTRUCTORS)}]
# A token for scripts (the tests, a facilitator's own tooling): an admin service.
admin_token = os.environ.get("MENTORKIT_HUB_ADMIN_TOKEN")
if admin_token:
    services.append({"name": "course-admin", "api_token": admin_token})
    roles.append({"name": "course-admin", "scopes": ["admin:users", "admin:servers", "tokens",
                                                      "access:servers", "read:users"],
                  "services": ["course-admin"]})

# -- idle culling ---------------------------------------------------------------------------
IDLE = int(os.environ.get("MENTORKIT_HUB_IDLE_SECONDS", "3600"))
services.append({"name": "idle-culler",
                 "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE}"]})
roles.append({"name": "idle-culler",
              "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
              "services": ["idle-culler"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles

# -- each user's server ------------------------------------------------------------------
# The course's one culling policy for kernels (voila.json), passed to every server.
KERNEL_CULLING = json.loads((COURSE / "voila.json").read_text(encoding="utf-8"))["MappingKernelManager"]
c.JupyterHub.spawner_class = "localprocess" if AS_ROOT else "simple"
if not AS_ROOT:
    c.SimpleLocalProcessSpawner.home_dir_template = str(DATA / "homes" / "{username}")


def open_to_all(path: Path) -> bool:
    """Can every account run this file (each folder above it open to others)?"""
    path = Path(os.path.realpath(path))
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


def users_python() -> tuple[Path, dict]:
    """The Python every person's server runs with, and the environment it needs. The
    course's environment when every account can run its interpreter. Otherwise (an
    interpreter in root's home, as pyenv installs it) the same interpreter copied into
    the hub's folder (hard links where it can), with a small environment on it that
    reads the course's packages from the course's environment."""
    if not AS_ROOT or open_to_all(Path(sys.executable)):
        return Path(sys.executable), {}
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    base, copy, env = Path(sys.base_prefix), DATA / "python-base", DATA / "python"
    needs = {"LD_LIBRARY_PATH": str(copy / "lib")}  # its libpython, before the RUNPATH in root's home

    def link_or_copy(source, dest):
        try:
            os.link(source, dest)
        except OSError:
            shutil.copy2(source, dest)

    if not (copy / "bin" / f"python{version}").exists():
        (copy / "bin").mkdir(parents=True, exist_ok=True)
        link_or_copy(Path(os.path.realpath(sys.executable)), copy / "bin" / f"python{version}")
        shutil.copytree(base / "lib", copy / "lib", copy_function=link_or_copy, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("site-packages", "test", "idlelib", "tkinter",
                                                      "turtledemo", "pkgconfig"))
    if not (env / "bin" / "python").exists():
        subprocess.run([str(copy / "bin" / f"python{version}"), "-m", "venv", "--without-pip", str(env)],
                       check=True, timeout=120, env={**os.environ, **needs})
    site = Path(sysconfig.get_paths()["purelib"])
    bridge = env / "lib" / f"python{version}" / "site-packages" / "mentorkit-course-packages.pth"
    bridge.write_text(f"import site; site.addsitedir({str(site)!r})\n", encoding="utf-8")
    for shared in ("share", "etc"):  # Jupyter's data and configuration (extensions, templates)
        link = env / shared
        if not link.exists() and (BIN.parent / shared).exists():
            link.symlink_to(BIN.parent / shared)
    # the course's commands (jupyter, nbgrader, alembic...) on this Python
    for script in BIN.iterdir():
        if not script.is_file() or script.is_symlink() or (env / "bin" / script.name).exists():
            continue
        with script.open("rb") as handle:
            first = handle.readline()
        if first.startswith(b"#!") and Path(first[2:].decode(errors="replace").strip()).parent == BIN:
            copy = env / "bin" / script.name
            copy.write_bytes(f"#!{env / 'bin' / 'python'}\n".encode() + script.read_bytes()[len(first):])
            copy.chmod(0o755)
    return env / "bin" / "python", needs


if AS_ROOT:  # every account runs the course's packages and reads its templates from here
    for needed in (COURSE, Path(sysconfig.get_paths()["purelib"])):
        if not open_to_all(needed):
            refuse(f"{needed} is closed to other accounts (a folder above it lets only its owner in), "
                   "so nobody's server could run the course from it: put the course where every "
                   "account can read it, e.g. /srv/mentorkit.")
USERS_PYTHON, USERS_PYTHON_ENV = users_python()
c.Spawner.cmd = [str(USERS_PYTHON), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = PARTICIPANT_HOME_PAGE
c.Spawner.args = ["--ServerApp.allow_root=False",
                  *[f"--MappingKernelManager.{key}={json.dumps(value)}"
                    for key, value in KERNEL_CULLING.items()]]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.mem_guarantee = None
c.Spawner.environment = {"PATH": os.pathsep.join([str(USERS_PYTHON.parent), "/usr/local/bin:/usr/bin:/bin"]),
                         **USERS_PYTHON_ENV}


def student_config(username: str, home: Path) -> str:
    return (f"c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.CourseDirectory.student_id = {username!r}\n"
            f"c.Exchange.root = {str(EXCHANGE)!r}\n"
            f"c.Exchange.assignment_dir = {str(home / 'assignments')!r}\n"
            "c.ExchangeFactory.submit = 'mentorkit.hub_exchange.SubmitPrivately'\n")


def instructor_config(home: Path) -> str:
    lines = ["c = get_config()  # noqa: F821",
             f"c.CourseDirectory.course_id = {COURSE_ID!r}",
             f"c.CourseDirectory.root = {str(home / 'course')!r}",
             f"c.Exchange.root = {str(EXCHANGE)!r}",
             # the Formgrader and feedback never run a participant's markup (as nbgrader_config.py)
             "c.HTMLExporter.sanitize_html = True",
             "c.HTMLExporter.filters = {'strip_files_prefix':"
             " 'mentorkit.grading_html.strip_files_prefix_clean'}"]
    if AS_ROOT:  # with one account for everyone (not root) there is no owner to check
        lines.append("c.ExchangeFactory.collect = 'mentorkit.hub_exchange.CollectOwnSubmissions'")
    return "\n".join(lines) + "\n"


def first_layout(home: Path, account) -> None:
    """JupyterLab's first layout for a participant, as make start and Binder give it
    (the side panels closed, so that a phone shows the page: mentorkit.launch),
    written by the participant's own account into their home, and only once."""
    workspaces = home / ".jupyter" / "lab" / "workspaces"
    if os.path.lexists(workspaces):
        return  # theirs, as they left it
    code = ("import sys; from pathlib import Path; from mentorkit.launch import seed_workspace; "
            "seed_workspace(Path(sys.argv[1]))")
    as_them = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    env = {"HOME": str(home), "PATH": c.Spawner.environment["PATH"], **USERS_PYTHON_ENV}
    done = subprocess.run([str(USERS_PYTHON), "-c", code, str(workspaces)], cwd=home, env=env,
                          capture_output=True, text=True, timeout=120, **as_them)
    if done.returncode:  # JupyterLab then opens with its own layout: worth a line, not a failed start
        print(f"mentorkit hub: no first JupyterLab layout for {home.name}: {done.stderr.strip()[-300:]}",
              file=sys.stderr, flush=True)


def give_course(spawner) -> None:
    """Copy the course into a user's home the first time; write their nbgrader set-up.

    As root this runs with privileges over a folder its owner controls: it writes
    nothing there but fresh copies of entries that do not exist yet (not even as a
    link), hands them to the owner without following links, and keeps the user's
    configuration in a root-owned folder outside the home."""
    name = spawner.user.name
    instructor = name in INSTRUCTORS
    if AS_ROOT:
        account = pwd.getpwnam(name)
        home = Path(account.pw_dir)
        home.chmod(0o700)
    else:
        account, home = None, Path(spawner.home_dir)
        home.mkdir(parents=True, exist_ok=True)
    fresh: list[Path] = []

    def make_dir(path: Path) -> None:
        if not os.path.lexists(path):
            path.mkdir()
            fresh.append(path)

    target = home / "course" if instructor else home
    make_dir(target)
    if target.is_symlink() or not target.is_dir():
        raise RuntimeError(f"{target} is not a folder: move it away and start again")
    for entry in EVERYONE + (INSTRUCTORS_ONLY if instructor else []):
        source, dest = COURSE / entry, target / entry
        if os.path.lexists(dest) or not source.exists():
            continue  # never overwrite what a user has: their edits are theirs
        if source.is_dir():
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(source, dest)
        fresh.append(dest)
    make_dir(home / "assignments")
    if account is not None:  # what was made here belongs to the user, not to root
        for top in fresh:
            for path in [top, *top.rglob("*")] if top.is_dir() and not top.is_symlink() else [top]:
                os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)

    config_dir = DATA / "config" / name  # read by the user, written by the hub only
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    for folder in (config_dir.parent, config_dir, config_dir / "labconfig"):
        folder.chmod(0o755)
    (config_dir / "migrated").touch()  # jupyter_core's marker: nothing from ~/.ipython to move here
    (config_dir / "nbgrader_config.py").write_text(
        instructor_config(home) if instructor else student_config(name, home), encoding="utf-8")
    # the formgrader and assignment-creation tools only for instructors
    disabled = {} if instructor else {"@jupyter/nbgrader:formgrader": True,
                                      "@jupyter/nbgrader:create-assignment": True}
    (config_dir / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": disabled}), encoding="utf-8")
    server_config = {"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": instructor,
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.course_list": instructor,
        "nbgrader.server_extensions.validate_assignment": True,
        "voila.server_extension": True},
        # Voila pages load no MathJax (the course has no formulas; the default is a CDN)
        "tornado_settings": {"mathjax_url": None, "mathjax_config": None}}}
    if not instructor:  # a participant's next lesson is run ahead, as with make start
        learner = json.loads((LEARNER_LABCONFIG.parent / "jupyter_server_config.json").read_text(
            encoding="utf-8"))
        server_config["ServerApp"]["kernel_manager_class"] = learner["ServerApp"]["kernel_manager_class"]
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(server_config), encoding="utf-8")
    # the learner's JupyterLab defaults, as with make start (share/jupyter/learner): no news pop-up
    (config_dir / "labconfig" / "default_setting_overrides.json").write_text(
        (LEARNER_LABCONFIG / "default_setting_overrides.json").read_text(encoding="utf-8"),
        encoding="utf-8")
    spawner.environment = {**spawner.environment,  # a new dict: never share one between users
                           "JUPYTER_CONFIG_DIR": str(config_dir),
                           # the course's python3 kernel spec (mentorkit/kernel.py)
                           "JUPYTER_PATH": str(LEARNER_LABCONFIG.parent),
                           "JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter" / "lab" / "user-settings"),
                           "JUPYTERLAB_WORKSPACES_DIR": str(home / ".jupyter" / "lab" / "workspaces"),
                           "MENTORKIT_HOME": str(home / ".mentorkit"),
                           "MENTORKIT_COURSE": str(target)}
    if not instructor:  # facilitators grade from the file browser: theirs stays open
        first_layout(home, account)
    spawner.notebook_dir = str(home)
    spawner.default_url = FACILITATOR_HOME_PAGE if instructor else PARTICIPANT_HOME_PAGE


c.Spawner.pre_spawn_hook = give_course
