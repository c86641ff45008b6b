"""The network map app in the kernel: fill it in through its widgets, see the
messages beside the fields, save and restore, draw, download and upload."""

import base64
import json
import re

import pytest

from mentorkit import network
from mentorkit.store import Store
from mentorkit.ui.network import NetworkMapApp, network_map_app


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "learner")


def fill(app, name, kinds=("work",), closeness="close", rank="peer", **more):
    """Add a person by setting the form's widgets, as a learner would."""
    app.add_button.click()
    app.fields["name"].value = name
    for kind in kinds:
        app.help_boxes[kind].value = True
    app.fields["closeness"].value = closeness
    app.fields["rank"].value = rank
    for field, value in more.items():
        app.fields[field].value = value


def saved(store):
    record = store.load(network.INSTRUMENT, network.KEY)
    return record.data if record else None


def links(app):
    """Download links shown now: filename -> decoded content."""
    found = {}
    for name, payload in re.findall(r'download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"',
                                    app.downloads.value):
        found[name] = base64.b64decode(payload)
    return found


def test_a_new_app_invites_the_first_person(store):
    app = NetworkMapApp(store=store)
    assert "No one on your map yet" in app.people_table.value
    assert app.form.layout.display == "none"
    assert app.downloads.value == "" and saved(store) is None


def test_people_added_through_the_form_are_saved_as_the_learner_goes(store):
    app = NetworkMapApp(store=store)
    fill(app, "DR", ("career", "personal"), "close", "senior", sponsor=True, role="mentor",
         setting="my division")
    data = saved(store)
    assert data["people"] == [{"name": "DR", "help": ["career", "personal"], "closeness": "close",
                               "rank": "senior", "inside": True, "sponsor": True, "role": "mentor",
                               "setting": "my division", "knows": [], "notes": ""}]
    fill(app, "AB", inside=False)
    app.knows_boxes["DR"].value = True
    assert saved(store)["people"][1]["knows"] == ["DR"] and saved(store)["people"][1]["inside"] is False
    assert [label for label, _ in app.picker.options] == ["1. DR (mentor)", "2. AB"]
    assert "Saved at" in app.status.value
    assert "Still to fill in" in app.people_table.value and "DR (mentor)" in app.people_table.value


def test_a_problem_shows_beside_its_field_and_clears_when_fixed(store):
    app = NetworkMapApp(store=store)
    fill(app, "JD")
    fill(app, "jd")
    assert "Person 1 is also called jd" in app.fields["name"].problem
    assert "mk-problem" in app.fields["name"].message.value
    assert saved(store)["people"][1]["name"] == "jd"  # kept as typed
    app.fields["name"].value = "JD2"
    assert app.fields["name"].problem == ""
    app.help_boxes["work"].value = False
    assert app.fields["help"].problem.startswith("Tick at least one")
    app.fields["closeness"].value = ""
    assert app.fields["closeness"].problem.startswith("Choose how close")


def test_a_new_person_is_not_scolded_until_the_map_is_drawn(store):
    app = NetworkMapApp(store=store)
    app.add_button.click()
    assert all(f.problem == "" for f in app.fields.values())
    app.draw()
    assert app.fields["name"].problem and app.fields["rank"].problem
    assert "Add at least one person with a name" in app.results.value


def test_the_map_is_restored_in_a_new_view(store):
    app = NetworkMapApp(store=store)
    app.goal.value = "Run a clinical trials unit"
    fill(app, "DR", rank="senior")
    fill(app, "NS", rank="junior", role="mentee", notes="New fellow")
    again = NetworkMapApp(store=store)
    assert again.goal.value == "Run a clinical trials unit"
    assert [label for label, _ in again.picker.options] == ["1. DR", "2. NS (mentee)"]
    assert again.fields["name"].value == "DR" and again.fields["rank"].value == "senior"
    again.picker.value = 1
    assert again.fields["name"].value == "NS" and again.fields["notes"].value == "New fellow"
    assert again.fields["role"].value == "mentee"
    # one line says what was restored and when to review the map
    assert "Restored your map (2 people). You last changed this map on" in again.status.value
    assert "Look at it again by" in again.status.value


def test_a_restored_invalid_person_shows_what_to_fix(store):
    store.save(network.INSTRUMENT, network.KEY, {"goal": "", "people": [{"name": "Q", "closeness": "far"}]})
    app = NetworkMapApp(store=store)
    assert app.fields["closeness"].problem.startswith("Choose how close")
    assert app.fields["closeness"].value == ""
    assert app.net.people[0].closeness == "far"  # nothing lost until the learner changes it


def test_remove_and_put_back(store):
    app = NetworkMapApp(store=store)
    fill(app, "DR")
    fill(app, "AB")
    app.knows_boxes["DR"].value = True
    app.picker.value = 0
    app.remove_button.click()
    assert [p["name"] for p in saved(store)["people"]] == ["AB"]
    assert saved(store)["people"][0]["knows"] == []
    assert app.undo_button.layout.display is None and "DR" in app.undo_button.description
    app.undo_button.click()
    assert [p["name"] for p in saved(store)["people"]] == ["DR", "AB"]
    assert saved(store)["people"][1]["knows"] == ["DR"]
    assert app.fields["name"].value == "DR" and app.undo_button.layout.display == "none"


def test_drawing_shows_the_map_the_themes_and_downloads(store):
    app = NetworkMapApp(store=store)
    fill(app, "DR", ("career",), "close", "senior", sponsor=True)
    fill(app, "NS", ("work",), "moderate", "junior", role="mentee")
    app.draw_button.click()
    html = app.results.value
    assert '<img src="data:image/png;base64,' in html and 'alt="Map of your developmental network' in html
    for theme in ("Diversity", "Redundancy", "Interconnectivity", "Strength of connection", "Balance",
                  "Connections to power and influence", "Size"):
        assert f">{theme}<" in html
    assert "For reflection" in html and "How each theme is counted" in html
    files = links(app)
    assert set(files) == {"developmental-network.json", "developmental-network.csv",
                          "developmental-network.png"}
    assert files["developmental-network.png"].startswith(b"\x89PNG")
    back = network.parse_export(files["developmental-network.json"], "developmental-network.json")
    assert back.to_data() == app.net.to_data()
    app.fields["setting"].value = "lab"
    assert "Draw my map" in app.results.value and "<img" not in app.results.value


def test_upload_restores_a_file_and_a_bad_one_changes_nothing(store):
    app = NetworkMapApp(store=store)
    fill(app, "Old")
    before = saved(store)
    assert not app.upload.receive("x.json", b'{"format": "mentorkit-self-assessment"}')
    assert "Nothing was changed" in app.upload.message and "self-assessment" in app.upload.message
    assert saved(store) == before and app.fields["name"].value == "Old"

    other = network.load_example()
    assert app.upload.receive("developmental-network.csv", network.export_csv(other).encode())
    assert "would replace your saved map" in app.upload.message  # asked first: nothing changed yet
    assert saved(store) == before and app.fields["name"].value == "Old"
    app.replace_button.click()
    assert "Restored 10 people" in app.upload.message
    assert saved(store)["people"] == other.to_data()["people"]
    assert app.goal.value == other.goal and app.fields["name"].value == "RB"
    assert len(app.picker.options) == 10
    copies = list((store.home / network.INSTRUMENT / "backups").glob("*.json"))
    assert len(copies) == 1 and json.loads(copies[0].read_text())["data"] == before
    app.undo_restore_button.click()  # and it can be undone
    assert saved(store) == before and app.fields["name"].value == "Old"


def test_a_store_that_cannot_be_written_is_reported_and_the_typing_kept(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    app = NetworkMapApp(store=Store(blocked))
    fill(app, "DR")
    assert "could not be saved" in app.status.value
    assert app.net.people[0].name == "DR"


def test_a_damaged_saved_file_is_set_aside_and_said(store):
    path = store.path(network.INSTRUMENT, network.KEY)
    path.parent.mkdir(parents=True)
    path.write_text("{broken")
    app = NetworkMapApp(store=store)
    assert "could not be read" in app.status.value and app.net.people == []


def test_no_widgets_under_nbgrader(monkeypatch, store):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert network_map_app(store=store) is None
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert isinstance(network_map_app(store=store), NetworkMapApp)


def test_json_download_is_offered_as_soon_as_someone_is_on_the_map(store):
    app = NetworkMapApp(store=store)
    fill(app, "DR")
    payload = json.loads(links(app)["developmental-network.json"])
    assert payload["people"][0]["name"] == "DR"


def test_no_saved_line_before_there_is_a_saved_map(store):
    app = NetworkMapApp(store=store)
    assert app.status.value == ""  # no "Saved." and no "You last changed this map" on a first visit
    assert not hasattr(app, "reminder")
    fill(app, "DR")
    assert "Saved at" in app.status.value and "last changed" not in app.status.value
    again = NetworkMapApp(store=store)
    assert again.status.value.count("role=") == 1  # one line, not two
    assert "Restored your map (1 person). You last changed this map on" in again.status.value


def test_the_restore_button_says_what_it_does_without_a_file_counter(store):
    app = NetworkMapApp(store=store)
    picker = app.upload.picker
    assert picker.description == picker.tooltip == "Restore my map from a file\u2026"
    assert "mk-upload" in picker._dom_classes and picker.layout.width == "auto"
