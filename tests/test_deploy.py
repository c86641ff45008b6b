"""The production set-up (Zero to JupyterHub values) checked without a cluster:
the pieces of Python and shell it carries are run here, for a facilitator and
for a participant. The local hub itself runs for real in test_hub.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VALUES = yaml.safe_load((ROOT / "deploy" / "jupyterhub" / "z2jh-values.yaml").read_text(encoding="utf-8"))


def test_values_have_the_course_set_up():
    single = VALUES["singleuser"]
    assert single["defaultUrl"].endswith("modules/00-welcome.ipynb")
    assert VALUES["cull"]["enabled"] is True and VALUES["cull"]["timeout"] > 0
    mounts = {m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    assert "/srv/nbgrader/exchange" in mounts
    culling = single["extraFiles"]["kernel-culling"]["data"]["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0
    instructors = set(VALUES["hub"]["config"]["Authenticator"]["admin_users"])
    assert instructors <= set(VALUES["hub"]["config"]["Authenticator"]["allowed_users"])


class FakeSpawner:
    def __init__(self, name):
        self.user = type("User", (), {"name": name})()
        self.environment, self.args = {}, []


def run_hub_hook(name):
    namespace = {"c": type("C", (), {"KubeSpawner": type("K", (), {})()})()}
    exec(compile(VALUES["hub"]["extraConfig"]["mentorkit"], "extraConfig", "exec"), namespace)
    spawner = FakeSpawner(name)
    namespace["c"].KubeSpawner.pre_spawn_hook(spawner)
    return spawner


def test_only_facilitators_get_the_formgrader():
    facilitator, participant = run_hub_hook("facilitator"), run_hub_hook("amartin")
    assert facilitator.environment["MENTORKIT_ROLE"] == "instructor"
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=True" in facilitator.args
    assert participant.environment["MENTORKIT_ROLE"] == "student"
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False" in participant.args


def nbgrader_config(role, user, home):
    config = type("Config", (), {})()
    for section in ("CourseDirectory", "Exchange"):
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
    assert student.Exchange.root == "/srv/nbgrader/exchange"
    assert student.Exchange.assignment_dir == str(tmp_path / "assignments")
    instructor = nbgrader_config("instructor", "facilitator", tmp_path)
    assert instructor.CourseDirectory.root == str(tmp_path / "mentorkit")
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
    env = {**os.environ, "HOME": str(home), "MENTORKIT_ROLE": role}
    subprocess.run(["sh", "-c", script], env=env, check=True, timeout=30)
    course = home / "mentorkit"
    assert (course / "modules" / "file.txt").read_text() == "the learner's own edit"
    assert (course / "exercises" / "file.txt").exists() and (course / "voila.json").exists()
    assert (home / "assignments").is_dir()
    assert (course / "source").exists() == (role == "instructor")
    # a second start changes nothing, and an image without source/ is no error
    subprocess.run(["rm", "-rf", str(image / "source")], check=True)
    subprocess.run(["sh", "-c", script], env=env, check=True, timeout=30)
