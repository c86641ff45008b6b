"""The Python kernel the course's pages run on: IPython's, saying only "3" for
its language version.

When JupyterLab connects a notebook to a kernel it writes the kernel's
``language_info`` into the notebook's metadata; IPython's names the Python
version down to the patch (3.11.7), so a notebook committed on one machine is
marked *modified* the moment it is opened on any other, before the learner has
touched it. This kernel reports the major version only, and every notebook of
the course carries exactly that ``language_info`` (``LANGUAGE_INFO``), so
opening a page changes nothing. A test checks the notebooks agree with it.

The learner's server finds it as the ``python3`` kernel spec in
``share/jupyter/learner/kernels/python3`` (``launch.server_env`` puts that
folder on ``JUPYTER_PATH``; Binder and the hub do the same), so nbgrader,
Voila and the warm kernel pool use it by its usual name.
"""

from __future__ import annotations

import sys

from ipykernel.ipkernel import IPythonKernel

LANGUAGE_INFO = {**IPythonKernel.language_info, "version": str(sys.version_info[0])}


class CourseKernel(IPythonKernel):
    language_info = LANGUAGE_INFO


# What every learner page's first cells import and read. The spare kernel that
# the learner's server keeps (mentorkit.kernels) runs this while nobody waits.
PAGE_MODULES = ("ipywidgets", "mentorkit.ui.progress", "mentorkit.ui.scenario_player",
                "mentorkit.ui.assessment", "mentorkit.labs")


def warm_up() -> None:
    """Import the pages' modules and read the course's scenarios and
    self-assessments into their caches (``content.load_cached``). A file that
    cannot be read is left for the page that needs it to report."""
    import importlib

    for name in PAGE_MODULES:
        importlib.import_module(name)
    from . import assessment, scenario
    from .content import ContentError

    for sid in scenario.available():
        try:
            scenario.load(sid)
        except ContentError:
            pass
    for path in sorted(assessment.instruments_dir().glob("*.yaml")):
        if not path.with_suffix(".ipynb").exists():  # an example file, not an instrument's page
            continue
        try:
            assessment.load(path.stem)
        except ContentError:
            pass
