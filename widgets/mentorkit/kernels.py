"""The next lesson, run before the learner asks for it.

Voila (as the Jupyter server's extension, which is how the course is served)
starts a kernel for every page it opens and runs the page's cells before it
sends the page; a learner waits for both. Standalone ``voila`` can do that
work ahead of time ("preheated kernels"), but only for itself, and one pool
per notebook would cost a kernel per page. ``NextLessonKernelManager`` uses
Voila's own pre-rendering from the Jupyter server, for one page: the lesson
after the one being read. The *Next* click is then answered at once.

Configuration: ``ServerApp.kernel_manager_class`` names the class, in
``share/jupyter/learner/jupyter_server_config.json`` (make start, Binder), in the
hub's configuration for participants, and in the Kubernetes values.
"""

from __future__ import annotations


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

    # which page to have ready
    def _page_rendered(self, path: str) -> None:
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
            self.fill_if_needed(notebook_name=target)

    def _discard(self, task) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        kernel_id = task.result()["kernel_id"]
        if kernel_id in self:
            import asyncio

            asyncio.ensure_future(self.shutdown_kernel(kernel_id, now=True))

    async def start_kernel(self, kernel_name=None, **kwargs):
        kernel_id = await super().start_kernel(kernel_name=kernel_name, **kwargs)
        env = {str(getattr(k, "value", k)): v for k, v in (kwargs.get("env") or {}).items()}
        script = env.get("SCRIPT_NAME", "")
        if env.get("VOILA_PREHEAT") == "False" and "voila/render/" in script:  # a page being served
            self._page_rendered(script.split("voila/render/", 1)[1])
        return kernel_id

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables=None, **kwargs):
        extra_kernel_env_variables = extra_kernel_env_variables or {}
        self._taking = True  # Voila refills the pool it took from: not this one
        try:
            result = await super().get_rendered_notebook(
                notebook_name, extra_kernel_env_variables=extra_kernel_env_variables, **kwargs)
        finally:
            self._taking = False
        self._target = None
        self._page_rendered(notebook_name)
        return result

    def fill_if_needed(self, delay=None, notebook_name=None, extra_kernel_env_variables=None, **kwargs):
        import asyncio
        import os

        from voila.voila_kernel_manager import wait_before

        if self._taking or notebook_name is None or notebook_name != self._target:
            return
        pool = self._pools.setdefault(notebook_name, [])
        if pool:
            return
        base_url = self.parent.base_url
        env = {**os.environ, "VOILA_BASE_URL": base_url, "VOILA_SERVER_URL": base_url,
               "VOILA_APP_PORT": str(self.parent.port), "VOILA_PREHEAT": "True"}
        start = self._initialize(notebook_name, None, path=os.path.dirname(notebook_name), env=env)
        pool.append(asyncio.get_event_loop().create_task(
            wait_before(self.fill_delay if delay is None else delay, start)))

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
