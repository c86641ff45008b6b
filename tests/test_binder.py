"""Binder smoke test: build an environment from binder/ alone, as repo2docker
would (requirements.txt, then postBuild), start JupyterLab as Binder does,
and open the course home and a self-assessment in Voila."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys

import pytest

from .notebook_checks import ROOT
from .servers import Server, free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("binder")
    repo = base / "repo"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    venv = base / "venv"
    python = getattr(sys, "_base_executable", None) or shutil.which("python3")
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
         "-r", "binder/requirements.txt"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=1500,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    post = subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=600)
    assert post.returncode == 0, post.stdout[-2000:] + post.stderr[-3000:]
    return repo, venv, env


def test_post_build_fails_loudly(tmp_path):
    """postBuild stops at the first failing step (Binder would otherwise carry on)."""
    script = (ROOT / "binder" / "postBuild").read_text().replace(
        "python -m pip install", "false && python -m pip install", 1)
    broken = tmp_path / "postBuild"
    broken.write_text(script)
    result = subprocess.run(["bash", str(broken)], cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode != 0


def test_binder_serves_the_course_home_and_a_voila_app(binder_env):
    repo, venv, env = binder_env
    token = secrets.token_hex(16)
    port = free_port()
    argv = [str(venv / "bin" / "jupyter"), "lab", "--no-browser", f"--port={port}",
            "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    with Server(argv, port, cwd=repo, env=env, token=token) as lab:
        lab.start("/api/status")
        status, body = lab.get("/lab/tree/modules/00-welcome.ipynb")
        assert status == 200, lab.log_tail()
        config = json.loads(re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', body, re.S
        ).group(1))
        # self-paced learners get nbgrader's Validate, not the instructor's tools
        disabled = config["disabledExtensions"]
        for tool in ("formgrader", "create-assignment", "course-list"):
            assert f"@jupyter/nbgrader:{tool}" in disabled
        assert "@jupyter/nbgrader:validate-assignment" not in disabled
        # the learner's JupyterLab defaults, as with make start: no news pop-up
        status, body = lab.get("/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert json.loads(body)["schema"]["properties"]["fetchNews"]["default"] == "false"
        # the learner's badge: the course home as an app, with its header and no code
        status, body = lab.get("/voila/render/modules/00-welcome.ipynb")
        assert status == 200, lab.log_tail()
        assert 'class="mk-header"' in body and "from mentorkit" not in body
        assert '"fullMathjaxUrl": null' in body  # no MathJax from a CDN
        status, body = lab.get("/voila/render/exercises/self-assessments/competencies.ipynb")
        assert status == 200, lab.log_tail()
        assert "Mentoring competencies" in body
        assert "import mentorkit" not in body  # Voila strips the code
