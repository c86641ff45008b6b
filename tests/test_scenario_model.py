"""The scenario model: each class of error is caught and named, and a
learner's way through is played, undone, saved and restored."""

import copy
from pathlib import Path

import pytest
import yaml

from mentorkit import scenario
from mentorkit.content import ContentError, check_file
from mentorkit.scenario import Playthrough


def choice(cid, nxt, rating="mixed"):
    return {"id": cid, "text": f"Do {cid}", "feedback": f"Because {cid} has consequences.",
            "rating": rating, "next": nxt}


BASE = {
    "kind": "scenario",
    "schema_version": 1,
    "id": "tiny",
    "title": "A tiny scenario",
    "summary": "Two decisions, three endings.",
    "setting": "clinical",
    "mentee": "Dr. Test, an instructor",
    "lessons": ["03-feedback"],
    "start": "first",
    "key_points": ["Ask before you tell.", "Agree the next step."],
    "nodes": {
        "first": {"scene": "The first scene is here.",
                  "choices": [choice("a", "second", "helpful"), choice("b", "end-weak", "unhelpful"),
                              choice("c", "second")]},
        "second": {"scene": "The second scene is here.",
                   "choices": [choice("x", "end-good", "helpful"), choice("y", "end-mixed"),
                               choice("z", "end-weak", "unhelpful")]},
        "end-good": {"scene": "It went well for everyone.", "ending": "strong"},
        "end-mixed": {"scene": "It went partly well.", "ending": "mixed"},
        "end-weak": {"scene": "It did not go well.", "ending": "weak"},
    },
}


def write(tmp_path, data, name="tiny"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def problems_for(tmp_path, mutate):
    data = copy.deepcopy(BASE)
    mutate(data)
    return [str(p) for p in check_file(write(tmp_path, data))]


def test_base_fixture_is_valid(tmp_path):
    assert check_file(write(tmp_path, BASE)) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["nodes"]["second"]["choices"][1].update(next="nowhere"),
         "node second / choice y: leads to node 'nowhere', which does not exist"),
        (lambda d: d["nodes"]["first"]["choices"][2].update(id="a"),
         "node first / choice a: this choice id is used twice"),
        (lambda d: d["nodes"]["first"]["choices"][0].pop("feedback"),
         "node first / choice a: missing 'feedback'"),
        (lambda d: d["nodes"]["first"]["choices"][0].update(feedback=" " * 30),
         "node first / choice a: has no feedback"),
        (lambda d: d["nodes"].update(orphan={"scene": "Nobody comes here.", "ending": "weak"}),
         "node orphan: cannot be reached from the start"),
        (lambda d: d["nodes"]["second"]["choices"][2].update(next="first"),
         "node second / choice z: leads back to node 'first'"),
        (lambda d: d.update(start="missing"), "start: names node 'missing', which does not exist"),
        (lambda d: d.update(lessons=["99-nonexistent"]), "lessons: '99-nonexistent' is not a lesson"),
        (lambda d: d["nodes"]["first"]["choices"][0].update(lesson="42-nope"),
         "node first / choice a: lesson '42-nope' is not a lesson"),
        (lambda d: d.update(id="other"), "id: is 'other' but the file is tiny.yaml"),
        (lambda d: d["nodes"]["first"].update(ending="strong"),
         "node first: needs either 'choices' (a decision) or 'ending'"),
        (lambda d: d["nodes"]["first"]["choices"].pop(),
         "node first / choices: has 2 item(s); needs at least 3"),
        (lambda d: d["nodes"]["second"]["choices"][0].update(rating="great"),
         "node second / choice x / rating: 'great' is not allowed here"),
        (lambda d: d["nodes"]["end-good"].update(colour="red"), "node end-good: unknown field 'colour'"),
        (lambda d: d.pop("key_points"), "top level: missing 'key_points'"),
    ],
)
def test_each_error_is_named(tmp_path, mutate, expected):
    found = problems_for(tmp_path, mutate)
    assert any(expected in line for line in found), found
    assert all(line.startswith(str(tmp_path / "tiny.yaml") + ": ") for line in found)


def test_single_decision_is_too_shallow(tmp_path):
    def shallow(d):
        for c in d["nodes"]["first"]["choices"]:
            c["next"] = "end-good" if c["id"] == "a" else "end-weak"
        del d["nodes"]["second"], d["nodes"]["end-mixed"]
    found = problems_for(tmp_path, shallow)
    assert any("longest path has 1 decision(s); it needs at least two" in p for p in found), found


def test_one_ending_is_not_enough(tmp_path):
    def one_end(d):
        for node in ("first", "second"):
            for c in d["nodes"][node]["choices"]:
                c["next"] = "second" if node == "first" else "end-good"
        del d["nodes"]["end-mixed"], d["nodes"]["end-weak"]
    found = problems_for(tmp_path, one_end)
    assert any("1 reachable ending(s)" in p for p in found), found


def test_duplicate_node_ids_are_caught_in_yaml(tmp_path):
    text = yaml.safe_dump(BASE, sort_keys=False)
    text = text.replace("  end-mixed:", "  end-good:", 1)
    path = tmp_path / "tiny.yaml"
    path.write_text(text)
    [problem] = check_file(path)
    assert "line" in problem.where and "'end-good' appears twice" in problem.what


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text("kind: scenario\nid: [unclosed\n")
    [problem] = check_file(path)
    assert problem.where.startswith("line ") and "not valid YAML" in problem.what


def test_load_raises_with_every_problem(tmp_path):
    data = copy.deepcopy(BASE)
    data["nodes"]["second"]["choices"][0]["next"] = "gone"
    data["nodes"]["second"]["choices"][1]["next"] = "gone-too"
    with pytest.raises(ContentError) as caught:
        scenario.load(write(tmp_path, data))
    found = [str(p) for p in caught.value.problems]
    assert any("choice x: leads to node 'gone'" in p for p in found)
    assert any("choice y: leads to node 'gone-too'" in p for p in found)
    assert any("node end-good: cannot be reached" in p for p in found)


def test_unknown_scenario_id_lists_the_available_ones():
    with pytest.raises(ContentError, match="no such scenario .*busy-mentor"):
        scenario.load("no-such-scenario")


def test_paths_enumerate_every_way_through(tmp_path):
    s = scenario.load(write(tmp_path, BASE))
    paths = [[c.id for _, c in steps] for steps in s.paths()]
    assert sorted(paths) == sorted([["a", "x"], ["a", "y"], ["a", "z"], ["b"],
                                    ["c", "x"], ["c", "y"], ["c", "z"]])


# -- playing ------------------------------------------------------------------


@pytest.fixture
def tiny(tmp_path):
    return scenario.load(write(tmp_path, BASE))


def test_play_choose_continue_and_finish(tiny):
    play = Playthrough(tiny)
    assert play.node.id == "first" and not play.finished
    picked = play.choose("a")
    assert picked.rating == "helpful" and play.awaiting_continue
    assert play.node.id == "first"  # the feedback is shown beside the same scene
    play.proceed()
    assert play.node.id == "second"
    play.choose("x")
    play.proceed()
    assert play.finished and play.node.ending == "strong"
    assert play.completions[-1]["steps"] == [["first", "a"], ["second", "x"]]
    with pytest.raises(ValueError, match="ended"):
        play.choose("x")


def test_choose_twice_without_continuing_is_refused(tiny):
    play = Playthrough(tiny)
    play.choose("a")
    with pytest.raises(ValueError, match="continue"):
        play.choose("b")


def test_back_undoes_one_choice_at_a_time(tiny):
    play = Playthrough(tiny)
    play.choose("a")
    play.back()  # while reading feedback: choose again at the same decision
    assert play.node.id == "first" and play.steps == [] and not play.awaiting_continue
    play.choose("c")
    play.proceed()
    play.back()  # after continuing: back to the decision where c was chosen
    assert play.node.id == "first" and play.steps == []


def test_restart_clears_the_way_but_keeps_completions(tiny):
    play = Playthrough(tiny)
    play.choose("b")
    play.proceed()
    play.restart()
    assert play.node.id == "first" and play.steps == [] and len(play.completions) == 1


def test_save_and_restore(tiny):
    play = Playthrough(tiny)
    play.choose("a")
    play.proceed()
    play.choose("y")
    restored, note = Playthrough.from_data(tiny, play.to_data())
    assert note == ""
    assert restored.steps == play.steps and restored.awaiting_continue
    assert restored.node.id == "second" and restored.last_choice.id == "y"


def test_restore_after_the_scenario_changed_keeps_what_fits(tiny):
    saved = {"steps": [["first", "a"], ["second", "removed-choice"]], "awaiting_continue": True}
    restored, note = Playthrough.from_data(tiny, saved)
    assert restored.steps == [("first", "a")] and restored.node.id == "second"
    assert "changed" in note


def test_restore_does_not_duplicate_completions(tiny):
    play = Playthrough(tiny)
    play.choose("b")
    play.proceed()
    restored, _ = Playthrough.from_data(tiny, play.to_data())
    assert restored.finished and len(restored.completions) == 1


# -- read once per kernel (content.load_cached) ------------------------------------------
def test_a_scenario_file_is_read_once_and_read_again_when_it_changes(tmp_path):
    """A page's kernel keeps what it read while the file's bytes stay the same,
    so the scenario list does not parse every file again; an edit shows at once."""
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    first = scenario.load(path)
    assert scenario.load(path) is first
    edited = copy.deepcopy(BASE)
    edited["title"] = "A tiny scenario, retitled"
    path.write_text(yaml.safe_dump(edited), encoding="utf-8")  # same moment, other bytes
    assert scenario.load(path).title == "A tiny scenario, retitled"


def test_a_broken_file_is_never_kept_and_its_problems_are_reported_each_time(tmp_path):
    path = tmp_path / "tiny.yaml"
    broken = copy.deepcopy(BASE)
    broken["start"] = "nowhere"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ContentError, match="nowhere"):
            scenario.load(path)
    path.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    assert scenario.load(path).title == BASE["title"]
    path.unlink()
    with pytest.raises(ContentError, match="does not exist"):
        scenario.load(path)


def test_a_scenario_is_read_once_per_load_so_the_kept_copy_is_what_its_key_says(tmp_path, monkeypatch):
    """The cache key and the scenario built come from one read of the file. Were
    it read twice, a save landing between the reads would keep the new version
    under the old version's key, and a file put back as it was would show the
    version it no longer has."""
    import builtins
    import io

    from mentorkit import content

    path = tmp_path / "tiny.yaml"
    original = yaml.safe_dump(BASE)
    path.write_text(original, encoding="utf-8")
    edited = copy.deepcopy(BASE)
    edited["title"] = "Saved while it was being read"
    reads = []

    def save_after_the_first_read():
        reads.append(path)
        if len(reads) == 1:
            path.write_text(yaml.safe_dump(edited), encoding="utf-8")

    real_open, real_read_bytes = builtins.open, Path.read_bytes

    def reading_open(file, *args, **kwargs):
        handle = real_open(file, *args, **kwargs)
        if Path(file) == path:
            data = handle.read()
            handle.close()
            save_after_the_first_read()
            return io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
        return handle

    def reading_bytes(self):
        data = real_read_bytes(self)
        if self == path:
            save_after_the_first_read()
        return data

    monkeypatch.setattr(content, "open", reading_open, raising=False)
    monkeypatch.setattr(Path, "read_bytes", reading_bytes)
    assert scenario.load(path).title == BASE["title"]
    assert len(reads) == 1, f"the file was read {len(reads)} times for one load"
    monkeypatch.undo()
    path.write_text(original, encoding="utf-8")  # put back as it was
    assert scenario.load(path).title == BASE["title"]
    edited["title"] = "Edited again"
    path.write_text(yaml.safe_dump(edited), encoding="utf-8")
    assert scenario.load(path).title == "Edited again"
