"""JupyterHub for a mentorkit cohort on one machine (a workshop, or a test).

    make hub                                   # from the course folder
    MENTORKIT_HUB_PASSWORD=... make hub        # the password every participant types

Who is who
    Instructors (graders) and students are listed in ``roster.csv`` beside
    this file (columns ``username,role``; role ``instructor`` or ``student``),
    or in the environment: ``MENTORKIT_INSTRUCTORS`` and ``MENTORKIT_STUDENTS``,
    comma-separated. Only listed users can log in.

What each user gets
    Their own home folder under ``$MENTORKIT_HUB_DATA/homes/<username>``,
    with the course (lessons, scenarios, self-assessments) copied in at first
    start and never overwritten after, so nothing a learner wrote is lost.
    Instructors also get ``source/`` and the course's ``nbgrader_config.py``
    and run the formgrader; students get the Assignments tab. nbgrader's
    exchange is one folder shared by all (``$MENTORKIT_HUB_DATA/exchange``).
    Voila is available in every server (``/user/<name>/voila/render/...``).

Culling
    Idle single-user servers are stopped after an hour (jupyterhub-idle-culler),
    idle kernels after 15 minutes, as in ``voila.json``.

This spawner runs every server as the hub's own OS user: right for a
workshop laptop or a test, not for production, where Zero to JupyterHub on
Kubernetes (``z2jh-values.yaml``) gives each user a container.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
COURSE = HERE.parents[1]
BIN = Path(sys.executable).parent
DATA = Path(os.environ.get("MENTORKIT_HUB_DATA", HERE / "state")).resolve()
EXCHANGE = DATA / "exchange"
COURSE_ID = "mentorkit"
IP = os.environ.get("MENTORKIT_HUB_IP", "127.0.0.1")
PORT = int(os.environ.get("MENTORKIT_HUB_PORT", "8000"))
# Given to every user, and to instructors on top of it:
EVERYONE = ["modules", "exercises", "docs", "README.md", "voila.json"]
INSTRUCTORS_ONLY = ["source", "nbgrader_config.py"]


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


INSTRUCTORS, STUDENTS = roster()
DATA.mkdir(parents=True, exist_ok=True)
EXCHANGE.mkdir(parents=True, exist_ok=True)
EXCHANGE.chmod(0o777)  # nbgrader's exchange: every user writes to it

# -- the hub and its proxy ----------------------------------------------------------------
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("MENTORKIT_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('MENTORKIT_PROXY_API_PORT', '8001')}"
proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(proxy) if proxy.exists() else "configurable-http-proxy"]
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(DATA / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(DATA / "proxy.pid")

# -- who may log in ---------------------------------------------------------------------
password = os.environ.get("MENTORKIT_HUB_PASSWORD", "")
if password:
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = password
else:
    if IP not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("mentorkit hub: set MENTORKIT_HUB_PASSWORD before opening the hub to the "
                         f"network ({IP}); without it anyone could log in as a listed user.")
    c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = set(INSTRUCTORS) | set(STUDENTS)

# A token for scripts (the tests, a facilitator's own tooling): an admin service.
services = []
roles = []
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
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(DATA / "homes" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/modules/00-welcome.ipynb"
c.Spawner.args = [
    "--ServerApp.allow_root=True" if os.geteuid() == 0 else "--ServerApp.allow_root=False",
    # kernels a closed tab leaves behind (Voila never shuts them itself)
    "--MappingKernelManager.cull_idle_timeout=900",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.mem_guarantee = None
c.Spawner.environment = {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def student_config(username: str, home: Path) -> str:
    return (f"c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.CourseDirectory.student_id = {username!r}\n"
            f"c.Exchange.root = {str(EXCHANGE)!r}\n"
            f"c.Exchange.assignment_dir = {str(home / 'assignments')!r}\n")


def instructor_config(home: Path) -> str:
    return (f"c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.CourseDirectory.root = {str(home / 'course')!r}\n"
            f"c.Exchange.root = {str(EXCHANGE)!r}\n")


def give_course(spawner) -> None:
    """Copy the course into a user's home the first time; write their nbgrader set-up."""
    name = spawner.user.name
    home = Path(spawner.home_dir)
    instructor = name in INSTRUCTORS
    target = home / "course" if instructor else home
    target.mkdir(parents=True, exist_ok=True)
    for entry in EVERYONE + (INSTRUCTORS_ONLY if instructor else []):
        source, dest = COURSE / entry, target / entry
        if dest.exists() or not source.exists():
            continue  # never overwrite what a user has: their edits are theirs
        if source.is_dir():
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(source, dest)
    (home / "assignments").mkdir(exist_ok=True)
    config_dir = home / ".jupyter"
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    (config_dir / "nbgrader_config.py").write_text(
        instructor_config(home) if instructor else student_config(name, home), encoding="utf-8")
    # the formgrader and assignment-creation tools only for instructors
    disabled = {} if instructor else {"@jupyter/nbgrader:formgrader": True,
                                      "@jupyter/nbgrader:create-assignment": True}
    (config_dir / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": disabled}), encoding="utf-8")
    (config_dir / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": instructor,
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.course_list": instructor,
        "nbgrader.server_extensions.validate_assignment": True,
        "voila.server_extension": True}}}), encoding="utf-8")
    spawner.environment = {**spawner.environment,  # a new dict: never share one between users
                           "JUPYTER_CONFIG_DIR": str(config_dir),
                           "MENTORKIT_HOME": str(home / ".mentorkit"),
                           "MENTORKIT_COURSE": str(target)}
    spawner.notebook_dir = str(home)
    if instructor:
        spawner.default_url = "/lab/tree/course/modules/00-welcome.ipynb"


c.Spawner.pre_spawn_hook = give_course
