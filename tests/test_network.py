"""The developmental network model: the seven themes on hand-made networks,
checking, export and import, the store, the example file and the map."""

import json
import math
import shutil
from datetime import date

import pytest

from mentorkit import labs, network, plots
from mentorkit.content import check_file
from mentorkit.network import ExportError, Network, Person, parse_export
from mentorkit.store import Store

from .conftest import ROOT

EXAMPLE = ROOT / "exercises" / "self-assessments" / "network-example.yaml"


def person(name, help=("work",), closeness="close", rank="peer", **more):
    return Person(name=name, help=list(help), closeness=closeness, rank=rank, **more)


def net_of(*people, goal=""):
    return Network(list(people), goal)


def full_network():
    """Every field used; valid."""
    return net_of(
        person("DR", ("career", "personal"), "close", "senior", sponsor=True, role="mentor",
               setting="my division", knows=["SW"], notes="Monthly, over coffee"),
        person("SW", ("career",), "distant", "senior", sponsor=True, setting="department"),
        person("AB", ("career",), "moderate", "peer", inside=False, setting="another hospital"),
        person("NS", ("work",), "close", "junior", role="mentee", setting="my lab", knows=["DR"]),
        goal="Lead the paediatric sleep clinic",
    )


# -- the seven themes ------------------------------------------------------------------
def test_the_seven_themes_come_in_the_booklets_order():
    found = network.themes(full_network())
    assert [t.id for t in found] == ["diversity", "redundancy", "interconnectivity", "strength",
                                     "balance", "power", "size"]
    for theme in found:
        assert theme.rule.startswith("Our rule") and theme.note and theme.question.endswith("?")


@pytest.mark.parametrize("count, reading", [(0, "empty"), (1, "small"), (3, "small"), (4, "moderate"),
                                            (12, "moderate"), (13, "large")])
def test_size_counts_people_once(count, reading):
    people = [person(f"P{i}", ("work", "career")) for i in range(count)]
    theme = network.size(net_of(*people, Person()))  # a blank row does not count
    assert theme.details["people"] == count
    assert theme.reading == reading


def test_redundancy_finds_a_gap_and_the_person_who_does_everything():
    net = net_of(person("A", ("work", "career")), person("B", ("work",)))
    theme = network.redundancy(net)
    assert theme.details["counts"] == {"work": 2, "career": 1, "personal": 0}
    assert theme.details["gaps"] == ["personal"] and theme.reading == "gap"
    assert "personal support" in theme.note

    net.add(person("C", ("work", "career", "personal")))
    theme = network.redundancy(net)
    assert theme.details["fewest"] == 1 and theme.reading == "thin"
    assert theme.details["everything"] == ["C"] and "C gives all three" in theme.note

    net.add(person("D", ("career", "personal")))
    assert network.redundancy(net).reading == "backed up"


def test_interconnectivity_is_the_share_of_pairs_who_know_each_other():
    net = net_of(person("A", knows=["B"]), person("B", knows=["A", "C"]), person("C"), person("D"))
    theme = network.interconnectivity(net)
    # A-B (named by both, counted once) and B-C: 2 of 6 pairs
    assert theme.details == {"pairs": 6, "ties": 2, "density": 0.33}
    assert theme.reading == "mixed"

    net.people[3].knows = ["a", "c"]  # names match whatever the case
    assert network.interconnectivity(net).details["density"] == 0.67
    assert network.interconnectivity(net).reading == "closed"

    assert network.interconnectivity(net_of(person("A"), person("B"))).reading == "open"
    alone = network.interconnectivity(net_of(person("A", knows=["Nobody"])))
    assert alone.details["density"] is None and alone.reading == "too few to tell"


def test_interconnectivity_ignores_names_not_on_the_map():
    net = net_of(person("A", knows=["Z"]), person("B"))
    assert network.interconnectivity(net).details["ties"] == 0


def test_strength_is_the_spread_over_the_rings():
    theme = network.strength(net_of(person("A", closeness="close"), person("B", closeness="distant"),
                                    person("C", closeness="distant")))
    assert theme.details == {"counts": {"close": 1, "moderate": 0, "distant": 2}, "rings": 2}
    assert theme.reading == "spread"
    assert network.strength(net_of(person("A"), person("B"))).reading == "all in one ring"
    assert network.strength(net_of(person("A", closeness="moderate"))).reading == "no close ties"


@pytest.mark.parametrize("roles, reading", [
    ((), "no roles named"),
    (("mentor", "mentor"), "tipping: mentors, no mentees"),
    (("mentee",), "tipping: mentees, no mentors"),
    (("mentor", "mentee", "mentee"), "balanced"),
])
def test_balance_compares_mentors_and_mentees(roles, reading):
    people = [person(f"P{i}", role=role) for i, role in enumerate(roles)] + [person("X")]
    theme = network.balance(net_of(*people))
    assert theme.reading == reading
    assert theme.details["mentors"] == roles.count("mentor")
    assert theme.details["mentees"] == roles.count("mentee")


def test_power_counts_the_stars():
    net = net_of(person("A"), person("B", sponsor=True, rank="senior"))
    theme = network.power(net)
    assert theme.details == {"stars": 1, "starred": ["B"], "senior_stars": 1}
    assert theme.reading == "one" and "B is your one link" in theme.note
    assert network.power(net_of(person("A"))).reading == "none yet"
    net.add(person("C", sponsor=True))
    assert network.power(net).reading == "several"


def test_diversity_gives_a_point_for_each_kind_of_variety():
    same = net_of(person("A", setting="lab"), person("B", setting="Lab "))
    theme = network.diversity(same)
    assert theme.details["settings"] == 1 and theme.details["points"] == 0
    assert theme.reading == "narrow"
    theme = network.diversity(full_network())
    assert theme.details == {"ranks": ["senior", "peer", "junior"], "inside": 3, "outside": 1,
                             "settings": 4, "points": 3}
    assert theme.reading == "varied"
    assert "gender" in theme.note  # says what the map does not record


def test_themes_of_an_empty_network_say_so():
    for theme in network.themes(Network()):
        assert theme.reading in ("no one yet", "empty", "too few to tell")


def test_invalid_values_are_not_counted():
    net = net_of(person("A", closeness="very"), person("B", rank="boss", help=["cooking"]))
    assert network.strength(net).details["counts"] == {"close": 1, "moderate": 0, "distant": 0}
    assert network.redundancy(net).details["counts"]["work"] == 1


# -- checking --------------------------------------------------------------------------
def test_a_full_network_is_valid():
    assert full_network().problems() == {}


def test_each_problem_names_its_person_and_field():
    net = net_of(Person(), person("A", knows=["Q", "A"]), person("a"),
                 Person(name="B;C", help=["work", "work"], closeness="near", rank="boss", inside="yes",
                        sponsor=None, role="friend", setting="x" * 61, notes="y" * 501))
    found = net.problems()
    assert found["person 1 / name"].startswith("Write a name or initials")
    assert found["person 1 / help"].startswith("Tick at least one")
    assert "Q is not in your network" in found["person 2 / knows"]
    assert found["person 3 / name"].startswith("Person 2 is also called a")
    assert "semicolon" in found["person 4 / name"]
    assert "only once" in found["person 4 / help"]
    for name in ("closeness", "rank", "inside", "sponsor", "role", "setting", "notes"):
        assert f"person 4 / {name}" in found, name
    assert net.person_problems(1).keys() == {"knows"}


def test_a_person_may_not_know_themselves():
    net = net_of(person("A", knows=["a"]))
    assert net.person_problems(0) == {"knows": "Leave this person out of their own list."}


def test_a_long_goal_and_too_many_people_are_reported():
    net = Network([person(f"P{i}") for i in range(network.MAX_PEOPLE + 1)], goal="g" * 301)
    found = net.problems()
    assert "under 300" in found["goal"] and "at most 60" in found["people"]


def test_rename_and_remove_keep_who_knows_whom_consistent():
    net = full_network()
    net.rename(1, "SW2")
    assert net.people[0].knows == ["SW2"]
    removed = net.remove(0)
    assert removed.name == "DR"
    assert net.people[2].knows == []  # NS knew DR
    assert net.problems() == {}


def test_saved_data_is_rebuilt_keeping_what_can_be_kept():
    data = {"goal": "G", "people": [
        {"name": "A", "help": "work; career", "closeness": "close", "rank": "peer", "extra": 1},
        "not a person",
        {"name": "B", "knows": "A", "closeness": None},
    ]}
    net, notes = Network.from_data(data)
    assert [p.name for p in net.people] == ["A", "B"]
    assert net.people[0].help == ["work", "career"] and net.people[1].knows == ["A"]
    assert net.people[1].closeness == ""
    assert notes == ["1 saved entry could not be read and were left out."]
    assert Network.from_data(["junk"])[1]


# -- export and import -----------------------------------------------------------------
def test_json_export_round_trip():
    net = full_network()
    text = network.export_json(net)
    payload = json.loads(text)
    assert payload["format"] == "mentorkit-network" and payload["format_version"] == 1
    assert payload["themes"]["size"] == {"counted": "4 people", "reading": "moderate"}
    back = parse_export(text.encode("utf-8"), "developmental-network.json")
    assert back.to_data() == net.to_data()


def test_csv_export_round_trip():
    net = full_network()
    text = network.export_csv(net)
    lines = text.splitlines()
    assert lines[0] == ",".join(network.CSV_COLUMNS)
    assert lines[1].startswith("mentorkit-network,1,Lead the paediatric sleep clinic,DR,career;personal,"
                               "close,senior,yes,yes,mentor,my division,SW,")
    back = parse_export(("\ufeff" + text).encode("utf-8"), "developmental-network.csv")
    assert back.to_data() == net.to_data()


def _csv_with(**changes):
    net = full_network()
    text = network.export_csv(net)
    for old, new in changes.items():
        text = text.replace(old, new)
    return text


BAD_FILES = [
    (b"\xff\xfe\x00", "net.json", "is not a text file"),
    (b"   ", "net.json", "is empty"),
    (b"{not json", "net.json", "is not valid JSON"),
    (b"hello there", "net.txt", "neither a CSV nor a JSON"),
    (json.dumps({"format": "mentorkit-self-assessment", "results": []}).encode(), "r.json",
     "holds self-assessment answers"),
    (json.dumps({"format": "something-else"}).encode(), "x.json", "not a mentorkit network file"),
    (json.dumps({"format": "mentorkit-network", "format_version": 2, "people": []}).encode(), "x.json",
     "uses network format 2"),
    (json.dumps({"format": "mentorkit-network", "format_version": 1}).encode(), "x.json",
     "has no list of people"),
    (json.dumps({"format": "mentorkit-network", "format_version": 1, "people": []}).encode(), "x.json",
     "holds no people"),
    (json.dumps({"format": "mentorkit-network", "format_version": 1, "people": [7]}).encode(), "x.json",
     "person 1 is not a set of fields"),
    (json.dumps({"format": "mentorkit-network", "format_version": 1,
                 "people": [{"name": "A", "age": 3}]}).encode(), "x.json", "('age')"),
    (json.dumps({"format": "mentorkit-network", "format_version": 1,
                 "people": [{"name": "A", "help": ["work"], "rank": "peer"}]}).encode(), "x.json",
     "person 1 / closeness: Choose how close"),
    (b"name,help\nA,work\n", "x.csv", "does not have the columns"),
]


@pytest.mark.parametrize("content, filename, message", BAD_FILES, ids=[b[2] for b in BAD_FILES])
def test_bad_files_are_refused_with_a_message(content, filename, message):
    with pytest.raises(ExportError) as caught:
        parse_export(content, filename)
    assert message in str(caught.value)


@pytest.mark.parametrize("change, message", [
    ({",yes,yes,mentor,": ",maybe,yes,mentor,"}, "line 2: inside is 'maybe'"),
    ({"mentorkit-network,1,Lead": "mentorkit-network,9,Lead"}, "line 2 uses network format 9"),
    ({"mentorkit-network,1,Lead the paediatric sleep clinic,SW": "mentorkit-network,1,Other goal,SW"},
     "different goals"),
    ({",close,senior,yes,yes,mentor,": ",closest,senior,yes,yes,mentor,"}, "person 1 / closeness"),
    ({'"Monthly, over coffee"': '"Monthly, over coffee",extra'}, "line 2: expected 13 columns, found 14"),
    ({"mentorkit-network,1,Lead the paediatric sleep clinic,DR":
      "mentorkit-self-assessment,1,Lead the paediatric sleep clinic,DR"}, "holds self-assessment answers"),
])
def test_bad_csv_lines_are_refused_with_their_line(change, message):
    with pytest.raises(ExportError) as caught:
        parse_export(_csv_with(**change), "developmental-network.csv")
    assert message in str(caught.value)


def test_a_refused_file_lists_at_most_three_problems():
    people = [{"name": f"P{i}", "help": ["work"], "closeness": "?", "rank": "peer"} for i in range(5)]
    text = json.dumps({"format": "mentorkit-network", "format_version": 1, "people": people})
    with pytest.raises(ExportError, match=r"\(and 2 more\)"):
        parse_export(text, "x.json")


def test_store_round_trip(tmp_path):
    store = Store(tmp_path)
    net = full_network()
    store.save(network.INSTRUMENT, network.KEY, net.to_data(), instrument_version=network.VERSION)
    record = Store(tmp_path).load(network.INSTRUMENT, network.KEY)
    back, notes = Network.from_data(record.data)
    assert notes == [] and back == net


# -- the example file and the data lab ---------------------------------------------------
def test_the_example_network_is_valid_and_loads():
    assert check_file(EXAMPLE) == []
    net = labs.network_example()
    assert len(net.people) == 10 and net.valid and net.goal


def test_the_example_schema_and_rules_catch_mistakes(tmp_path):
    copy = tmp_path / "network-example.yaml"
    shutil.copy(EXAMPLE, copy)
    text = copy.read_text()
    copy.write_text(text.replace("knows: [DV]", "knows: [ZZ]"))
    assert [p.where for p in check_file(copy)] == ["people / EF / knows"]
    copy.write_text(text.replace("closeness: distant", "closeness: far", 1))
    problems = check_file(copy)
    assert problems and problems[0].where == "people / item 3 / closeness"
    assert "'far' is not allowed here" in problems[0].what
    renamed = tmp_path / "my-network.yaml"
    renamed.write_text(text.replace("  - name: TS", "  - name: RB"))
    wheres = [p.where for p in check_file(renamed)]
    assert wheres[0] == "id" and "people / RB / name" in wheres


def test_frames_for_the_data_lab():
    frame = labs.network_table()
    assert list(frame.columns[:4]) == ["name", "work", "career", "personal"]
    assert len(frame) == 10 and frame["sponsor"].sum() == 3
    assert frame.set_index("name").loc["RB", "ring"] == 1
    assert list(frame["closeness"].cat.categories) == ["close", "moderate", "distant"]
    themes = labs.network_themes()
    assert len(themes) == 7 and list(themes.columns) == ["theme", "counted", "reading", "note", "rule"]
    assert labs.network_table(net_of(person("A"))).shape[0] == 1


# -- the yearly review -------------------------------------------------------------------
def test_the_review_is_due_a_year_later():
    assert network.next_review(date(2024, 2, 29)) == date(2025, 2, 28)
    soon = network.review_reminder("2025-03-01T10:00:00+00:00", today=date(2025, 6, 1))
    assert "01 March 2025" in soon and "01 March 2026" in soon
    late = network.review_reminder("2025-03-01T10:00:00+00:00", today=date(2026, 3, 1))
    assert "more than a year ago" in late
    assert "once a year" in network.review_reminder("")


# -- the map ---------------------------------------------------------------------------
def _angle(x, y):
    return math.degrees(math.atan2(y, x)) % 360


def test_layout_puts_seniors_above_juniors_below_and_closeness_as_distance():
    net = labs.network_example()
    places = plots.network_layout(net)
    assert len(places) == 10
    for index, (x, y) in places.items():
        p = net.people[index]
        assert math.hypot(x, y) == pytest.approx(plots.RING_RADII[p.ring - 1])
        if p.rank == "senior":
            assert y > 0.5
        elif p.rank == "junior":
            assert y < -0.5
        else:
            assert abs(y) < 0.25 * math.hypot(x, y)
    angles = sorted(round(_angle(x, y), 3) for x, y in places.values())
    assert len(set(angles)) == len(angles)  # no line runs through another person


def test_the_map_has_a_legend_a_star_and_dashed_lines():
    net = net_of(person("DR", ("career", "personal"), rank="senior", sponsor=True, role="mentor"),
                 person("AB", ("work",), "distant", "junior", inside=False),
                 Person(name="Unfinished", help=["work"]))
    fig = plots.network_map(net)
    ax = fig.axes[0]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["Getting the job done", "Advancing your career", "Personal support",
                      "Sponsor or very well connected", "Inside your organization",
                      "Outside your organization"]
    texts = [t.get_text() for t in ax.texts]
    assert "DR (mentor)" in texts and "AB" in texts and "You" in texts
    stars = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(stars) == 1
    spokes = [line for line in ax.lines if len(line.get_xdata()) == 2]
    assert sorted(line.get_linestyle() for line in spokes) == ["-", "--"]
    assert any("Unfinished" in t.get_text() for t in fig.texts)  # not drawn, and said so


def test_the_map_of_no_one_still_draws_and_the_alt_text_describes_it():
    fig = plots.network_map(Network())
    assert any("Add people" in t.get_text() for t in fig.axes[0].texts)
    assert "no one added yet" in network.describe(Network())
    text = network.describe(full_network())
    for name in ("DR", "SW", "AB", "NS"):
        assert name in text
    assert "Senior to you: DR (close" in text


def test_the_lab_chart_has_alt_text():
    html = labs.network_chart()._repr_html_()
    assert html.startswith("<img") and 'alt="Map of your developmental network: 10 people' in html
