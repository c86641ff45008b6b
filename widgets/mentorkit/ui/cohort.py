"""The cohort dashboard: the facilitator points it at the folder of exported
self-assessment files (or uploads them), and it shows the cohort report of
:mod:`mentorkit.report` in the page, with the same report as a download.

    from mentorkit.ui.cohort import cohort_dashboard
    cohort_dashboard()          # folder from $MENTORKIT_COHORT, else cohort-exports/

A folder name that is not absolute (``cohort-2026``, ``exports/cohort``) is
taken inside the course folder, wherever the page runs (Voila runs a page in
its notebook's own folder). The report is built when the facilitator presses
the button, never while the page first appears: it needs pandas, matplotlib
and scipy, which take a few seconds to load.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import ipywidgets as widgets

from ..course import course_root, instruments_dir
from ._html import esc
from .appkit import UPLOAD_CSS, file_picker
from .download import download_link

ENV = "MENTORKIT_COHORT"
CSS = """
<style>
.mk-cohort { font-size: 14px; line-height: 1.45; color: #1b1b1b; max-width: 70em; }
.mk-cohort h1 { font-size: 24px; } .mk-cohort h2 { font-size: 19px; margin: 1.2em 0 0.4em; }
.mk-cohort table { border-collapse: collapse; margin: 0.4em 0 1em; }
.mk-cohort caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
.mk-cohort th, .mk-cohort td { border: 1px solid #9aa5b1; padding: 0.3em 0.6em; text-align: left;
  vertical-align: top; }
.mk-cohort th { background: #e8edf3; } .mk-cohort td.num { text-align: right; }
.mk-cohort .mk-answer { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 40em; }
.mk-cohort .mk-callout { border-left: 6px solid #9a6700; background: #fff8e6; padding: 0.4em 0.9em; }
.mk-cohort .mk-meta, .mk-cohort figcaption { color: #3d3d3d; font-size: 13px; }
.mk-cohort-problem { color: #8a1c12; font-weight: bold; font-size: 14px; }
.mk-cohort-ok { color: #14532d; font-size: 14px; }
.mk-cohort-form .widget-label { width: auto !important; min-width: 11em; }
</style>
"""


def default_folder() -> Path:
    """``$MENTORKIT_COHORT`` as given, else ``cohort-exports`` (in the course folder)."""
    configured = os.environ.get(ENV)
    return Path(configured).expanduser() if configured else Path("cohort-exports")


def resolve_folder(text: str) -> tuple[Path | None, str]:
    """(the folder, "") for what the facilitator typed, or (None, what is wrong and
    where it looked). A relative name is taken inside the course folder."""
    typed = text.strip()
    if not typed:
        return None, ("Type the name of the folder that holds the files participants sent you, for "
                      "example cohort-exports (a folder in the course folder) or a full path.")
    if "\x00" in typed:
        return None, "The folder name holds a character that cannot be in a path; type it again."
    path = Path(typed).expanduser()
    root = course_root()
    where = path if path.is_absolute() else root / path
    shown = typed if path.is_absolute() else f"{typed} in the course folder ({where})"
    try:
        if where.is_dir():
            next(iter(os.scandir(where)), None)  # can it be read?
            return where, ""
        if where.exists():
            return None, (f"{shown} is a file, not a folder. Type the folder that holds it, or upload "
                          "the files.")
    except PermissionError:
        return None, f"{shown} cannot be opened: this account has no permission to read it."
    except OSError as exc:
        return None, f"{shown} cannot be read ({exc.strerror or exc})."
    return None, (f"There is no folder {shown}. Type the name of the folder that holds the files "
                  "participants sent you, as a folder of the course or a full path.")


def instrument_choices() -> list[tuple[str, str]]:
    """(title, id) of the self-assessments, those answered at more than one
    time (a report shows change) first."""
    from ..content import read_yaml

    found = []
    for path in sorted(instruments_dir().glob("*.yaml")):
        data, problems = read_yaml(path)  # within the content limits; a bad file is left out
        if problems or not isinstance(data, dict) or data.get("kind") != "instrument":
            continue
        timepoints = data.get("timepoints")
        title = data.get("title") if isinstance(data.get("title"), str) else path.stem
        found.append((0 if isinstance(timepoints, list) and len(timepoints) > 1 else 1, path.stem, title))
    return [(title, stem) for _, stem, title in sorted(found)] or [("competencies", "competencies")]


def instrument_ids() -> list[str]:
    """The ids of :func:`instrument_choices`, in the same order."""
    return [stem for _, stem in instrument_choices()]


class CohortDashboard(widgets.VBox):
    """Folder (or uploaded files) in, report out."""

    def __init__(self, folder: str | Path | None = None, **kwargs):
        super().__init__(**kwargs)
        style = {"description_width": "initial"}
        self.folder = widgets.Text(str(folder or default_folder()), description="Folder of exported files",
                                   style=style, layout=widgets.Layout(width="100%", max_width="48em"))
        choices = instrument_choices()
        self.instrument = widgets.Dropdown(options=choices, value=choices[0][1],
                                           description="Self-assessment", style=style,
                                           layout=widgets.Layout(width="auto", max_width="26em"))
        self.build = widgets.Button(description="Build the report", button_style="primary",
                                    icon="chart-bar", tooltip="Read every file in the folder",
                                    layout=widgets.Layout(width="auto"))
        self.upload = file_picker("Or upload the files\u2026", ".csv,.json", multiple=True)
        self.message = widgets.HTML()
        self.result = widgets.HTML()
        self.build.on_click(lambda _: self.from_folder())
        self.upload.observe(lambda _: self.from_upload(), names="value")
        form = widgets.VBox([self.folder, self.instrument, widgets.HBox([self.build, self.upload]),
                             self.message])
        form.add_class("mk-cohort-form")
        self.result.add_class("mk-cohort")
        self.children = [widgets.HTML(CSS + UPLOAD_CSS), form, self.result]

    def say(self, text: str, problem: bool = False) -> None:
        kind = "mk-cohort-problem" if problem else "mk-cohort-ok"
        self.message.value = f'<p class="{kind}" role="status">{esc(text)}</p>' if text else ""

    def from_folder(self) -> bool:
        folder, problem = resolve_folder(self.folder.value)
        if folder is None:
            self.say(problem, problem=True)
            return False
        return self._report(folder, folder.name)

    def from_upload(self) -> bool:
        files = self.upload.value
        if not files:
            return False
        with tempfile.TemporaryDirectory(prefix="mentorkit-cohort-") as tmp:
            for number, item in enumerate(files, start=1):
                name = Path(str(item.get("name") or f"file-{number}")).name or f"file-{number}"
                (Path(tmp) / name).write_bytes(bytes(item["content"]))
            return self._report(Path(tmp), f"{len(files)} uploaded file(s)")

    def _report(self, folder: Path, label: str) -> bool:
        from .. import assessment, cohort
        from ..content import ContentError
        from ..report import read_grades, report_body, report_html

        try:
            instrument = assessment.load(self.instrument.value)
        except ContentError as exc:
            self.say(f"The self-assessment {self.instrument.label} cannot be read: {exc}", problem=True)
            return False
        self.say(f"Reading {label}...")
        found = cohort.read_folder(folder, instrument)
        found.folder = label
        if found.files_read == 0:
            self.say(f"{label} holds no files yet.", problem=True)
            self.result.value = ""
            return False
        grades, grades_note = read_grades()
        link = download_link(report_html(found, grades=grades, grades_note=grades_note), "cohort-report.html",
                             "Download this report (HTML)", mime="text/html")
        self.result.value = (f"<p>{link} <span class=\"mk-meta\">(the download numbers the files "
                             "instead of naming them and leaves out participant codes, so that you can "
                             "share it)</span></p>"
                             + report_body(found, file_names=True, grades=grades, grades_note=grades_note))
        not_used = sum(1 for note in found.notes if note.outcome == cohort.NOT_USED)
        reminders = len(cohort.missing_timepoints(found))
        self.say(f"Read {found.files_read} file(s): {len(found.participants)} participant(s), "
                 f"{len(found.paired())} with before and after; {not_used} file(s) not used; "
                 f"{reminders} to remind.")
        return True


def cohort_dashboard(folder: str | Path | None = None) -> CohortDashboard:
    """The dashboard. It says whether the folder is there, and waits for the
    button: building the report loads pandas, matplotlib and scipy."""
    dashboard = CohortDashboard(folder)
    found, _ = resolve_folder(dashboard.folder.value)
    if found is not None:
        dashboard.say(f"Press Build the report to read the files in {dashboard.folder.value.strip()}, "
                      "or type another folder, or upload the files.")
    else:
        dashboard.say("Put the files participants sent you in one folder, type its name above (a "
                      "folder of the course, or a full path) and press Build the report, or upload "
                      "the files.")
    return dashboard
