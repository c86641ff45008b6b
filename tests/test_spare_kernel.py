"""The spare kernel: a first visit to a page is answered by a kernel that was
started, with the course's modules imported, before the learner asked.

The learner's server (mentorkit.kernels.NextLessonKernelManager, as `make
start`, Binder and the hub configure it) keeps one such kernel. When Voila asks
for a kernel for a page that was not run ahead, it gets the spare, moved to the
page's folder and given the page's request (QUERY_STRING and the rest of what
Voila passes), and a new spare is started a moment later. These tests run a
real learner's server over a scratch folder holding a probe notebook that
prints where it runs, and read what the page shows and which kernel served it.

Also here: Voila's templates compiled once per server (a shared Jinja bytecode
cache), and content files read once per kernel (content.load_cached).
"""

from __future__ import annotations

import json
import re
import secrets
import time
import urllib.request
from html import unescape
from pathlib import Path

import pytest

from mentorkit import launch

from .servers import ROOT, Server, free_port, kernel_process, started_env

PROBE = r'''
import json, os, sys
print("PROBE" + json.dumps({
    "cwd": os.getcwd(),
    "query": os.environ.get("QUERY_STRING"),
    "script": os.environ.get("SCRIPT_NAME"),
    "software": os.environ.get("SERVER_SOFTWARE"),
    "preheat": os.environ.get("VOILA_PREHEAT"),
    "leftovers": sorted(n for n in globals() if n.startswith("_mk")),
    "warm": "mentorkit.ui.scenario_player" in sys.modules,
}) + "END")
'''
SERVED: set[str] = set()  # kernels that have served a page: no longer the spare
IDLE_CULL = 3  # seconds: the server culls idle kernels quickly, so a test can see the spare is spared
LEAVE = 5  # seconds between a page left and its kernel's shutdown, long here to be seen


def _notebook(code: str) -> str:
    from mentorkit.kernel import LANGUAGE_INFO

    return json.dumps({
        "cells": [{"cell_type": "code", "id": "probe", "metadata": {}, "outputs": [],
                   "execution_count": None, "source": code}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}, "language_info": LANGUAGE_INFO},
        "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture(scope="module")
def learner_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spare-kernel")
    (folder / "probe").mkdir()
    (folder / "probe" / "where.ipynb").write_text(_notebook(PROBE), encoding="utf-8")
    for name in ("exercises", "modules", "release", "share", "voila.json"):
        (folder / name).symlink_to(ROOT / name)
    port, token = free_port(), secrets.token_hex(12)
    env = {**launch.server_env(ROOT), "MENTORKIT_COURSE": str(ROOT),
           "MENTORKIT_HOME": str(folder / "learner")}
    argv = launch.server_argv(folder, port, token) + [
        f"--MappingKernelManager.cull_idle_timeout={IDLE_CULL}",
        "--MappingKernelManager.cull_interval=1", f"--NextLessonKernelManager.leave_delay={LEAVE}"]
    with Server(argv, port, cwd=folder, env=env, token=token) as server:
        server.start("/api/status")
        server.folder = folder
        yield server


def _kernel_ids(server) -> list[str]:
    with urllib.request.urlopen(server.url("/api/kernels"), timeout=10) as response:
        return [kernel["id"] for kernel in json.loads(response.read())]


def spare_kernel(server, timeout: float = 60) -> str:
    """The id of the server's spare kernel: started as a page's kernel
    (VOILA_PREHEAT False) before any request named a page, and not yet given
    to one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for kernel_id in _kernel_ids(server):
            env = started_env(server, kernel_id) or {}
            if (kernel_id not in SERVED and env.get("VOILA_PREHEAT") == "False"
                    and "SCRIPT_NAME" not in env):
                return kernel_id
        time.sleep(0.3)
    pytest.fail(f"no spare kernel within {timeout} s; kernels: {_kernel_ids(server)}\n"
                f"{server.log_tail(2000)}")


def _render(server, path: str) -> tuple[str, dict]:
    """A Voila page's kernel id and what the probe printed."""
    with urllib.request.urlopen(server.url(f"/voila/render/{path}"), timeout=120) as response:
        html = response.read().decode()
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
    printed = re.search(r"PROBE(.*?)END", html)
    assert kernel and printed, html[-3000:]
    SERVED.add(kernel.group(1))
    return kernel.group(1), json.loads(unescape(printed.group(1)))


@pytest.mark.slow
def test_a_first_visit_is_served_by_the_spare_moved_to_the_pages_folder_and_request(learner_server):
    spare = spare_kernel(learner_server)
    kernel, seen = _render(learner_server, "probe/where.ipynb?topic=feedback&step=2")
    assert kernel == spare, "the page was given a kernel of its own, not the spare"
    assert Path(seen["cwd"]).resolve() == (learner_server.folder / "probe").resolve()
    assert seen["query"].startswith("topic=feedback&step=2")
    assert seen["script"].endswith("/voila/render/probe/where.ipynb")
    assert seen["software"].startswith("voila/") and seen["preheat"] == "False"
    assert seen["leftovers"] == [], "the names used to move the kernel were left in the page"
    assert seen["warm"], "the course's page modules were not imported ahead"

    # a new spare follows, and the next visit, with another query, gets it
    second = spare_kernel(learner_server)
    kernel, seen = _render(learner_server, "probe/where.ipynb?topic=sponsorship")
    assert kernel == second
    assert seen["query"].startswith("topic=sponsorship") and "feedback" not in seen["query"]


@pytest.mark.slow
def test_jupyterlab_never_gets_the_spare_and_the_culler_leaves_it(learner_server):
    spare = spare_kernel(learner_server)
    request = urllib.request.Request(learner_server.url("/api/kernels"), method="POST",
                                     data=b"{}", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        lab_kernel = json.loads(response.read())["id"]
    assert lab_kernel != spare
    assert (started_env(learner_server, lab_kernel) or {}).get("VOILA_PREHEAT") is None, \
        "a JupyterLab kernel was started as a Voila page's"
    # both are idle; the culler stops JupyterLab's, never the spare
    deadline = time.monotonic() + IDLE_CULL + 20
    while lab_kernel in _kernel_ids(learner_server) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert lab_kernel not in _kernel_ids(learner_server), "the idle culler is not running"
    assert spare in _kernel_ids(learner_server), "the idle culler stopped the spare kernel"


def _request(server, path: str, method: str) -> int:
    request = urllib.request.Request(server.url(path), method=method,
                                     data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status


@pytest.mark.slow
def test_a_left_pages_kernel_stops_a_moment_later_and_any_other_kernel_at_once(learner_server):
    """Voila's page asks for its kernel to be shut down when the learner leaves
    it (mentorkit/kernels.py): that kernel's exit would compete with the next
    page for the processor, so it waits ``leave_delay``; a kernel stopped from
    JupyterLab stops at once."""
    from concurrent.futures import ThreadPoolExecutor

    kernel, _ = _render(learner_server, "probe/where.ipynb")
    with ThreadPoolExecutor(3) as pool:
        left = pool.submit(_request, learner_server, f"/voila/api/shutdown/{kernel}", "POST")
        time.sleep(1.5)
        assert not left.done() and kernel in _kernel_ids(learner_server), \
            "the left page's kernel was stopped at once"
        # the page asking twice (or the culler meanwhile) changes nothing
        again = pool.submit(_request, learner_server, f"/voila/api/shutdown/{kernel}", "POST")
        assert again.result(timeout=10) == 204
        assert left.result(timeout=LEAVE + 30) == 204
        assert kernel not in _kernel_ids(learner_server), "the left page's kernel still runs"

        create = urllib.request.Request(learner_server.url("/api/kernels"), method="POST",
                                        data=b"{}", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(create, timeout=60) as response:
            lab_kernel = json.loads(response.read())["id"]
        stopping = pool.submit(_request, learner_server, f"/api/kernels/{lab_kernel}", "DELETE")
        assert stopping.result(timeout=LEAVE - 1) == 204, "JupyterLab's kernel waited as a page's does"
        assert lab_kernel not in _kernel_ids(learner_server)


def _started_at(server, kernel_id: str) -> float | None:
    """When a kernel's process started (seconds since the epoch), or None."""
    return kernel_process(server, kernel_id, lambda process: process.create_time())


@pytest.mark.slow
def test_the_new_spare_and_the_next_lesson_start_once_the_page_has_been_drawn(learner_server):
    """Starting a kernel takes the processor for about a second. After a page
    is served, the new spare kernel and the next lesson's run wait until the
    page's browser has connected to its kernel (its scripts have run, its
    widgets are being drawn), not a fixed time that a slow machine overruns."""
    import websocket

    spare_kernel(learner_server)
    with urllib.request.urlopen(learner_server.url("/voila/render/modules/00-welcome.ipynb"),
                                timeout=120) as response:
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', response.read().decode()).group(1)
    SERVED.add(kernel)
    time.sleep(2.5)  # the page's scripts still loading in a browser
    connected = time.time()
    socket = websocket.create_connection(
        learner_server.url(f"/api/kernels/{kernel}/channels").replace("http://", "ws://", 1),
        timeout=30)
    try:
        spare = spare_kernel(learner_server)
        deadline, ahead = time.monotonic() + 60, []
        while not ahead and time.monotonic() < deadline:
            ahead = [k for k in _kernel_ids(learner_server)
                     if (started_env(learner_server, k) or {}).get("VOILA_PREHEAT") == "True"]
            time.sleep(0.3)
        assert ahead, "the next lesson was not run ahead"
        for name, started in (("the spare", _started_at(learner_server, spare)),
                              ("the next lesson", _started_at(learner_server, ahead[0]))):
            assert started is not None and started >= connected - 0.05, \
                f"{name} started {connected - started:.1f} s before the page was drawn"
    finally:
        socket.close()


# -- Voila's templates compiled once per server -------------------------------------------
def test_voilas_exporters_share_compiled_templates_and_an_edited_template_is_compiled_again(tmp_path):
    from voila.exporter import VoilaExporter

    import mentorkit.kernels  # noqa: F401  (the server imports it as its kernel manager)

    template = tmp_path / "page.j2"
    template.write_text("first {{ 1 + 1 }}", encoding="utf-8")

    def render() -> str:
        from concurrent.futures import ThreadPoolExecutor

        env = VoilaExporter(template_paths=[str(tmp_path)]).environment
        assert env.bytecode_cache is VoilaExporter._mentorkit_shared_cache
        # Voila's environments are asynchronous: rendered in a thread with no
        # event loop of its own (a browser test may have one running here)
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(env.get_template("page.j2").render).result()

    cache = VoilaExporter._mentorkit_shared_cache
    assert render() == "first 2"
    assert any(True for _ in cache.compiled), "nothing was kept in the shared cache"
    assert render() == "first 2"  # a second exporter, from the cache
    template.write_text("second {{ 2 + 2 }}", encoding="utf-8")
    assert render() == "second 4", "an edited template was served from the cache"


def test_voilas_exporters_convert_a_cells_text_once_and_an_image_every_time(tmp_path):
    """Voila converts every Markdown cell to HTML for every page it serves; the
    course's server keeps each cell's HTML by its source, except for cells
    with images, which Voila inlines from their files."""
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from voila.exporter import VoilaExporter

    import mentorkit.kernels  # noqa: F401  (the server imports it as its kernel manager)

    contents = FileContentsManager(root_dir=str(tmp_path))

    def convert(source: str) -> str:  # a new exporter for each page, as Voila makes them
        return VoilaExporter(contents_manager=contents).markdown2html({"cell": {"source": source}},
                                                                       source)

    text = "## Feedback\n\nAsk *before* you advise."
    first = convert(text)
    assert "<em>before</em>" in first and "<h2" in first
    assert convert(text) is first, "the same text was converted again for another page"
    assert "Then listen." in convert(text + " Then listen."), "an edited cell was served from the cache"
    (tmp_path / "dot.svg").write_text("<svg>one</svg>", encoding="utf-8")
    image = "![a dot](dot.svg)"
    before = convert(image)
    (tmp_path / "dot.svg").write_text("<svg>two</svg>", encoding="utf-8")
    assert convert(image) != before, "a changed image was served from the cache"


def test_the_dates_in_kernel_messages_are_read_as_jupyter_client_reads_them():
    from datetime import timezone

    from dateutil.parser import isoparse
    from jupyter_client import jsonutil
    from jupyter_client.session import Session

    import mentorkit.kernels  # noqa: F401  (the server imports it as its kernel manager)

    for text in ("2026-12-05T08:29:25.810123Z", "2026-12-05T08:29:25Z", "2026-12-05T08:29:25.81+00:00",
                 "2026-12-05T08:29:25.810123+0530", "2026-12-05T08:29:25.8-01:00"):
        assert jsonutil.parse_date(text) == isoparse(text), text
    # read by Python's own reader (dateutil's gives its own UTC, tzutc)
    assert jsonutil.parse_date("2026-12-05T08:29:25.810123Z").tzinfo is timezone.utc
    assert jsonutil.parse_date("msg-2026") == "msg-2026" and jsonutil.parse_date(None) is None
    with pytest.warns(DeprecationWarning):  # no time zone: jupyter_client's reading, local time
        assert jsonutil.parse_date("2026-12-05T08:29:25").tzinfo is not None
    session = Session(key=b"course")
    message = session.msg("status", {"execution_state": "idle"})
    _, parts = session.feed_identities(session.serialize(message))
    read = session.deserialize(parts)
    assert read["header"]["date"] == message["header"]["date"] and read["content"] == message["content"]


def _run_alone(coroutine_function):
    """Run a coroutine on an event loop of its own, in a thread of its own: the
    browser tests' Playwright keeps a loop running in the main thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result(timeout=60)


def _manager_with_a_spare(tmp_path, spare: str):
    """The course's kernel manager holding ``spare`` as its ready spare (the
    handing-over alone: no server, no kernel process)."""
    import asyncio
    from types import SimpleNamespace

    from mentorkit.kernels import NextLessonKernelManager

    manager = NextLessonKernelManager.__new__(NextLessonKernelManager)
    manager.root_dir = str(tmp_path)
    manager._kernels = {spare: SimpleNamespace(kernel_name="python3")}
    manager._pools, manager._target, manager._handing = {}, None, set()
    manager._spare_waiting, manager._spare_env = False, {}
    manager._spare = asyncio.get_running_loop().create_future()
    manager._spare.set_result(spare)
    return manager


def test_a_spare_being_moved_to_a_page_is_never_culled_meanwhile(tmp_path):
    """The spare sits idle for as long as the learner reads; once taken for a
    page it is no longer the spare, and until the page's cells start it looks
    idle for all those minutes. The culler must leave it alone meanwhile (it
    once stopped one under the page, which then failed to open)."""

    seen = []

    async def take() -> str | None:
        manager = _manager_with_a_spare(tmp_path, "spare")

        async def move(kernel_id, code, timeout=60):  # the culler looks in while it moves
            seen.append(kernel_id in manager._waiting())
            return True

        manager._run = move
        taken = await manager._take_spare("python3", "probe", {"SCRIPT_NAME": "/voila/render/x"})
        seen.append("spare" in manager._waiting())  # moved: culled as any page's kernel is
        return taken

    assert _run_alone(take) == "spare"
    assert seen == [True, False]


def test_a_spare_stopped_while_it_was_moved_leaves_the_page_its_own_kernel(tmp_path):
    """If the spare is gone by the time it is moved, the page gets a new kernel
    (None here), not an error."""

    async def take() -> str | None:
        manager = _manager_with_a_spare(tmp_path, "spare")

        async def move(kernel_id, code, timeout=60):
            manager._kernels.clear()  # stopped meanwhile
            return False

        manager._run = move
        return await manager._take_spare("python3", "probe", {})

    assert _run_alone(take) is None


def test_the_spare_imports_what_the_pages_import_and_nothing_they_do_not():
    """The spare's head start is the modules the learner pages load
    (mentorkit.kernel.PAGE_MODULES). A name there that no page loads any more
    costs every kernel memory for nothing; one that no longer exists stops the
    warm-up before the scenarios are read. The pages' import lines are read
    from their cells and run in a fresh interpreter."""
    import ast
    import subprocess
    import sys

    from mentorkit.kernel import PAGE_MODULES
    from mentorkit.pages import learner_pages

    lines: set[str] = set()
    for page in learner_pages():
        for cell in json.loads((ROOT / page.path).read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                lines.update(ast.unparse(node) for node in ast.walk(ast.parse("".join(cell["source"])))
                             if isinstance(node, ast.Import | ast.ImportFrom))
    assert any("scenario" in line for line in lines), sorted(lines)

    def modules_after(code: str) -> set[str]:
        done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(*sorted(sys.modules))"],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert done.returncode == 0, done.stderr[-2000:]
        return set(done.stdout.split())

    loaded = modules_after("\n".join(sorted(lines)))
    assert [name for name in PAGE_MODULES if name not in loaded] == [], \
        "warmed in the spare, loaded by no learner page"
    warmed = modules_after("from mentorkit.kernel import warm_up\nwarm_up()")
    assert set(PAGE_MODULES) <= warmed
    # the modules most pages load are among them
    assert {"mentorkit.ui.progress", "mentorkit.ui.scenario_player"} <= set(PAGE_MODULES)


def _connections(server, kernel_id: str) -> int | None:
    with urllib.request.urlopen(server.url("/api/kernels"), timeout=10) as response:
        return next((k["connections"] for k in json.loads(response.read()) if k["id"] == kernel_id),
                    None)


def _new_kernel(server) -> str:
    create = urllib.request.Request(server.url("/api/kernels"), method="POST", data=b"{}",
                                    headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(create, timeout=60) as response:
        return json.loads(response.read())["id"]  # its process started, not yet answering


def _connect(server, kernel_id: str):
    """A browser's websocket to a kernel, asked for (the handshake sent) on a raw socket."""
    import socket

    browser = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    address = f"/api/kernels/{kernel_id}/channels?session_id={secrets.token_hex(4)}&token={server.token}"
    browser.sendall((f"GET {address} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: bWVudG9ya2l0IGNvdXJzZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    return browser


@pytest.mark.slow
def test_a_browser_gone_before_its_connection_opened_does_not_keep_the_kernel(learner_server):
    """A page closed while its connection to a new kernel is being set up (the
    server still waiting for the kernel's first answer): jupyter_server counts
    the connection out and in unevenly, reads the kernel as connected for good,
    and its idle culler never stops it. The course's kernel manager counts the
    connections really open before it culls; a kernel a browser is still
    connected to is left alone, however idle."""
    kept, gone = _new_kernel(learner_server), _new_kernel(learner_server)
    with _connect(learner_server, kept) as browser:
        assert browser.recv(4096).startswith(b"HTTP/1.1 101"), "the websocket was not opened"
        _connect(learner_server, gone).close()  # closed before the kernel answered
        connected = time.monotonic()
        deadline = connected + IDLE_CULL + 30
        while gone in _kernel_ids(learner_server) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert gone not in _kernel_ids(learner_server), (
            f"a kernel no browser is connected to was never culled "
            f"({_connections(learner_server, gone)} connection(s) counted)")
        time.sleep(max(0.0, connected + IDLE_CULL + 2 - time.monotonic()))  # idle long enough
        assert _connections(learner_server, kept) == 1, "a connected page's kernel was culled"


# -- a kernel client ready when the kernel has answered --------------------------------
def test_a_page_kernels_client_is_ready_once_the_kernel_answers_and_misses_no_output():
    """Every page connects a client to its kernel and waits until it is ready
    before the first cell. PromptClient ends that wait on the *idle* status of
    its own kernel-info request, not after 0.2 s of silence (jupyter_client's
    way, which cost every page twice that); and a client that is ready must
    see all of a cell's output, the first cell included."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from jupyter_client.manager import AsyncKernelManager

    from mentorkit.kernels import PromptClient, PromptKernelManager

    async def check() -> None:
        # the learner's server manages each kernel with PromptKernelManager
        assert PromptKernelManager().client_factory is PromptClient
        manager = AsyncKernelManager(kernel_name="python3")
        manager.client_factory = PromptClient
        await manager.start_kernel()
        try:
            for attempt in range(8):  # a new client each time, as each page has
                client = manager.client()
                assert isinstance(client, PromptClient)
                client.start_channels()
                ended_by = []
                get_msg = client.iopub_channel.get_msg

                async def recording(*args, get_msg=get_msg, ended_by=ended_by, **kwargs):
                    try:
                        message = await get_msg(*args, **kwargs)
                    except Exception as error:
                        ended_by.append(type(error).__name__)
                        raise
                    ended_by.append(message["msg_type"])
                    return message

                client.iopub_channel.get_msg = recording
                await client.wait_for_ready(timeout=60)
                assert ended_by and ended_by[-1] == "status", \
                    f"the wait ended on {ended_by[-1:]}, not on the kernel's idle status"
                client.iopub_channel.get_msg = get_msg
                printed = []
                reply = await client.execute_interactive(
                    f"print('line', {attempt})", timeout=30,
                    output_hook=lambda msg, printed=printed: printed.append(msg["content"].get("text", "")))
                assert reply["content"]["status"] == "ok"
                assert "".join(printed) == f"line {attempt}\n", f"client {attempt} missed output"
                client.stop_channels()

            await manager.shutdown_kernel(now=True)
            dead = manager.client()
            dead.start_channels()
            with pytest.raises(RuntimeError):
                await dead.wait_for_ready(timeout=3)
            dead.stop_channels()
        finally:
            if await manager.is_alive():
                await manager.shutdown_kernel(now=True)

    with ThreadPoolExecutor(1) as pool:  # its own event loop (a browser test may run one here)
        pool.submit(asyncio.run, check()).result()


# -- the widget extensions' scripts, kept by the browser ---------------------------------
@pytest.mark.slow
def test_a_pages_widget_scripts_are_kept_by_the_browser_and_the_page_is_not(learner_server):
    """Every page loads the widget extensions' scripts; their names carry a hash
    of their content, so the learner's server lets the browser keep them
    (as JupyterLab does its own) instead of asking again on every page."""
    with urllib.request.urlopen(learner_server.url("/voila/render/probe/where.ipynb"),
                                timeout=120) as response:
        html = response.read().decode()
        assert "immutable" not in (response.headers.get("Cache-Control") or "")
    SERVED.add(re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1))
    config = json.loads(re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    extensions = config["federated_extensions"]
    assert any(e["name"] == "@jupyter-widgets/jupyterlab-manager" for e in extensions), extensions
    for extension in extensions:  # each one's entry script (it loads the rest of its folder)
        address = learner_server.url(f"/voila/labextensions/{extension['name']}/{extension['load']}")
        with urllib.request.urlopen(address, timeout=30) as response:
            assert response.status == 200
            assert "immutable" in (response.headers.get("Cache-Control") or ""), \
                f"{extension['name']}: {response.headers.get('Cache-Control')}"


@pytest.mark.slow
def test_the_next_lesson_run_ahead_waits_however_long_the_learner_reads(learner_server):
    """The culler stops kernels idle longer than its timeout (15 minutes on the
    hub); the next lesson, run ahead, is idle by design while the learner reads
    and must still be there for their Next click."""
    with urllib.request.urlopen(learner_server.url("/voila/render/modules/00-welcome.ipynb"),
                                timeout=120) as response:
        html = response.read().decode()
    SERVED.add(re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1))
    deadline, ahead = time.monotonic() + 90, None
    while ahead is None and time.monotonic() < deadline:
        ahead = next((k for k in _kernel_ids(learner_server)
                      if (started_env(learner_server, k) or {}).get("VOILA_PREHEAT") == "True"), None)
        time.sleep(0.5)
    assert ahead, "the next lesson was not run ahead"
    time.sleep(IDLE_CULL * 4)  # the culler has had several turns
    assert ahead in _kernel_ids(learner_server), "the idle culler stopped the next lesson run ahead"
    with urllib.request.urlopen(
            learner_server.url("/voila/render/modules/01-models-of-mentoring.ipynb"),
            timeout=120) as response:
        html = response.read().decode()
    assert re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1) == ahead, \
        "the Next click was not answered by the lesson run ahead"


def test_kernels_are_listed_while_one_is_still_starting():
    """jupyter_client lists a new kernel (the spare, started in the background)
    a moment before jupyter_server marks its activity; a list of kernels asked
    for in that moment must still answer, not fail whole with a 500."""
    from jupyter_client.multikernelmanager import AsyncMultiKernelManager

    from mentorkit.kernels import NextLessonKernelManager, PromptKernelManager

    manager = NextLessonKernelManager.__new__(NextLessonKernelManager)
    manager.pinned_superclass = AsyncMultiKernelManager  # as the server's __init__ sets it
    starting = PromptKernelManager(kernel_name="python3")  # listed, not yet marked
    manager._kernels, manager._kernel_connections = {"starting": starting}, {}
    models = manager.list_kernels()
    assert [m["id"] for m in models] == ["starting"]
    assert models[0]["last_activity"]
