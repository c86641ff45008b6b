"""The scenario player in the kernel: click through, go back, start over,
restore after a restart (a new player over the same store)."""

import html
import re

import pytest

from mentorkit import choose_scenario, scenario, show_scenario
from mentorkit.store import Store
from mentorkit.ui.scenario_player import ScenarioPlayer


def ids(player):
    return [b.choice_id for b in player.choice_buttons]


def click(player, choice_id):
    next(b for b in player.choice_buttons if b.choice_id == choice_id).click()


def test_show_scenario_draws_the_opening(mentorkit_home):
    player = show_scenario("busy-mentor")
    assert isinstance(player, ScenarioPlayer)
    assert "Friday evening" in player.scene.value
    assert ids(player) == ["reply-brief", "call-her", "hand-off"]
    assert player.feedback.value == "" and player.back_button.disabled
    assert player.continue_button.layout.display == "none"


def test_a_choice_shows_feedback_then_continues(mentorkit_home):
    player = show_scenario("busy-mentor")
    click(player, "call-her")
    assert "Helpful" in player.feedback.value and "protected time" in player.feedback.value
    assert player.choice_buttons == []  # no second choice until the learner continues
    assert player.continue_button.layout.display is None
    player.continue_button.click()
    assert "The meeting" in player.scene.value and player.feedback.value == ""
    click(player, "ask-first")
    player.continue_button.click()
    assert "A strong outcome" in player.summary.value
    assert "Your path" in player.summary.value and "Key points" in player.summary.value
    assert "Your earlier runs (1)" in player.history.value


def test_back_and_start_over(mentorkit_home):
    player = show_scenario("busy-mentor")
    click(player, "reply-brief")
    player.continue_button.click()
    assert "After the lab meeting" in player.scene.value
    player.back_button.click()
    assert "Friday evening" in player.scene.value and len(player.choice_buttons) == 3
    click(player, "hand-off")
    player.continue_button.click()
    click(player, "defend")
    player.restart_button.click()
    assert "Friday evening" in player.scene.value and player.back_button.disabled


def test_progress_survives_a_restart(mentorkit_home):
    first = show_scenario("busy-mentor")
    click(first, "call-her")
    first.continue_button.click()
    click(first, "rewrite")
    again = show_scenario("busy-mentor")  # as after a kernel restart: only the store remains
    assert "The meeting" in again.scene.value and "Partly helpful" in again.feedback.value
    saved = Store(mentorkit_home).load("scenarios", "busy-mentor").data
    assert saved["steps"] == [["the-email", "call-her"], ["the-meeting", "rewrite"]]


def test_a_corrupted_save_is_reported_and_play_starts_fresh(mentorkit_home):
    folder = mentorkit_home / "scenarios"
    folder.mkdir()
    (folder / "busy-mentor.json").write_text("{ broken")
    player = show_scenario("busy-mentor")
    assert "could not be read" in player.status.value
    assert ids(player) == ["reply-brief", "call-her", "hand-off"]
    assert list(folder.glob("busy-mentor.corrupt-*.json"))


def test_an_unwritable_store_does_not_stop_play(mentorkit_home, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    player = ScenarioPlayer(scenario.load("busy-mentor"), store=Store(blocked))
    click(player, "call-her")
    assert "could not be saved" in player.status.value
    assert "Helpful" in player.feedback.value


def test_a_broken_scenario_shows_a_message_not_a_traceback(mentorkit_home, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: scenario\nid: bad\n")
    box = show_scenario(str(bad))
    assert "cannot be shown" in box.value and "missing" in box.value


def test_widgets_stay_away_during_autograding(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert show_scenario("busy-mentor") is None
    assert choose_scenario() is None


def test_chooser_lists_every_scenario_and_switches(mentorkit_home):
    chooser = choose_scenario()
    values = [value for _, value in chooser.picker.options]
    assert values == scenario.available() and len(values) >= 16
    chooser.picker.value = "busy-mentor"
    assert chooser.player.scenario.id == "busy-mentor"
    click(chooser.player, "call-her")
    chooser.player.continue_button.click()
    click(chooser.player, "ask-first")
    chooser.player.continue_button.click()
    assert "✓" in dict((v, k) for k, v in choose_scenario().picker.options)["busy-mentor"]


@pytest.mark.parametrize("scenario_id", scenario.available())
def test_every_path_can_be_played_to_an_ending(scenario_id, mentorkit_home):
    """Play every path through the widget, start over between them."""
    s = scenario.load(scenario_id)
    player = ScenarioPlayer(s, store=Store(mentorkit_home))
    count = 0
    for steps in s.paths():
        if player.play.steps:
            player.restart_button.click()
        for node, choice in steps:
            assert html.escape(node.title) in player.scene.value
            click(player, choice.id)
            assert scenario.RATING_LABELS[choice.rating] in player.feedback.value
            word = next(w for w in re.findall(r"[A-Za-z]{5,}", choice.feedback))
            assert word in player.feedback.value
            player.continue_button.click()
        assert player.play.finished and player.summary.value
        count += 1
    assert count >= 3


def test_chooser_for_one_lesson_lists_only_its_scenarios(mentorkit_home):
    chooser = choose_scenario(lesson="02-setting-expectations")
    values = [value for _, value in chooser.picker.options]
    assert "busy-mentor" in values
    assert all("02-setting-expectations" in chooser.scenarios[v].lessons for v in values)
    assert len(values) < len(scenario.available())
