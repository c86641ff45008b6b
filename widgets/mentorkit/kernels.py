"""The next lesson, run before the learner asks for it.

Voila (as the Jupyter server's extension, which is how the course is served)
starts a kernel for every page it opens and runs the page's cells before it
sends the page; a learner waits for both. Standalone ``voila`` can do that
work ahead of time ("preheated kernels"), but only for itself, and one pool
per notebook would cost a kernel per page. ``NextLessonKernelManager`` uses
Voila's own pre-rendering from the Jupyter server, for one page: the lesson
after the one being read. The *Next* click is then answered at once.

Any other page (a first visit, a link from the middle of a lesson, a page
reloaded) is given the *spare kernel*: one kernel the manager keeps started,
with the course's page modules already imported, and which it moves to the
page's folder and request when Voila asks for a kernel.

Starting a kernel takes the processor for about a second, so the new spare
and the next lesson's run both wait until the page just served has been
drawn (its browser has connected to its kernel), and do not compete with it.

A page the learner leaves gives its kernel back (Voila's front end asks on
unload), and the manager stops that kernel a moment later, once the next page
has been drawn: a kernel's exit takes the processor for a tenth of a second or
so, which the browser, drawing the new page on the same machine, needs more.

A spare being handed to a page is no longer the spare but not yet busy with
the page: the idle culler, which would read its quiet minutes as a page left,
passes it over until it is.

Before the idle culler looks at a kernel, its count of browsers connected is
set from the websockets really open: jupyter_server's own count can drift when
a page is closed at once, and a kernel it reads as connected is never culled.

The server's own work for a page is lightened too: Voila's templates are
compiled once, the lessons' Markdown converted once, and the dates in kernel
messages read with Python's own parser.

Configuration: ``ServerApp.kernel_manager_class`` names the class, in
``share/jupyter/learner/jupyter_server_config.json`` (make start, Binder), in the
hub's configuration for participants, and in the Kubernetes values.
"""

from __future__ import annotations

import asyncio
import os
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import Float, default

# Run in the spare kernel once it has started (mentorkit.kernel.warm_up).
WARM_UP = "from mentorkit.kernel import warm_up as _mk_warm_up\n_mk_warm_up()\ndel _mk_warm_up\n"


# -- a kernel client that is ready when the kernel has answered -------------------------
class PromptClient(AsyncKernelClient):
    """jupyter_client's client, less a fixed wait.

    Before Voila runs a page's cells, and before the spare kernel is moved to a
    page, a client is connected to the kernel and ``wait_for_ready`` is
    awaited. jupyter_client's version, once the kernel has answered, listens to
    the kernel's broadcast channel until it has been quiet for 0.2 s, so every
    page waited 0.2 s twice (the move and Voila's own client) before its first
    cell. This one asks for the kernel's info and is ready once it has both the
    reply and, on the broadcast channel, the *idle* status that request causes:
    the reply proves the request channel works, the status proves the
    broadcast channel is connected, and nothing of that request is left to
    read. If the broadcast channel was not yet connected (the status is not
    seen within 0.2 s), it asks again, as jupyter_client does.
    """

    quiet_wait = 0.2  # seconds to wait for the status before asking again

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            try:
                reply = await self._async_recv_reply(msg_id, timeout=1)
            except TimeoutError:
                reply = None
            if reply is not None and await self._idle_seen(msg_id):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _idle_seen(self, msg_id: str) -> bool:
        end = time.monotonic() + self.quiet_wait
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"].get("execution_state") == "idle"):
                return True
        return False


class PromptKernelManager(ServerKernelManager):
    """The Jupyter server's manager of one kernel, handing out ``PromptClient``
    (to Voila's page runs and the spare's moves; JupyterLab's own connections
    do not use clients)."""

    @default("client_factory")
    def _prompt_client(self):
        return PromptClient

    @default("last_activity")
    def _active_when_first_asked(self):
        """jupyter_server marks a kernel's activity once its start returns, a
        moment after jupyter_client has listed it. A list of kernels asked for
        in between (JupyterLab asks every few seconds; the spare starts in the
        background) read no activity and failed whole, with a 500."""
        from datetime import datetime, timezone

        return datetime.now(timezone.utc)  # as jupyter_server marks it


def _finished(task) -> object | None:
    """What a finished task returned; None while it runs, or if it failed or was cancelled."""
    if task is None or not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()


# -- the next lesson, rendered before the learner asks for it ----------------------------
def _next_lessons() -> dict[str, str]:
    """Each lesson page's next lesson, by path from the course root."""
    from .pages import learner_pages

    return {page.path: page.next for page in learner_pages()
            if page.path.startswith("modules/") and page.next}


def _voila_side(server_app):
    """What Voila's server extension builds for its pages, built the same way
    here: its configuration (voila.json included) and its template paths."""
    from voila.configuration import VoilaConfiguration
    from voila.paths import collect_template_paths
    from voila.server_extension import load_config_file

    configuration = VoilaConfiguration(parent=server_app)
    local = load_config_file()
    if local is not None:
        configuration.update_config(local)
    return configuration, collect_template_paths(["voila", "nbconvert"], configuration.template)


def _next_page_manager_base():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    return voila_kernel_manager_factory(AsyncMappingKernelManager, True, 0)


_NextLessonBase = _next_page_manager_base()


# -- Voila's templates, compiled once per server ------------------------------------------
def _share_compiled_templates() -> None:
    """Voila makes a new exporter, and with it a new Jinja environment, for
    every page it serves, so it parses and compiles the page templates again
    each time (about a tenth of a second a page on the reference machine).
    Every Voila exporter's environment is given one bytecode cache held by
    the server: Jinja still reads each template's source, and compiles it
    again whenever the source differs from what was cached."""
    from jinja2 import BytecodeCache
    from voila.exporter import VoilaExporter

    if getattr(VoilaExporter, "_mentorkit_shared_cache", None) is not None:
        return

    class _InMemory(BytecodeCache):
        def __init__(self) -> None:
            self.compiled: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.compiled:
                bucket.bytecode_from_string(self.compiled[bucket.key])  # checks the source's checksum

        def dump_bytecode(self, bucket) -> None:
            self.compiled[bucket.key] = bucket.bytecode_to_string()

    cache = _InMemory()
    voila_environment = VoilaExporter.environment

    def environment(self):
        env = voila_environment.fget(self)
        if env.bytecode_cache is None:
            env.bytecode_cache = cache
        return env

    VoilaExporter.environment = property(environment)
    VoilaExporter._mentorkit_shared_cache = cache


_share_compiled_templates()


# -- the lessons' text, converted once per server ----------------------------------------
def _share_rendered_markdown() -> None:
    """Voila converts every Markdown cell to HTML (with mistune) each time it
    serves a page, and a lesson is mostly text: about a tenth of the server's
    work for a lesson. The HTML of a cell depends only on its source and the
    exporter's settings, so it is kept, per server, by source. Cells with
    attachments or images are converted every time (Voila inlines an image from
    its file, which may change), and so is everything when Voila is configured
    with another Markdown renderer."""
    from jinja2 import pass_context
    from voila.exporter import VoilaExporter, VoilaMarkdownRenderer

    if getattr(VoilaExporter.markdown2html, "_mentorkit", False):
        return
    convert = VoilaExporter.markdown2html
    converted: dict[tuple[str, str], str] = {}

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell") or {}
        if (self.markdown_renderer_class is not VoilaMarkdownRenderer or cell.get("attachments")
                or "![" in source or "<img" in source.lower()):
            return convert(self, context, source)
        key = (source, self.anchor_link_text)
        html = converted.get(key)
        if html is None:
            html = convert(self, context, source)
            if len(converted) >= 4096:  # a course holds a few hundred cells; never grow without end
                converted.clear()
            converted[key] = html
        return html

    markdown2html._mentorkit = True
    VoilaExporter.markdown2html = markdown2html


_share_rendered_markdown()


# -- the dates in kernel messages, read quickly ------------------------------------------
def _read_dates_quickly() -> None:
    """The server reads every message a kernel sends twice (the page's client,
    the activity watcher), and jupyter_client parses the dates in each
    message's headers with dateutil's general ISO 8601 parser. A lesson with
    two hundred widgets sends several hundred messages, so that came to about a
    sixth of the server's work for a page. Python's own
    ``datetime.fromisoformat`` reads the same strings (those jupyter_client's
    pattern accepts) some fifty times faster; anything it cannot read, or reads
    without a time zone, still goes to jupyter_client's parser."""
    from datetime import datetime

    from jupyter_client import jsonutil

    if getattr(jsonutil.parse_date, "_mentorkit", False):
        return
    parse, pattern = jsonutil.parse_date, jsonutil.ISO8601_PAT

    def parse_date(text):
        if not isinstance(text, str) or not pattern.match(text):
            return parse(text)
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return parse(text)
        return when if when.tzinfo is not None else parse(text)

    parse_date._mentorkit = True
    jsonutil.parse_date = parse_date


_read_dates_quickly()


# -- the widget extensions' scripts, kept by the browser ----------------------------------
def _cache_widget_scripts(server_app) -> None:
    """Every Voila page loads the widget extensions' scripts
    (``/voila/labextensions/<extension>/static/...``). Their names carry a hash
    of their content, and JupyterLab serves the same files, under its own
    address, as immutable; Voila serves them ``no-cache``, so each page asked
    the server again for about twenty of them, in three rounds, before its
    widgets could be drawn. Here they are marked immutable as JupyterLab marks
    its own, with the Jupyter server's ``static_immutable_cache`` setting.

    Done by the kernel manager, once the server is up, because it is the one
    piece of the learner's server that make start, Binder and both hubs
    configure alike."""
    from glob import escape, glob

    from jupyter_server.utils import url_path_join
    from voila.utils import get_voila_labextensions_path

    settings = server_app.web_app.settings
    address = url_path_join(settings.get("base_url", "/"), "voila/labextensions")
    immutable = set(settings.get("static_immutable_cache", []))
    for root in get_voila_labextensions_path():
        for static in glob(os.path.join(escape(root), "**", "static"), recursive=True):
            immutable.add(url_path_join(address, os.path.relpath(static, root).replace(os.sep, "/"), ""))
    settings["static_immutable_cache"] = sorted(immutable)


class NextLessonKernelManager(_NextLessonBase):
    """Voila's own pre-rendering (its ``VoilaKernelManager``), used from the Jupyter
    server rather than from standalone ``voila``, for one page only: the lesson
    after the one the learner is reading.

    Standalone Voila keeps a pool of kernels per notebook, each with the
    notebook already run, so that a visitor gets a page at once; the Jupyter
    server's extension, which is how the course is served (JupyterLab and
    nbgrader's exchange beside the pages), has no such pool. Voila's page
    handler asks its kernel manager for a pre-rendered notebook whenever the
    manager has one, so this manager keeps exactly one: when Voila renders a
    lesson, the next lesson is run in a kernel of its own, and the learner's
    *Next* click is answered from it. One extra kernel, not one per page.
    """

    @default("kernel_manager_class")
    def _prompt_kernels(self):
        return f"{__name__}.PromptKernelManager"

    def __init__(self, **kwargs):
        # VoilaKernelManager.__init__ expects the standalone app as its parent;
        # the rest of what it sets up is set here
        super(_NextLessonBase, self).__init__(**kwargs)
        self.notebook_data = {}
        self._pools = {}
        self.root_dir = self.parent.root_dir
        self.notebook_path = None
        self._target: str | None = None
        self._taking = False
        self._side = None
        self._nexts: dict[str, str] | None = None
        # the spare kernel: a task whose result is its id, and the environment
        # it was started with; _spare_waiting while the task has not begun
        self._spare: asyncio.Future | None = None
        self._spare_env: dict[str, str] = {}
        self._spare_waiting = False
        self._handing: set[str] = set()  # spares being moved to a page: the culler waits
        self._closing = False
        self._connected: dict[str, asyncio.Event] = {}  # pages not yet connected to their kernel
        # kernels Voila gave to pages, and those whose page was left, stopping soon
        self._page_kernels: set[str] = set()
        self._leaving: set[str] = set()
        try:
            from tornado.ioloop import IOLoop

            IOLoop.current().add_callback(self._server_started)
        except RuntimeError:  # no event loop in this thread: the first page starts one
            pass

    def _server_started(self) -> None:
        try:
            _cache_widget_scripts(self.parent)
        except Exception as error:  # pages still work, only slower
            self.log.warning("mentorkit: the widget scripts stay uncached: %s", error)
        self._keep_spare(0.0)

    # -- background work waits until the page is drawn -----------------------------------
    drawn_after = 0.5  # seconds from a page's connecting to its kernel until its widgets are drawn
    drawn_wait = 4.0  # seconds to wait at most for a page that never connects (no browser)

    async def _page_drawn(self, kernel_id: str | None) -> None:
        """Return once the page served with ``kernel_id`` has been drawn: its
        browser connects to the kernel when the page's scripts have run, and
        draws the widgets in the moment after. Starting a kernel (the next
        lesson's, the spare) takes the processor for about a second; started
        after this, it does not slow the page the learner is waiting for,
        however quick or slow the machine."""
        if kernel_id is None:
            return
        if not self._kernel_connections.get(kernel_id):
            connected = self._connected.setdefault(kernel_id, asyncio.Event())
            try:
                await asyncio.wait_for(connected.wait(), self.drawn_wait)
            except asyncio.TimeoutError:
                pass
        await asyncio.sleep(self.drawn_after)

    def notify_connect(self, kernel_id):
        """The Jupyter server's notice of a browser connecting to a kernel."""
        super().notify_connect(kernel_id)
        connected = self._connected.pop(kernel_id, None)
        if connected is not None:
            connected.set()

    def _open_connections(self, kernel_id: str) -> int | None:
        """How many browsers are connected to a kernel now, read from the
        server's open kernel websockets; None if the server's connection class
        keeps no such list."""
        from jupyter_server.services.kernels.connection.channels import (
            ZMQChannelsWebsocketConnection,
        )

        kind = getattr(self.parent, "kernel_websocket_connection_class", None)
        if not (isinstance(kind, type) and issubclass(kind, ZMQChannelsWebsocketConnection)):
            return None
        count = 0
        for connection in list(ZMQChannelsWebsocketConnection._open_sockets):
            socket = getattr(getattr(connection, "websocket_handler", None), "ws_connection", None)
            if connection.kernel_id == kernel_id and socket is not None and not socket.is_closing():
                count += 1
        return count

    def _count_connections(self, kernel_id: str) -> None:
        """Set a kernel's connection count to the connections really open.

        jupyter_server counts a connection in when it opens and out when it
        closes, and the two can miss each other: a browser that goes while its
        connection is being set up (the page closed at once) is counted out
        before it is counted in, and never out again; one that goes as a
        message arrives is counted out twice. Its culler reads any count but
        zero as "connected" and would never stop such a kernel."""
        counted = self._kernel_connections.get(kernel_id)
        try:
            open_now = self._open_connections(kernel_id)
        except Exception:  # a jupyter_server without the list: its own count stands
            open_now = None
        if counted is not None and open_now is not None and counted != open_now:
            self.log.debug("mentorkit: kernel %s had %d connection(s) counted, %d open",
                           kernel_id, counted, open_now)
            self._kernel_connections[kernel_id] = open_now

    async def _later(self, after: str | None, delay: float, work=None):
        """Wait until the page served with kernel ``after`` is drawn (if there
        is one), then ``delay`` seconds more; then await ``work``, if given."""
        await self._page_drawn(after)
        if delay:
            await asyncio.sleep(delay)
        return None if work is None else await work

    # which page to have ready
    def _page_rendered(self, path: str, kernel_id: str | None = None) -> None:
        if self._nexts is None:
            try:
                self._nexts = _next_lessons()
            except Exception:  # the course's shape unreadable: no page kept ready
                self._nexts = {}
        target = self._nexts.get(path)
        if target == self._target:
            return
        for task in self._pools.pop(self._target, []) if self._target else []:
            task.add_done_callback(self._discard)
        self._target = target
        if target:
            self.fill_if_needed(notebook_name=target, after=kernel_id)

    def _discard(self, task) -> None:
        rendered = _finished(task)
        if rendered is None:
            return
        kernel_id = rendered["kernel_id"]
        if kernel_id in self:
            asyncio.ensure_future(self.shutdown_kernel(kernel_id, now=True))

    async def start_kernel(self, kernel_name=None, **kwargs):
        env = {str(getattr(k, "value", k)): v for k, v in (kwargs.get("env") or {}).items()}
        script = env.get("SCRIPT_NAME", "")
        page = env.get("VOILA_PREHEAT") == "False" and "voila/render/" in script  # a page being served
        kernel_id = None
        if page:
            kernel_id = await self._take_spare(kernel_name, kwargs.get("path"), env)
        if kernel_id is None:
            kernel_id = await super().start_kernel(kernel_name=kernel_name, **kwargs)
        if page:
            self._page_kernels.add(kernel_id)
            self._page_rendered(script.split("voila/render/", 1)[1], kernel_id)
            self._keep_spare(self.spare_delay, after=kernel_id)
        return kernel_id

    # -- the spare kernel ---------------------------------------------------------------
    spare_delay = 0.5  # seconds between the page that took the spare being drawn and a new one

    def _keep_spare(self, delay: float, after: str | None = None) -> None:
        if self._spare is None and not self._closing:
            self._spare_waiting = delay > 0 or after is not None
            self._spare = asyncio.ensure_future(self._start_spare(delay, after))

    async def _start_spare(self, delay: float, after: str | None = None) -> str:
        await self._later(after, delay)
        self._spare_waiting = False
        from voila import __version__ as voila_version

        # a page's kernel as Voila starts it, less what belongs to one request
        self._spare_env = {**os.environ, "SERVER_SOFTWARE": f"voila/{voila_version}",
                           "VOILA_PREHEAT": "False"}
        kernel_id = await super().start_kernel(kernel_name=self.default_kernel_name,
                                               path="", env=self._spare_env)
        if not await self._run(kernel_id, WARM_UP):
            self.log.warning("mentorkit: the spare kernel could not import the course's pages")
        return kernel_id

    async def _take_spare(self, kernel_name, path, env) -> str | None:
        """The spare kernel, moved to the page's folder and request, or None."""
        spare, self._spare = self._spare, None
        if spare is None:
            return None
        if self._spare_waiting or (spare.done() and (spare.cancelled() or spare.exception())):
            spare.cancel()  # not started yet, or failed: a kernel of the page's own is quicker
            return None
        try:
            kernel_id = await spare  # still starting: waiting costs less than a new start
        except Exception:
            return None
        # No longer the spare, not yet busy with the page: the idle culler, which
        # reads the spare's quiet minutes, would stop it under the page.
        self._handing.add(kernel_id)
        try:
            if kernel_id not in self:  # stopped meanwhile
                return None
            if (kernel_name or self.default_kernel_name) != self.get_kernel(kernel_id).kernel_name:
                await self._stop_quietly(kernel_id)
                return None
            changed = {k: v for k, v in env.items() if self._spare_env.get(k) != v}
            gone = [k for k in self._spare_env if k not in env]
            move = (f"import os as _mk_os\n_mk_os.chdir({self.cwd_for_path(path or '')!r})\n"
                    f"_mk_os.environ.update({changed!r})\n"
                    f"for _mk_key in {gone!r}:\n    _mk_os.environ.pop(_mk_key, None)\n"
                    "del _mk_os\n")
            if not await self._run(kernel_id, move):
                await self._stop_quietly(kernel_id)
                return None
            return kernel_id
        finally:
            self._handing.discard(kernel_id)

    async def _stop_quietly(self, kernel_id: str) -> None:
        """Stop a spare that cannot serve the page; the page gets a kernel of its
        own either way, so a spare already gone is no error."""
        try:
            if kernel_id in self:
                await self.shutdown_kernel(kernel_id, now=True)
        except Exception as error:
            self.log.warning("mentorkit: a spare kernel could not be stopped: %s", error)

    async def _run(self, kernel_id: str, code: str, timeout: float = 60) -> bool:
        """Run ``code`` in a kernel, quietly; whether it ran without an error."""
        try:
            client = self.get_kernel(kernel_id).client()
        except KeyError:  # stopped meanwhile
            return False
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=timeout)
            reply = await client.execute_interactive(
                code, silent=True, store_history=False, timeout=timeout,
                output_hook=lambda msg: None)
            return reply["content"]["status"] == "ok"
        except Exception:
            return False
        finally:
            client.stop_channels()

    def _waiting(self) -> set[str]:
        """The kernels idle by design: the spare (also while it is moved to a
        page) and the next lesson run ahead.
        The culler would stop the spare; the lesson run ahead it passes over
        today only because Voila does not record its activity."""
        waiting = {_finished(self._spare), *self._handing}
        for task in self._pools.get(self._target, []) if self._target else []:
            rendered = _finished(task)
            waiting.add(rendered and rendered["kernel_id"])
        return waiting - {None}

    async def cull_kernel_if_idle(self, kernel_id: str):
        if kernel_id in self._waiting():
            return  # waiting for the learner, however long they read
        self._count_connections(kernel_id)
        return await super().cull_kernel_if_idle(kernel_id)

    # -- a page left ---------------------------------------------------------------------
    leave_delay = Float(2.0, config=True, help=(
        "Seconds between a learner leaving a page (Voila asks for its kernel to be shut "
        "down) and the kernel's shutdown, so that its exit does not take the processor "
        "from the page the learner opened next."))

    async def shutdown_kernel(self, kernel_id, now=False, restart=False):
        """A page's kernel, once its page is left, is shut down after
        ``leave_delay``; any other shutdown (JupyterLab's, a forced one, the
        server's own at exit) at once."""
        if kernel_id in self._leaving and not self._closing:
            return  # already on its way out
        wait = not (now or restart or self._closing) and kernel_id in self._page_kernels
        self._leaving.add(kernel_id)
        try:
            if wait:
                await asyncio.sleep(self.leave_delay)
                if kernel_id not in self or self._closing:  # stopped meanwhile
                    return
            return await super().shutdown_kernel(kernel_id, now=now, restart=restart)
        finally:
            self._leaving.discard(kernel_id)
            self._page_kernels.discard(kernel_id)
            self._connected.pop(kernel_id, None)

    async def shutdown_all(self, *args, **kwargs):
        self._closing = True
        if self._spare is not None and not self._spare.done():
            self._spare.cancel()
        return await super().shutdown_all(*args, **kwargs)

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables=None, **kwargs):
        extra_kernel_env_variables = extra_kernel_env_variables or {}
        self._taking = True  # Voila refills the pool it took from: not this one
        try:
            result = await super().get_rendered_notebook(
                notebook_name, extra_kernel_env_variables=extra_kernel_env_variables, **kwargs)
        finally:
            self._taking = False
        self._target = None
        self._page_kernels.add(result[2])  # (render task, what is rendered, kernel id)
        self._page_rendered(notebook_name, result[2])
        return result

    def fill_if_needed(self, delay=None, notebook_name=None, extra_kernel_env_variables=None,
                       after: str | None = None, **kwargs):
        """Run ``notebook_name`` ahead, if it is the page to have ready; once
        the page served with kernel ``after`` is drawn, or without one after
        ``delay`` (Voila's ``fill_delay`` by default)."""
        if self._taking or notebook_name is None or notebook_name != self._target:
            return
        pool = self._pools.setdefault(notebook_name, [])
        if pool:
            return
        base_url = self.parent.base_url
        env = {**os.environ, "VOILA_BASE_URL": base_url, "VOILA_SERVER_URL": base_url,
               "VOILA_APP_PORT": str(self.parent.port), "VOILA_PREHEAT": "True"}
        start = self._initialize(notebook_name, None, path=os.path.dirname(notebook_name), env=env)
        wait = 0 if after is not None else self.fill_delay if delay is None else delay
        pool.append(asyncio.get_event_loop().create_task(self._later(after, wait, start)))

    def _notebook_renderer_factory(self, notebook_path=None):
        from voila.notebook_renderer import NotebookRenderer
        from voila.utils import get_page_config

        if self._side is None:
            self._side = _voila_side(self.parent)
        configuration, template_paths = self._side
        settings = self.parent.web_app.settings
        page_config = get_page_config(base_url=self.parent.base_url, settings=settings, log=self.log,
                                      voila_configuration=configuration)
        return NotebookRenderer(
            voila_configuration=configuration, traitlet_config=self.parent.config,
            notebook_path=notebook_path, template_paths=template_paths,
            config_manager=self.parent.config_manager, contents_manager=self.parent.contents_manager,
            base_url=self.parent.base_url, kernel_spec_manager=self.parent.kernel_spec_manager,
            page_config=page_config, mathjax_config=settings.get("mathjax_config"),
            mathjax_url=settings.get("mathjax_url"))
