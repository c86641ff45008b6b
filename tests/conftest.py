"""Shared fixtures: an isolated learner store, and a real Chromium for the
browser tests (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_configure(config):
    """Notebook kernels started by nbval inherit this: a throwaway learner store."""
    import tempfile

    os.environ["MENTORKIT_HOME"] = tempfile.mkdtemp(prefix="mentorkit-test-home-")


@pytest.fixture(autouse=True)
def mentorkit_home(tmp_path_factory, monkeypatch):
    """Every test gets its own learner store; nothing touches ~/.mentorkit."""
    home = tmp_path_factory.mktemp("learner")
    monkeypatch.setenv("MENTORKIT_HOME", str(home))
    return home


@pytest.fixture
def repo_root() -> Path:
    return ROOT


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM")
    if configured:
        if not os.access(configured, os.X_OK):
            pytest.fail(f"CHROMIUM={configured} is not an executable file", pytrace=False)
        return configured
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _install_debian_chromium() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env,
                   timeout=1200)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Chromium to drive: $CHROMIUM, then /usr/bin/chromium; installed with
    apt-get when missing and running as root on Debian or Ubuntu."""
    path = find_chromium()
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        _install_debian_chromium()
        path = find_chromium()
    if path is None:
        pytest.fail(
            "No Chromium found for the browser tests. Install Debian's or Ubuntu's package "
            "(sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium, then run "
            "make test again.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh page; console errors are collected in ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    new_page = context.new_page()
    new_page.console_errors = []
    new_page.on(
        "console", lambda msg: msg.type == "error" and new_page.console_errors.append(msg.text)
    )
    new_page.on("pageerror", lambda exc: new_page.console_errors.append(str(exc)))
    yield new_page
    context.close()


# -- a Voila server for a module's browser tests ---------------------------------------
@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    """The learner's store (MENTORKIT_HOME) behind ``server``; a module that needs
    a store with something in it overrides this fixture."""
    return tmp_path_factory.mktemp("voila-learner")


@pytest.fixture(scope="module")
def server(learner):
    """Voila serving the course, with ``learner``'s store, for one test module."""
    from .servers import voila

    with voila(env={"MENTORKIT_HOME": str(learner)}) as running:
        running.start("/voila/")
        yield running
