"""HideTestTracebacks: a failed hidden test leaves no trace of its code in the
feedback; a failed visible test keeps its message for the learner."""

from nbformat.v4 import new_code_cell, new_notebook, new_output

from mentorkit.feedback import HIDDEN_FAILED, HideTestTracebacks, failing_line, hidden_lines

TEST = '''"""Is q1 one letter from A to D?"""
assert q1 in list("ABCD"), "Type one capital letter between quotes, such as \\"B\\"."
### BEGIN HIDDEN TESTS
assert q1 == "C"
### END HIDDEN TESTS'''


def ipython_traceback(line: int, code: str) -> list[str]:
    """What IPython 8+ records for an assertion failing at ``line`` of a cell (colours included)."""
    return ["\x1b[31m---------------------------------------------------------------------------\x1b[39m",
            "\x1b[31mAssertionError\x1b[39m                            Traceback (most recent call last)",
            f"\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[7]\x1b[39m\x1b[32m, line {line}\x1b[39m\n"
            f"\x1b[32m----> \x1b[39m\x1b[32m{line}\x1b[39m {code}\n",
            "\x1b[31mAssertionError\x1b[39m: "]


def graded(line: int, code: str, evalue: str = ""):
    cell = new_code_cell(TEST, metadata={"nbgrader": {"grade": True, "grade_id": "q1_test", "points": 1}})
    cell.outputs = [new_output("stream", name="stdout", text="checked\n"),
                    new_output("error", ename="AssertionError", evalue=evalue,
                               traceback=ipython_traceback(line, code))]
    nb = new_notebook(cells=[cell])
    HideTestTracebacks().preprocess(nb, {})
    return nb.cells[0]


def test_hidden_lines_include_the_markers():
    assert hidden_lines(TEST) == {3, 4, 5}


def test_the_failing_line_is_read_through_the_colours():
    assert failing_line(ipython_traceback(4, 'assert q1 == "C"')) == 4
    assert failing_line(["no cell here"]) is None


def test_a_failed_hidden_test_shows_one_neutral_sentence():
    cell = graded(4, 'assert q1 == "C"')
    error = cell.outputs[1]
    assert error.traceback == [HIDDEN_FAILED]
    assert all('q1 == "C"' not in "".join(o.get("traceback", [])) for o in cell.outputs)
    assert cell.outputs[0].text == "checked\n"  # other output is left alone


def test_a_failed_hidden_assertion_keeps_its_authors_hint_but_not_the_code():
    hint = "q1 is not right yet. See 'Before the first meeting' in the lesson."
    cell = graded(4, 'assert q1 == "C", "q1 is not right yet. ..."', evalue=hint)
    assert cell.outputs[1].traceback == [f"{HIDDEN_FAILED} {hint}"]
    assert 'q1 == "C"' not in str(cell.outputs[1])


def test_another_error_in_hidden_code_says_only_the_neutral_sentence():
    cell = new_code_cell(TEST)
    cell.outputs = [new_output("error", ename="AttributeError",
                               evalue="'list' object has no attribute 'strip'",
                               traceback=ipython_traceback(4, 'assert q1.strip() == "C"'))]
    nb = new_notebook(cells=[cell])
    HideTestTracebacks().preprocess(nb, {})
    assert nb.cells[0].outputs[0].traceback == [HIDDEN_FAILED]
    assert nb.cells[0].outputs[0].evalue == ""


def test_a_failed_visible_test_keeps_its_message_but_not_the_code():
    cell = graded(2, 'assert q1 in list("ABCD"), ...', evalue='Type one capital letter, such as "B".')
    assert cell.outputs[1].traceback == ['AssertionError: Type one capital letter, such as "B".']


def test_an_unreadable_traceback_is_treated_as_hidden():
    cell = new_code_cell(TEST)
    cell.outputs = [new_output("error", ename="KeyboardInterrupt", evalue="", traceback=["garbled"])]
    nb = new_notebook(cells=[cell])
    HideTestTracebacks().preprocess(nb, {})
    assert nb.cells[0].outputs[0].traceback == [HIDDEN_FAILED]


def test_cells_without_hidden_tests_are_untouched():
    cell = new_code_cell('assert q1 in list("ABCD")')
    cell.outputs = [new_output("error", ename="AssertionError", evalue="",
                               traceback=ipython_traceback(1, "assert ..."))]
    nb = new_notebook(cells=[cell])
    HideTestTracebacks().preprocess(nb, {})
    assert len(nb.cells[0].outputs[0].traceback) == 4


def test_the_course_runs_it_before_nbgrader_clears_hidden_tests(repo_root):
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(repo_root)).load_config()
    order = list(config.GenerateFeedback.preprocessors)
    assert order.index("mentorkit.feedback.HideTestTracebacks") < order.index(
        "nbgrader.preprocessors.ClearHiddenTests")
