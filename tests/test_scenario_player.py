"""The scenario player in the kernel: click through, go back, start over,
restore after a restart (a new player over the same store)."""

import html
import re

import pytest
import yaml

from mentorkit import choose_scenario, scenario, show_scenario
from mentorkit.store import Store
from mentorkit.ui.scenario_player import ScenarioPlayer, lesson_label


def ids(player):
    return [b.choice_id for b in player.choice_buttons]


def click(player, choice_id):
    next(b for b in player.choice_buttons if b.choice_id == choice_id).click()


def test_show_scenario_draws_the_opening(mentorkit_home):
    player = show_scenario("busy-mentor")
    assert isinstance(player, ScenarioPlayer)
    assert "Friday evening" in player.scene.value
    assert ids(player) == ["reply-brief", "call-her", "hand-off"]
    assert player.feedback.value == "" and player.back_button.layout.display == "none"
    assert player.continue_button.layout.display == "none"


def test_a_choice_shows_feedback_then_continues(mentorkit_home):
    player = show_scenario("busy-mentor")
    button = player.choice_buttons[1]
    button.click()
    button.click()  # a double click: the second is ignored, not an error
    assert player.play.steps == [("the-email", "call-her")]
    assert "Helpful" in player.feedback.value and "protected time" in player.feedback.value
    assert player.choice_buttons == []  # no second choice until the learner continues
    assert player.continue_button.layout.display is None
    player.continue_button.click()
    assert "The meeting" in player.scene.value and player.feedback.value == ""
    click(player, "ask-first")
    player.continue_button.click()
    assert "End of the scenario: a strong outcome" in player.summary.value
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
    assert "Friday evening" in player.scene.value and player.back_button.layout.display == "none"


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
    assert sorted(values) == scenario.available() and len(values) >= 16
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


def finish(player, *choice_ids):
    for choice_id in choice_ids:
        click(player, choice_id)
        player.continue_button.click()


def test_two_players_on_one_store_never_lose_a_finished_run(mentorkit_home):
    """Two players of one scenario (the lesson's and the picker's, or two tabs)
    load the store once; a save from the stale one must keep the other's run."""
    store = Store(mentorkit_home)
    first = ScenarioPlayer(scenario.load("busy-mentor"), store=store)
    second = ScenarioPlayer(scenario.load("busy-mentor"), store=Store(mentorkit_home))
    finish(first, "call-her", "ask-first")
    assert len(store.load("scenarios", "busy-mentor").data["completions"]) == 1
    click(second, "reply-brief")  # the stale player saves its own state
    saved = store.load("scenarios", "busy-mentor").data
    assert len(saved["completions"]) == 1, "the finished run was erased"
    assert saved["steps"] == [["the-email", "reply-brief"]]
    second.continue_button.click()
    finish(second, "own-it")
    saved = store.load("scenarios", "busy-mentor").data
    assert [c["steps"][0][1] for c in saved["completions"]] == ["call-her", "reply-brief"]
    assert "Your earlier runs (2)" in second.history.value
    first.restart_button.click()
    click(first, "hand-off")  # and the other way round: the first never saw the second's run
    assert len(store.load("scenarios", "busy-mentor").data["completions"]) == 2


def test_the_picker_does_not_open_a_scenario_already_on_the_page(mentorkit_home):
    on_page = [show_scenario("conflicting-advice"), show_scenario("ending-the-relationship")]
    chooser = choose_scenario(lesson="08-developmental-networks")
    assert chooser.picker.value not in {p.scenario.id for p in on_page}
    assert chooser.picker.value == "which-model"
    assert chooser.player.scenario.title == "One mentor is not enough"


def test_the_picker_is_ordered_by_lesson_then_title_and_names_the_lesson(mentorkit_home):
    chooser = choose_scenario()
    keys = [(chooser.scenarios[v].lessons[0], chooser.scenarios[v].title)
            for _, v in chooser.picker.options]
    assert keys == sorted(keys)
    labels = dict((v, k) for k, v in chooser.picker.options)
    assert labels["busy-mentor"].startswith("Lesson 2 · The mentor with no time")
    assert labels["which-model"].startswith("Lesson 1 · ")


def test_a_choice_hands_focus_to_continue_then_to_the_next_choice(mentorkit_home):
    player = show_scenario("busy-mentor")
    sent = []
    for button in [player.continue_button, player.restart_button, *player.choices.children]:
        button.focus = lambda b=button: sent.append(b)
    click(player, "call-her")
    assert sent == [player.continue_button]
    player.continue_button.click()
    assert sent[-1] is player.choice_buttons[0] and sent[-1].choice_id == "rewrite"
    player.continue_button.click()  # no feedback showing: nothing happens, focus stays
    assert len(sent) == 2
    click(player, "ask-first")
    player.continue_button.click()
    assert player.play.finished and sent[-1] is player.restart_button


def test_the_ending_reads_as_one_block_before_the_buttons(mentorkit_home):
    player = show_scenario("busy-mentor")
    assert player.back_button.layout.display == "none"  # hidden, not a grey disabled button
    assert player.restart_button.layout.display == "none"
    finish(player, "call-her", "ask-first")
    kids = list(player.children)
    assert kids.index(player.summary) < kids.index(player.nav)
    assert "End of the scenario: a strong outcome" in player.summary.value
    assert player.back_button.layout.display is None and not player.back_button.disabled


def _busy_mentor_as(tmp_path, **changes):
    """busy-mentor.yaml with some fields changed, saved as its own scenario file."""
    data = yaml.safe_load((scenario.scenarios_dir() / "busy-mentor.yaml").read_text(encoding="utf-8"))
    data.update(id="seat-test", **changes)
    path = tmp_path / "seat-test.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_player_says_whose_seat_the_learner_is_in(mentorkit_home, tmp_path):
    mentor = show_scenario("busy-mentor")
    assert ("<strong>You are the mentor in this scenario. Your mentee:</strong> Dr. Claire Donnelly"
            in mentor.header.value)
    played = ScenarioPlayer(scenario.load(_busy_mentor_as(tmp_path, seat="mentee")),
                            store=Store(mentorkit_home))
    assert played.scenario.seat == "mentee"
    assert "<strong>You are the mentee in this scenario:</strong> Dr. Claire Donnelly" in played.header.value
    assert "Your mentee" not in played.header.value and "the mentor in this" not in played.header.value
    # The line stays above every scene, not only the first.
    click(played, "call-her")
    played.continue_button.click()
    assert "You are the mentee in this scenario:" in played.header.value


def test_a_seat_that_is_neither_mentor_nor_mentee_is_named(mentorkit_home, tmp_path):
    box = show_scenario(str(_busy_mentor_as(tmp_path, seat="observer")))
    assert "cannot be shown" in box.value and "seat" in box.value


def test_a_lettered_lesson_is_named_with_its_letter():
    assert lesson_label("02a-mentoring-up") == "Lesson 2a"
    assert lesson_label("03-feedback") == "Lesson 3" and lesson_label("00-welcome") == "Welcome"
