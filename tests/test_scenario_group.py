"""Group mode's rules without a browser: no moving on before Reveal, counts kept per
decision, the most chosen option marked, and nothing written to the learner's store."""

from __future__ import annotations

from mentorkit import scenario as model
from mentorkit.ui.scenario_group import GroupPlayer, ScenariosPage, query


def test_nothing_moves_before_reveal_and_the_tally_follows_the_counts(mentorkit_home):
    scene = model.load("busy-mentor")
    player = GroupPlayer(scene)
    first = scene.node(scene.start)
    player.go(first.choices[0].id)
    assert player.play.steps == [], "moving on must wait for Reveal"
    assert "mk-feedback" not in player.options.children[0].children[0].value
    counts = [box.children[1].children[0] for box in player.options.children]
    counts[1].value = 4
    counts[0].value = 1
    player._on_reveal()
    cards = [box.children[0].value for box in player.options.children]
    assert all("mk-feedback" in card for card in cards)
    assert "Most chosen" in cards[1] and "Most chosen" not in cards[0]
    assert 'width: 80%' in cards[1] and 'width: 20%' in cards[0]
    player.go(first.choices[1].id)
    assert player.play.steps == [(first.id, first.choices[1].id)] and not player.revealed
    player._on_back()
    assert player.counts[first.id] == {first.choices[1].id: 4, first.choices[0].id: 1}
    assert not list(mentorkit_home.rglob("*")), "group mode saved something in a learner's store"


def test_the_address_picks_group_mode_and_the_scenario(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "group=1&scenario=saying-no")
    assert query() == {"group": "1", "scenario": "saying-no"}
    page = ScenariosPage()
    assert page.switch.value and page.view.player.scenario.id == "saying-no"
    monkeypatch.setenv("QUERY_STRING", "scenario=saying-no")
    page = ScenariosPage()
    assert not page.switch.value and page.view.picker.value == "saying-no"
