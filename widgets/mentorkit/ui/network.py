"""The developmental network map app: add the people in your network, see
them drawn as in the booklet's Appendix A, and read the seven themes.

One form edits one person at a time (pick them in "Person to edit"); a table
lists everyone, with what still needs filling in. Everything is saved in the
learner's store as they type and restored when the page is opened again.
The model (:mod:`mentorkit.network`) decides what is valid and computes the
themes; this view only shows them. matplotlib is imported when the learner
asks for the map, not before.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import ipywidgets as widgets

from .. import network as model
from ..network import CLOSENESS, HELP, HELP_SHAPES, HELP_TITLES, RANKS, Network, Person
from ..store import Store, StoreError
from . import grading
from ._html import esc, markdown
from .appkit import (
    CSS,
    Download,
    DownloadLinks,
    Field,
    Rejected,
    RestoreQuestion,
    Saver,
    StatusLine,
    UploadBox,
    disclaimer,
    dropdown,
    heading,
    note,
    text_area,
    text_input,
)

NETWORK_CSS = """
<style>
.mk-people table { border-collapse: collapse; font-size: 14px; margin: 0.4em 0; }
.mk-people th, .mk-people td { border: 1px solid #9aa5b1; padding: 0.25em 0.5em; text-align: left;
  vertical-align: top; line-height: 1.4; }
.mk-people th { background: #e8edf3; }
.mk-people td.mk-needs { color: #8a1c12; }
.mk-group-label { font-size: 14px; color: #1b1b1b; margin: 0 0 0.2em; line-height: 1.4; }
.mk-person { border-left: 4px solid #0072B2; padding-left: 0.8em; margin: 0.4em 0; }
.mk-results td, .mk-results th { vertical-align: top; }
.mk-question { color: #3d3d3d; font-size: 13px; line-height: 1.4; }
</style>
"""

INTRO = """\
Map the people who help you, as in the mapping exercise of the booklet's Appendix A [1].
For each person, say which of three kinds of help they give you (**getting the job done**,
**advancing your career**, **personal support**), how close you are, and whether they are
senior to you, a peer or junior to you. Star anyone who sponsors you or is very well connected.

Then draw your map and read the seven themes the booklet suggests for looking at a network.
Initials are enough: this stays on your computer unless you download it and share it.

[1] Boston Children's Hospital Office of Faculty Development. *Strategies for Mentors
2022-2023*, Appendix A: Mapping your developmental network.
"""

REFLECTION = """\
**For reflection.** Look at the map and the themes together, then jot down:

- one relationship you would like to make closer this year, and a first step;
- one kind of help you are missing, and someone who might give it, or introduce you;
- someone to thank, and someone you could help in return.

Bring the map to your next conversation with your mentor or to your yearly career conference.
"""

DISCLAIMER = ("This map is for your own reflection. The rules behind the seven themes are ours, "
              "not the booklet's, and they are not a validated measure: read them as questions to "
              "think about, not as a grade.")

CHOOSE = "Choose..."


class NetworkMapApp(RestoreQuestion, widgets.VBox):
    """The whole app. ``self.fields`` holds the person form's fields by name."""

    RESTORED = "map"

    def __init__(self, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.saver = Saver(model.INSTRUMENT, model.VERSION, store)
        loaded = self.saver.load(model.KEY)
        notes = list(loaded.notes)
        if loaded.data is not None:
            self.net, more = Network.from_data(loaded.data)
            notes += more
        else:
            self.net = Network()
        self.saved = loaded.saved
        self.current: int | None = 0 if self.net.people else None
        self._quiet_depth = 0
        self._before_removal: dict[str, Any] | None = None

        self.status = StatusLine()
        self.goal = Field(text_area("My career goal (optional)", self.net.goal, rows=2,
                                    placeholder="e.g. lead a clinical program; run my own lab"),
                          help="The booklet asks you to map your network against your goals.")
        self.goal.input.observe(self._goal_changed, names="value")

        self.add_button = widgets.Button(description="Add a person", icon="user-plus",
                                         button_style="primary", tooltip="Add a person to your map")
        self.add_button.on_click(self._add)
        self.picker = dropdown("Person to edit", [("(no one yet)", -1)])
        self.picker.observe(self._picked, names="value")
        self.picker_field = Field(self.picker)
        self.fields = self._make_fields()
        self.knows_boxes: dict[str, widgets.Checkbox] = {}
        self.remove_button = widgets.Button(description="Remove this person", icon="trash",
                                            tooltip="Take this person off your map",
                                            layout=widgets.Layout(width="auto"))
        self.remove_button.on_click(self._remove)
        self.undo_button = widgets.Button(description="Put them back", icon="undo",
                                          layout=widgets.Layout(display="none", width="auto"))
        self.undo_button.on_click(self._undo)
        self.form = widgets.VBox([*self.fields.values(),
                                  widgets.HBox([self.remove_button, self.undo_button])])
        self.form.add_class("mk-person")
        self.people_table = widgets.HTML()
        self.people_table.add_class("mk-people")

        self.draw_button = widgets.Button(description="Draw my map", icon="map-o",
                                          button_style="primary",
                                          tooltip="Draw the map and the seven themes")
        self.draw_button.on_click(self.draw)
        self.results = widgets.HTML()
        self.results.add_class("mk-results")
        self.downloads = DownloadLinks()
        self.upload = UploadBox("Restore my map from a file\u2026", self._upload, accept=".json,.csv",
                                help="Choose a file you downloaded from this page earlier. Before it "
                                     "replaces the map you have here, you are asked, and a copy of that "
                                     "map is kept; if the file cannot be used, nothing changes.")
        self._pending: tuple[str, Network] | None = None
        self._before_restore: dict[str, Any] | None = None

        self.children = [
            widgets.HTML(CSS + NETWORK_CSS),
            note(INTRO),
            disclaimer(DISCLAIMER),
            self.status,
            heading("Your goal", 3),
            self.goal,
            heading("The people in your network", 3),
            self.people_table,
            widgets.HBox([self.add_button]),
            self.picker_field,
            self.form,
            heading("Your map and the seven themes", 3),
            self.draw_button,
            self.results,
            self.downloads,
            heading("Keep a copy, or bring one back", 3),
            self.upload,
        ]
        with self._quiet():
            self._refresh_picker()
            self._load_person(show_problems=True)
        self._refresh_overview()
        # one line: what was restored and when to look again, only when there is a saved map
        restored = ""
        if loaded.data is not None:
            restored = (f"Restored your map ({_count(len(self.net.people))}). "
                        f"{model.review_reminder(self.saved)}")
        if notes:
            self.status.warn(" ".join([*notes, restored]).strip())
        elif restored:
            self.status.say(restored)

    # -- the form ------------------------------------------------------------------
    def _make_fields(self) -> dict[str, Field]:
        help_boxes = [widgets.Checkbox(False, description=f"{HELP_TITLES[k]} ({HELP_SHAPES[k]})",
                                       indent=False, layout=widgets.Layout(width="auto"))
                      for k in HELP]
        self.help_boxes = dict(zip(HELP, help_boxes, strict=True))
        help_group = widgets.VBox([widgets.HTML('<div class="mk-group-label">Kinds of help they '
                                                "give you (tick all that apply)</div>"),
                                   *help_boxes])
        self.knows_group = widgets.Box(layout=widgets.Layout(flex_flow="row wrap"))
        knows_holder = widgets.VBox([widgets.HTML('<div class="mk-group-label">Who else on your map '
                                                  "do they know? (optional)</div>"),
                                     self.knows_group])
        sponsor = widgets.Checkbox(False, description="\u2605 Sponsors me, or is very well connected",
                                   indent=False, layout=widgets.Layout(width="auto"))
        fields = {
            "name": Field(text_input("Name or initials", placeholder="e.g. DR"),
                          help="Initials are enough; each person needs a different name."),
            "help": Field(help_group),
            "closeness": Field(dropdown("How close are you?", [(CHOOSE, "")] +
                                        [(model.CLOSENESS_TITLES[c], c) for c in CLOSENESS]),
                               help=model.CLOSENESS_HELP),
            "rank": Field(dropdown("Are they senior to you, a peer, or junior to you?",
                                   [(CHOOSE, "")] + [(model.RANK_TITLES[r], r) for r in RANKS])),
            "inside": Field(dropdown("Where do they work?", [("Inside my organization", True),
                                                            ("Outside my organization", False)]),
                            help="Inside: a solid line on the map; outside: a dashed line."),
            "sponsor": Field(sponsor, help="A sponsor is an influential person who actively "
                                           "advances your career; they get a star."),
            "role": Field(dropdown("Do you see them as your mentor or your mentee?",
                                   [("Neither", ""), ("My mentor", "mentor"), ("My mentee", "mentee")])),
            "setting": Field(text_input("Where you know them from (optional)",
                                        placeholder="e.g. my division, a national society, home"),
                             help="Used for diversity: how many different settings your people come from."),
            "knows": Field(knows_holder, help="Used for interconnectivity: do your people know each other?"),
            "notes": Field(text_area("Notes (optional)", rows=2)),
        }
        for name, f in fields.items():
            if name == "help":
                for box in help_boxes:
                    box.observe(self._field_changed("help"), names="value")
            elif name != "knows":
                f.input.observe(self._field_changed(name), names="value")
        return fields

    @contextmanager
    def _quiet(self):
        """Set widgets from the model without treating it as the learner's typing."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    def _field_changed(self, name: str):
        def changed(_change=None) -> None:
            if self._quiet_depth or self.current is None:
                return
            person = self.net.people[self.current]
            if name == "name":
                self.net.rename(self.current, self.fields["name"].value)
            elif name == "help":
                person.help = [k for k in HELP if self.help_boxes[k].value]
            else:
                setattr(person, name, self.fields[name].value)
            problems = self.net.person_problems(self.current)
            self.fields[name].say(problems.get(name, ""))
            if name == "name":
                self._refresh_picker()
                if self.fields["knows"].problem:
                    self.fields["knows"].say(problems.get("knows", ""))
            self._changed()
        return changed

    def _knows_changed(self, _change=None) -> None:
        if self._quiet_depth or self.current is None:
            return
        self.net.people[self.current].knows = [n for n, box in self.knows_boxes.items() if box.value]
        self.fields["knows"].say(self.net.person_problems(self.current).get("knows", ""))
        self._changed()

    def _goal_changed(self, _change=None) -> None:
        if self._quiet_depth:
            return
        self.net.goal = self.goal.value
        self.goal.say(self.net.goal_problem())
        self._changed()

    def _load_person(self, show_problems: bool) -> None:
        """Put the current person's values in the form."""
        visible = self.current is not None
        self.form.layout.display = None if visible else "none"
        self.picker_field.layout.display = None if visible else "none"
        if not visible:
            return
        person = self.net.people[self.current]
        with self._quiet():
            self.fields["name"].value = person.name if isinstance(person.name, str) else str(person.name)
            for kind, box in self.help_boxes.items():
                box.value = person.gives(kind)
            for name in ("closeness", "rank", "inside", "role"):
                widget = self.fields[name].input
                values = [v for _, v in widget.options]
                widget.value = getattr(person, name) if getattr(person, name) in values else values[0]
            self.fields["sponsor"].value = person.sponsor is True
            for name in ("setting", "notes"):
                value = getattr(person, name)
                self.fields[name].value = value if isinstance(value, str) else str(value)
            self._refresh_knows()
        problems = self.net.person_problems(self.current) if show_problems else {}
        for name, f in self.fields.items():
            f.say(problems.get(name, ""))
        self.remove_button.description = "Remove this person"
        self.remove_button.tooltip = f"Take {person.label or 'this person'} off your map"

    def _refresh_knows(self) -> None:
        """One tick box per other named person on the map."""
        if self.current is None:
            return
        person = self.net.people[self.current]
        known = {model._key(n) for n in person.knows} if isinstance(person.knows, list) else set()
        others = [p.name.strip() for i, p in enumerate(self.net.people)
                  if i != self.current and isinstance(p.name, str) and p.name.strip()]
        boxes = {}
        with self._quiet():
            for name in others:
                box = widgets.Checkbox(model._key(name) in known, description=name, indent=False,
                                       layout=widgets.Layout(width="auto", margin="0 1.2em 0 0"))
                box.observe(self._knows_changed, names="value")
                boxes[name] = box
        self.knows_boxes = boxes
        self.knows_group.children = list(boxes.values()) or [
            widgets.HTML('<span class="mk-meta">Add more people to say who knows whom.</span>')]

    def _refresh_picker(self) -> None:
        options = [(f"{i + 1}. {p.label or '(no name yet)'}", i) for i, p in enumerate(self.net.people)]
        with self._quiet():
            self.picker.options = options or [("(no one yet)", -1)]
            self.picker.value = self.current if self.current is not None else -1

    def _picked(self, change) -> None:
        if self._quiet_depth or change["new"] in (None, -1):
            return
        self.current = change["new"]
        self._load_person(show_problems=True)

    # -- adding and removing ---------------------------------------------------------
    def _add(self, _button=None) -> None:
        if len(self.net.people) >= model.MAX_PEOPLE:
            self.status.warn(f"This map holds at most {model.MAX_PEOPLE} people.")
            return
        self.current = self.net.add(Person())
        self._refresh_picker()
        self._load_person(show_problems=False)
        self._changed(f"Added person {self.current + 1}: fill in their details below.")

    def _remove(self, _button=None) -> None:
        if self.current is None:
            return
        self._before_removal = {"data": self.net.to_data(), "index": self.current}
        person = self.net.remove(self.current)
        self.current = min(self.current, len(self.net.people) - 1) if self.net.people else None
        self._refresh_picker()
        self._load_person(show_problems=True)
        who = person.label or "The person without a name"
        self.undo_button.description = f"Put {person.label or 'them'} back"
        self.undo_button.layout.display = None
        self._changed(f"{who} was taken off your map.", keep_undo=True)

    def _undo(self, _button=None) -> None:
        if self._before_removal is None:
            return
        self.net, _ = Network.from_data(self._before_removal["data"])
        self.current = self._before_removal["index"] if self.net.people else None
        self._before_removal = None
        self._refresh_picker()
        self._load_person(show_problems=True)
        self._changed("Put back.", keep_undo=True)
        self.undo_button.layout.display = "none"

    # -- saving and the overview -----------------------------------------------------
    def _changed(self, message: str = "", keep_undo: bool = False) -> None:
        """After any change: save, then refresh the overview. A removal can be
        undone until the next change."""
        if not keep_undo:
            self._before_removal = None
            self.undo_button.layout.display = "none"
        problem, merged = self.saver.save_merged(model.KEY, self.net.to_data())
        if problem:
            self.status.warn(problem)
        else:
            self.saved = datetime.now(timezone.utc).isoformat(timespec="seconds")
            said = f"{message} Saved at {datetime.now():%H:%M}.".strip()
            if merged is not None:
                # another window saved changes meanwhile: they are kept, and shown here
                self.net, _ = Network.from_data(merged)
                if self.current is not None and self.current >= len(self.net.people):
                    self.current = len(self.net.people) - 1 if self.net.people else None
                with self._quiet():
                    self.goal.value = self.net.goal if isinstance(self.net.goal, str) else ""
                    self._refresh_picker()
                    self._load_person(show_problems=False)
                said += " Changes made in another window were kept and are shown here too."
            if self.saver.conflict:
                self.status.warn(f"{said} {self.saver.conflict}")
            else:
                self.status.say(said)
        if self.results.value:
            self.results.value = ('<p class="mk-meta" role="status">Your map has changed: press '
                                  "<strong>Draw my map</strong> again to see it.</p>")
        self._refresh_overview()

    def _refresh_overview(self) -> None:
        self.people_table.value = self._people_html()
        if self.net.people:
            self.downloads.show([
                Download("developmental-network.json", model.export_json(self.net),
                         "Download my network (JSON)", "application/json"),
                Download("developmental-network.csv", model.export_csv(self.net),
                         "Download my network (CSV)", "text/csv"),
            ], caption="Keep a copy: a hosted session may be cleared when you leave.")
        else:
            self.downloads.show([])

    def _people_html(self) -> str:
        if not self.net.people:
            return ('<p class="mk-meta">No one on your map yet. Press <strong>Add a person</strong> '
                    "to begin: a mentor, a colleague, someone at home.</p>")
        rows = []
        for i, p in enumerate(self.net.people):
            needs = self.net.person_problems(i)
            helps = ", ".join(HELP_TITLES[k].lower() for k in HELP if p.gives(k))
            where = "inside" if p.inside is True else "outside" if p.inside is False else ""
            rows.append(
                "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in (
                    i + 1, p.label or "(no name yet)", helps, p.closeness, p.rank, where,
                    "\u2605" if p.sponsor is True else ""))
                + f'<td class="mk-needs">{esc(", ".join(_field_words(n) for n in needs))}</td></tr>')
        head = "".join(f'<th scope="col">{h}</th>' for h in (
            "#", "Name", "Kinds of help", "Closeness", "Rank", "Organization", "Star", "Still to fill in"))
        return (f'<table><caption class="mk-meta">{_count(len(self.net.people))} on your map. Choose '
                f'one in "Person to edit" to change them.</caption><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>")

    # -- results ---------------------------------------------------------------------
    def draw(self, _button=None) -> None:
        """Draw the map and the themes table; show what still needs filling in."""
        from ..plots import network_map
        from .charts import figure_html, figure_png

        if self.current is not None:
            problems = self.net.person_problems(self.current)
            for name, f in self.fields.items():
                f.say(problems.get(name, ""))
        if not self.net.named():
            self.results.value = ('<p class="mk-status" role="alert">Add at least one person with a '
                                  "name first.</p>")
            return
        needing = [p.label or f"person {i + 1}" for i, p in enumerate(self.net.people)
                   if self.net.person_problems(i)]
        warning = ""
        if needing:
            warning = ('<p class="mk-status" role="status">Still to fill in for '
                       f"{esc(', '.join(needing))} (see the list of people): the map and the themes "
                       "use only what is filled in.</p>")
        fig = network_map(self.net)
        image = figure_html(fig, model.describe(self.net))
        self.results.value = (warning + image + _themes_html(self.net) + _grid_html(self.net)
                              + f'<div class="mk-card">{markdown(REFLECTION)}</div>')
        files = [
            Download("developmental-network.json", model.export_json(self.net),
                     "Download my network (JSON)", "application/json"),
            Download("developmental-network.csv", model.export_csv(self.net),
                     "Download my network (CSV)", "text/csv"),
            Download("developmental-network.png", figure_png(fig), "Download the map (PNG)", "image/png"),
        ]
        self.downloads.show(files, caption="Keep a copy: a hosted session may be cleared when you leave.")

    # -- upload ----------------------------------------------------------------------
    def _upload(self, filename: str, content: bytes) -> str:
        """A file from "Restore my map": used at once over an empty map; over a
        saved one, the learner is asked first (:meth:`replace`)."""
        try:
            net = model.parse_export(content, filename)
        except model.ExportError as exc:
            raise Rejected(str(exc)) from None
        loaded = self.saver.load(model.KEY)  # what is saved now (another tab may have changed it)
        if loaded.data is not None and loaded.data != self.net.to_data():
            self._show_net(Network.from_data(loaded.data)[0])
        if not (self.net.people or self.net.goal) or self.net.to_data() == net.to_data():
            return self._apply_restore(filename, net)
        self._pending = (filename, net)
        self._ask_before_restoring(
            f"{esc(filename)} holds a map of "
            f"{_count(len(net.people))}. Restoring it replaces your saved map of "
            f"{_count(len(self.net.people))}. A copy of it is kept, and you can undo. Replace it?")
        return f"Nothing has changed yet: {filename} would replace your saved map. Choose below."

    def replace(self) -> str:
        """The learner said yes: keep a copy of the saved map, then restore."""
        if self._pending is None:
            return ""
        filename, net = self._pending
        self._pending = None
        try:
            message = self._apply_restore(filename, net)
        except Rejected as exc:
            message = f"Nothing was changed: {exc}"
            self._restore_extra([])
            self.upload.field.say(message)
            return message
        self.upload.field.say(message, ok=True)
        return message

    def keep(self) -> None:
        self._pending = None
        self._restore_extra([])
        self.upload.field.say("Nothing was changed: your saved map is as it was.", ok=True)

    def _apply_restore(self, filename: str, net: Network) -> str:
        kept = ""
        before = self.net.to_data()
        if self.net.people or self.net.goal:
            try:
                copy = self.saver.backup(model.KEY)
            except StoreError as exc:
                raise Rejected(f"a copy of your saved map could not be kept ({exc}), so it was not "
                               "replaced.") from None
            kept = f" The map it replaced is kept in {copy}." if copy else ""
        self._show_net(net)
        self.results.value = ""
        self._changed(f"Restored {_count(len(net.people))} from {filename}.")
        self._before_restore = before
        message = f"Restored {_count(len(net.people))} from {filename}.{kept}"
        self._restore_extra([self.undo_restore_button])
        return message

    def undo_restore(self) -> str:
        """Put back the map a restore replaced."""
        if self._before_restore is None:
            return ""
        before, self._before_restore = self._before_restore, None
        self._show_net(Network.from_data(before)[0])
        self.results.value = ""
        self._changed("The restore was undone: your earlier map is back.")
        message = "The restore was undone: your earlier map is back."
        self._restore_extra([])
        self.upload.field.say(message, ok=True)
        return message

    def _show_net(self, net: Network) -> None:
        self.net = net
        self.current = 0 if net.people else None
        with self._quiet():
            self.goal.value = net.goal if isinstance(net.goal, str) else ""
        self.goal.say("")
        self._refresh_picker()
        self._load_person(show_problems=True)


def _count(n: int) -> str:
    return f"{n} person" if n == 1 else f"{n} people"


FIELD_WORDS = {"name": "name", "help": "kind of help", "closeness": "closeness", "rank": "rank",
               "inside": "organization", "sponsor": "star", "role": "role", "setting": "setting",
               "knows": "who they know", "notes": "notes"}


def _field_words(name: str) -> str:
    return FIELD_WORDS.get(name, name)


def _themes_html(net: Network) -> str:
    rows = []
    for t in model.themes(net):
        rows.append(
            f'<tr><th scope="row">{esc(t.title)}<div class="mk-question">{esc(t.question)}</div></th>'
            f"<td>{esc(t.counted)}</td><td><strong>{esc(t.reading)}</strong></td><td>{esc(t.note)}</td></tr>")
    rules = "".join(f"<li><strong>{esc(t.title)}.</strong> {esc(t.rule)}</li>" for t in model.themes(net))
    return ('<h4>The seven themes</h4><table><caption class="mk-meta">Themes and questions from the '
            "booklet's Appendix A; the counts and readings follow our own simple rules.</caption>"
            '<thead><tr><th scope="col">Theme</th><th scope="col">What we counted</th>'
            '<th scope="col">Reading</th><th scope="col">What it may mean</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<details><summary>How each theme is counted</summary><ul>{rules}</ul></details>")


def _grid_html(net: Network) -> str:
    """The booklet's table: kinds of help by closeness."""
    grid = model.by_help_and_closeness(net)
    head = "".join(f'<th scope="col">{c.capitalize()}</th>' for c in CLOSENESS)
    rows = "".join(
        f'<tr><th scope="row">{esc(HELP_TITLES[k])}</th>'
        + "".join(f"<td>{esc(', '.join(grid[k][c])) or '&mdash;'}</td>" for c in CLOSENESS) + "</tr>"
        for k in HELP)
    return ('<h4>Your network table</h4><table><caption class="mk-meta">Each person appears once for '
            'each kind of help they give, as in the booklet\'s table.</caption>'
            f'<thead><tr><th scope="col">Kind of help</th>{head}</tr></thead><tbody>{rows}</tbody></table>')


def network_map_app(store: Store | None = None):
    """Show the developmental network map app."""
    if grading():
        return None
    return NetworkMapApp(store=store)
