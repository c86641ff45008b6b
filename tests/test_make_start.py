"""`make start` serves JupyterLab on the course home (token auth kept on)."""

import secrets
import urllib.error
import urllib.request

import pytest

from .notebook_checks import ROOT
from .servers import Server, free_port

pytestmark = pytest.mark.slow


def test_make_start_serves_the_course_home():
    port, token = free_port(), secrets.token_hex(12)
    with Server(["make", "start", f"PORT={port}"], port, cwd=ROOT,
                env={"JUPYTER_TOKEN": token, "DISPLAY": ""}, token=token) as lab:
        lab.start("/api/status", timeout=600)
        status, _ = lab.get("/lab/tree/modules/00-welcome.ipynb")
        assert status == 200
        # token auth is on: the API refuses a request without it
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/modules", timeout=30)
        assert refused.value.code in (401, 403)
        log = lab.log_tail(200)
        assert "00-welcome.ipynb" in log and "--no-browser" in log
