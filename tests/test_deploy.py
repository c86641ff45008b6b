"""The production set-up (Zero to JupyterHub values) checked without a cluster:
the values (and each single sign-on overlay) against the chart's own schema,
and the pieces of Python and shell they carry, run for a facilitator and for a
participant. The local hub itself runs for real in test_hub.py."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mentorkit.hub_exchange import pod_uid

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "jupyterhub"
VALUES = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text(encoding="utf-8"))
OVERLAYS = sorted(DEPLOY.glob("z2jh-auth-*.yaml"))
# The chart's values schema and defaults, kept outside the repository (never committed).
CHART = ROOT.parent / "shared" / "reference" / "z2jh"


def merged(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.mark.parametrize("overlay", [None, *OVERLAYS], ids=lambda p: p.name if p else "z2jh-values.yaml")
def test_values_are_valid_for_the_chart(overlay):
    schema_file, defaults_file = CHART / "values.schema.yaml", CHART / "values.yaml"
    if not schema_file.exists():
        pytest.skip(f"the Zero to JupyterHub chart's schema is not on this machine ({schema_file})")
    import jsonschema

    schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    values = merged(yaml.safe_load(defaults_file.read_text(encoding="utf-8")), VALUES)
    if overlay is not None:
        values = merged(values, yaml.safe_load(overlay.read_text(encoding="utf-8")))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(values), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_the_schema_check_catches_a_misspelt_key():
    """The control: the same check refuses a value the chart does not know."""
    schema_file = CHART / "values.schema.yaml"
    if not schema_file.exists():
        pytest.skip(f"the Zero to JupyterHub chart's schema is not on this machine ({schema_file})")
    import jsonschema

    schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    values = merged(yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8")), VALUES)
    values["singleuser"]["defaultURL"] = "/lab"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(values))


def test_single_sign_on_https_and_no_admins():
    config = VALUES["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "generic-oauth"
    assert "openid" in config["GenericOAuthenticator"]["scope"]
    assert "client_secret" not in json.dumps(VALUES)  # secrets live in a private values file
    assert config["Authenticator"]["admin_users"] == []
    assert VALUES["proxy"]["https"]["enabled"] is True
    kinds = {yaml.safe_load(p.read_text())["hub"]["config"]["JupyterHub"]["authenticator_class"]
             for p in OVERLAYS}
    assert kinds == {"azuread", "generic-oauth"}


def test_one_culling_policy_everywhere():
    policy = json.loads((ROOT / "voila.json").read_text())["MappingKernelManager"]
    binder = json.loads((ROOT / "binder" / "jupyter_server_config.json").read_text())["MappingKernelManager"]
    kube = VALUES["singleuser"]["extraFiles"]["kernel-culling"]["data"]["MappingKernelManager"]
    assert policy == binder == kube
    assert policy["cull_connected"] is False  # a page still open keeps its kernel
    assert policy["cull_idle_timeout"] > 0


def test_the_kubernetes_server_settings_are_files_jupyter_reads(tmp_path, monkeypatch):
    """Each settings file the values mount under /etc/jupyter is read by the
    single-user server: written where the values put it, on a Jupyter config path."""
    from jupyter_server.serverapp import ServerApp

    files = VALUES["singleuser"]["extraFiles"]
    for name in ("kernel-culling", "learner-lab-settings"):
        mount = Path(files[name]["mountPath"])
        target = tmp_path / mount.relative_to("/etc/jupyter")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(files[name]["data"]))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path))
    app = ServerApp()
    app.load_config_file()
    policy = json.loads((ROOT / "voila.json").read_text())["MappingKernelManager"]
    assert dict(app.config.MappingKernelManager) == policy
    assert app.config.ServerApp.tornado_settings == {"mathjax_url": None, "mathjax_config": None}
    learner = json.loads((ROOT / "share" / "jupyter" / "learner" / "labconfig" /
                          "default_setting_overrides.json").read_text())
    assert files["learner-lab-settings"]["data"] == learner

    # the next lesson run ahead, as make start and Binder have it
    server = json.loads((ROOT / "share" / "jupyter" / "learner" / "jupyter_server_config.json").read_text())
    assert app.config.ServerApp.kernel_manager_class == server["ServerApp"]["kernel_manager_class"]


def test_the_kernel_manager_the_learner_servers_name_is_a_real_one():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets.utils.importstring import import_item

    server = json.loads((ROOT / "share" / "jupyter" / "learner" / "jupyter_server_config.json").read_text())
    manager = import_item(server["ServerApp"]["kernel_manager_class"])
    assert issubclass(manager, AsyncMappingKernelManager)
    assert hasattr(manager, "get_rendered_notebook")  # what Voila's handler asks for


def test_values_have_the_course_set_up():
    single = VALUES["singleuser"]
    assert single["defaultUrl"] == "/voila/render/mentorkit/modules/00-welcome.ipynb"
    assert VALUES["cull"]["enabled"] is True and VALUES["cull"]["timeout"] > 0
    mounts = {m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    assert "/srv/nbgrader/exchange" in mounts
    culling = single["extraFiles"]["kernel-culling"]["data"]["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0


class FakeSpawner:
    def __init__(self, name):
        self.user = type("User", (), {"name": name})()
        self.environment, self.args, self.default_url = {}, [], None


def hub_extra_config():
    namespace = {"c": type("C", (), {"KubeSpawner": type("K", (), {})()})()}
    exec(compile(VALUES["hub"]["extraConfig"]["mentorkit"], "extraConfig", "exec"), namespace)
    return namespace


def run_hub_hook(name):
    spawner = FakeSpawner(name)
    hub_extra_config()["c"].KubeSpawner.pre_spawn_hook(spawner)
    return spawner


def test_each_pod_runs_as_a_uid_of_its_own():
    kube = hub_extra_config()["c"].KubeSpawner
    roster = VALUES["hub"]["config"]["Authenticator"]["allowed_users"]
    uids = {name: kube.uid(FakeSpawner(name)) for name in roster}
    assert len(set(uids.values())) == len(roster), uids
    assert all(uid >= 200_000 and uid != 1000 for uid in uids.values())
    assert all(kube.gid(FakeSpawner(name)) == uid for name, uid in uids.items())
    # the facilitator's collect checks submissions against the same rule
    assert all(pod_uid(name) == uid for name, uid in uids.items())


def test_facilitators_land_in_jupyterlab_participants_in_voila():
    assert run_hub_hook("facilitator").default_url.startswith("/lab/tree/mentorkit/")
    assert run_hub_hook("amartin").default_url is None  # singleuser.defaultUrl: the course home in Voila
    instructors = hub_extra_config()["INSTRUCTORS"]
    assert instructors <= set(VALUES["hub"]["config"]["Authenticator"]["allowed_users"])


def test_only_facilitators_get_the_formgrader():
    facilitator, participant = run_hub_hook("facilitator"), run_hub_hook("amartin")
    assert facilitator.environment["MENTORKIT_ROLE"] == "instructor"
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=True" in facilitator.args
    assert participant.environment["MENTORKIT_ROLE"] == "student"
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False" in participant.args


def nbgrader_config(role, user, home):
    config = type("Config", (), {})()
    for section in ("CourseDirectory", "Exchange", "ExchangeFactory", "HTMLExporter"):
        setattr(config, section, type(section, (), {})())
    env = {"MENTORKIT_ROLE": role, "JUPYTERHUB_USER": user, "HOME": str(home)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        source = VALUES["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
        exec(source, {"get_config": lambda: config})
    return config


def test_nbgrader_config_per_role(tmp_path):
    student = nbgrader_config("student", "amartin", tmp_path)
    assert student.CourseDirectory.student_id == "amartin"
    assert student.ExchangeFactory.submit == "mentorkit.hub_exchange.SubmitPrivately"
    assert student.Exchange.root == "/srv/nbgrader/exchange"
    assert student.Exchange.assignment_dir == str(tmp_path / "assignments")
    instructor = nbgrader_config("instructor", "facilitator", tmp_path)
    assert instructor.CourseDirectory.root == str(tmp_path / "mentorkit")
    assert instructor.ExchangeFactory.collect == "mentorkit.hub_exchange.CollectOwnSubmissions"
    assert instructor.HTMLExporter.sanitize_html is True
    # the same settings as the course's nbgrader_config.py (the workshop hub's)
    course = nbgrader_config_file(ROOT / "nbgrader_config.py")
    assert instructor.HTMLExporter.filters == course.HTMLExporter.filters
    assert not hasattr(instructor.CourseDirectory, "student_id")


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_post_start_copies_the_course_once(tmp_path, role):
    image = tmp_path / "image"
    for part in ("modules", "exercises", "docs", "source"):
        (image / part).mkdir(parents=True)
        (image / part / "file.txt").write_text("from the image")
    for part in ("README.md", "voila.json", "nbgrader_config.py"):
        (image / part).write_text("from the image")
    home = tmp_path / "home"
    (home / "mentorkit" / "modules").mkdir(parents=True)
    (home / "mentorkit" / "modules" / "file.txt").write_text("the learner's own edit")
    script = VALUES["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"][2]
    script = script.replace("/srv/mentorkit", str(image))
    # the image's python3 is the course's
    env = {**os.environ, "HOME": str(home), "MENTORKIT_ROLE": role,
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    subprocess.run(["sh", "-c", script], env=env, check=True, timeout=60)
    course = home / "mentorkit"
    assert (course / "modules" / "file.txt").read_text() == "the learner's own edit"
    assert (course / "exercises" / "file.txt").exists() and (course / "voila.json").exists()
    assert (home / "assignments").is_dir()
    assert (course / "source").exists() == (role == "instructor")
    # participants' JupyterLab opens with its side panels closed, as with make start;
    # facilitators, who grade from the file browser, keep JupyterLab's own layout
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    layout = WorkspacesManager(str(home / ".jupyter" / "lab" / "workspaces")).load("default")["data"]
    collapsed = layout.get("layout-restorer:data", {}).get("left", {}).get("collapsed", False)
    assert collapsed == (role == "student")
    # a second start changes nothing, and an image without source/ is no error
    subprocess.run(["rm", "-rf", str(image / "source")], check=True)
    subprocess.run(["sh", "-c", script], env=env, check=True, timeout=30)


def nbgrader_config_file(path: Path):
    from traitlets.config import Config

    config = Config()
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    return config


def test_every_notebook_carries_the_language_info_the_course_kernel_reports():
    """JupyterLab writes the kernel's language_info into a notebook it opens; when
    the notebook already has exactly that, opening it marks nothing modified."""
    import subprocess

    from jupyter_client.kernelspec import KernelSpecManager

    from mentorkit import launch
    from mentorkit.kernel import LANGUAGE_INFO

    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert len(tracked) > 40
    different = [path for path in tracked
                 if json.loads((ROOT / path).read_text(encoding="utf-8"))["metadata"].get("language_info")
                 != LANGUAGE_INFO]
    assert different == [], f"run the course kernel's language_info into {different}"
    # the learner's server finds the course kernel as python3
    env = launch.server_env(ROOT)
    spec_dir = [p for p in env["JUPYTER_PATH"].split(os.pathsep) if p][0]
    spec = KernelSpecManager(kernel_dirs=[str(Path(spec_dir) / "kernels")]).get_kernel_spec("python3")
    assert "--IPKernelApp.kernel_class=mentorkit.kernel.CourseKernel" in spec.argv
    assert spec.argv[0] == "python"  # jupyter_client runs it with the server's own Python
