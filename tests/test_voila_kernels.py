"""A Voila page that a learner closes or reloads gives its kernel back at once.

On unload, Voila's front end posts /voila/api/shutdown/<kernel> with an ``_xsrf``
form field copied from the ``_xsrf`` cookie. Voila never sets that cookie, so
without the course template's fix the server answers 403 and the kernel lives
on until the culler stops it (15 minutes; on Binder that fills the 2 GB). These
tests drive a real Chromium against real servers and watch the kernel itself:

- standalone ``voila`` (the ``voila`` command, as the other browser tests use it): it
  has no kernel list, so the page's kernel is looked up by id
  (/api/kernels/<id>, 404 once gone) and its process among the server's children;
- Voila as a Jupyter server extension, with token auth on: /api/kernels lists them;
- the course's JupyterHub (deploy/jupyterhub), where the hub's login already
  sets a signed `_xsrf` cookie: the template must not get in its way (in
  test_hub.py, on the hub that module shares, with these helpers).

One more test checks that Voila's own "lab" template still has the bug, so the
others are known to catch it; once Voila fixes it upstream (voila#1458), that
test fails and the block in the course template can go.
"""

from __future__ import annotations

import json
import secrets
import time

import psutil
import pytest

from .servers import BIN, ROOT, Server, free_port, voila

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE = "/voila/render/exercises/self-assessments/competencies.ipynb"
GONE_WITHIN = 10.0  # seconds; a refused shutdown leaves the kernel for the culler's 15 min


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    home = tmp_path_factory.mktemp("voila-kernels")
    with voila(env={"MENTORKIT_HOME": str(home)}) as running:
        running.start("/voila/")
        yield running


@pytest.fixture(scope="module")
def extension(tmp_path_factory):
    """Jupyter Server with its Voila extension (JupyterLab's and Binder's /voila/render),
    token auth on."""
    home = tmp_path_factory.mktemp("voila-ext-kernels")
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        str(BIN / "jupyter"), "server", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
        f"--ServerApp.root_dir={ROOT}", f"--IdentityProvider.token={token}",
    ]
    with Server(argv, port, cwd=ROOT, env={"MENTORKIT_HOME": str(home)}, token=token) as running:
        running.start("/api/status")
        yield running


def api_json(server: Server, path: str):
    """(status, parsed body) of a GET on the server's REST API."""
    status, body = server.get(path, timeout=30)
    return status, (json.loads(body) if body.strip().startswith(("{", "[")) else body)


def kernel_processes(server: Server) -> set[int]:
    """Process ids of the kernels the server has started (its ipykernel children)."""
    found = set()
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.add(child.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def open_page(page, url: str) -> str:
    """Open the self-assessment, wait for its widgets; the page's kernel id."""
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.get_by_role("button", name="See my results").wait_for(timeout=120_000)
    return json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]


def failed_responses(page) -> list[str]:
    found: list[str] = []
    page.on("response", lambda r: r.status >= 400 and found.append(f"{r.status} {r.url}"))
    return found


def refused_shutdowns(log: str, kernel_id: str) -> list[str]:
    """Lines of a server log about a refused shutdown request for this kernel."""
    return [line for line in log.splitlines()
            if f"/voila/api/shutdown/{kernel_id}" in line
            and ("403" in line or "xsrf" in line.lower())]


def wait_until(check, what: str, log, timeout: float = GONE_WITHIN) -> None:
    """Poll ``check`` until it holds; on failure show the end of the server's ``log()``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    tail = "\n".join(log().splitlines()[-15:])
    pytest.fail(f"{what} within {timeout:.0f} s. The server's log ends:\n{tail}")


def kernel_alive(server: Server, kernel_id: str) -> bool:
    status, model = api_json(server, f"/api/kernels/{kernel_id}")
    if status == 200:
        assert model["id"] == kernel_id
        return True
    assert status == 404, (status, model)
    return False


def server_log(server: Server):
    return lambda: server.log_tail(5000)


def test_closing_the_page_shuts_its_kernel_down(browser, standalone):
    context = browser.new_context()
    page = context.new_page()
    failed = failed_responses(page)
    before = kernel_processes(standalone)
    kernel_id = open_page(page, standalone.url(PAGE))
    assert kernel_alive(standalone, kernel_id)
    started = kernel_processes(standalone) - before
    assert len(started) == 1, f"expected one new kernel process, found {started}"

    page.close(run_before_unload=True)
    wait_until(lambda: not kernel_alive(standalone, kernel_id),
               f"kernel {kernel_id} still running after the page was closed", server_log(standalone))
    wait_until(lambda: not (kernel_processes(standalone) & started),
               "the kernel process did not exit", server_log(standalone))
    assert f"Kernel shutdown: {kernel_id}" in standalone.log_tail(5000)
    assert refused_shutdowns(standalone.log_tail(5000), kernel_id) == []
    assert failed == []
    context.close()


def test_reloading_the_page_replaces_its_kernel(page, standalone):
    failed = failed_responses(page)
    first = open_page(page, standalone.url(PAGE))
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("button", name="See my results").wait_for(timeout=120_000)
    second = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
    assert second != first and kernel_alive(standalone, second)
    wait_until(lambda: not kernel_alive(standalone, first),
               f"kernel {first} of the page before the reload still running", server_log(standalone))
    assert refused_shutdowns(standalone.log_tail(5000), first) == []
    assert failed == []
    assert [e for e in page.console_errors if "403" in e] == []


def test_voilas_own_lab_template_still_refuses_the_shutdown(browser, standalone):
    """The control: the same page in Voila's stock template loses its kernel to
    the 403. If this fails, Voila sets the cookie itself now (voila#1458): drop
    the xsrf block of share/jupyter/voila/templates/mentorkit/index.html.j2."""
    context = browser.new_context()
    page = context.new_page()
    page.route(lambda url: "127.0.0.1" not in url, lambda route: route.abort())  # its CDN CSS
    kernel_id = open_page(page, standalone.url(PAGE + "?template=lab"))
    page.close(run_before_unload=True)
    wait_until(lambda: refused_shutdowns(standalone.log_tail(5000), kernel_id),
               f"no refused shutdown of kernel {kernel_id} with the stock template",
               server_log(standalone))
    assert kernel_alive(standalone, kernel_id)
    context.close()


def test_as_a_server_extension_closing_the_page_shuts_its_kernel_down(browser, extension):
    context = browser.new_context()
    page = context.new_page()
    failed = failed_responses(page)
    status, before = api_json(extension, "/api/kernels")
    assert status == 200, before
    kernel_id = open_page(page, extension.url(PAGE))
    status, running = api_json(extension, "/api/kernels")
    assert {k["id"] for k in running} == {k["id"] for k in before} | {kernel_id}

    page.close(run_before_unload=True)
    wait_until(lambda: kernel_id not in {k["id"] for k in api_json(extension, "/api/kernels")[1]},
               f"kernel {kernel_id} still listed after the page was closed", server_log(extension))
    assert len(api_json(extension, "/api/kernels")[1]) == len(before)
    assert refused_shutdowns(extension.log_tail(5000), kernel_id) == []
    assert failed == []
    context.close()


@pytest.mark.parametrize("where", ["standalone", "extension"])
def test_the_lost_kernel_notice_stays_hidden_while_the_kernel_lives(browser, request, where):
    """The page asks the server for its kernel (kernel_watch.html.j2); while the kernel
    lives the answer is yes, under Voila alone and as JupyterLab's extension alike.
    The notice appearing when the kernel goes is checked on the hub (test_hub.py)."""
    server = request.getfixturevalue(where)
    context = browser.new_context()
    page = context.new_page()
    failed = failed_responses(page)
    open_page(page, server.url(PAGE))
    page.evaluate("() => window.mkCheckKernel()")
    page.wait_for_timeout(2000)
    assert page.locator("#mk-kernel-lost").is_hidden()
    assert failed == []
    context.close()
