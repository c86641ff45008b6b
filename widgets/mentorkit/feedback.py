"""Feedback that keeps hidden tests hidden.

nbgrader's ``ClearHiddenTests`` removes hidden tests from the source of a test
cell in the feedback, but a failed hidden test still prints its own line in the
traceback underneath (nbgrader issue #917). ``HideTestTracebacks`` runs in
``GenerateFeedback`` before ``ClearHiddenTests`` and replaces the traceback of
every test cell that holds hidden tests with one plain sentence: the visible
check's own message when a visible line failed, a neutral note (and the hidden
assertion's hint, if its author wrote one) when a hidden one did."""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|<ipython-input-[^>]*>), line (\d+)")
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
HIDDEN_FAILED = "This answer did not pass one of the checks that are kept hidden."


def hidden_lines(source: str) -> set[int]:
    """Line numbers (from 1) inside hidden-test regions, markers included."""
    inside, lines = False, set()
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN_HIDDEN in line:
            inside = True
        if inside:
            lines.add(number)
        if END_HIDDEN in line:
            inside = False
    return lines


def failing_line(traceback: list[str]) -> int | None:
    """The line of the test cell that raised, read from an IPython traceback."""
    for entry in traceback:
        found = CELL_LINE.search(ANSI.sub("", entry))
        if found:
            return int(found.group(1))
    return None


def plain_error(output, hidden: set[int]):
    """The error output with its traceback reduced to a sentence that shows no test code.

    A hidden assertion's own message is kept after the neutral sentence: course authors
    write it as a hint ("see the section on agendas"), never as the answer. Any other
    error raised in hidden code says nothing but the neutral sentence, since its text
    could quote the test."""
    line = failing_line(output.get("traceback", []))
    evalue = str(output.get("evalue", "") or "").strip()
    if line is None or line in hidden:
        hint = evalue if line is not None and output.get("ename") == "AssertionError" else ""
        message = f"{HIDDEN_FAILED} {hint}".strip()
        output["evalue"] = hint
    else:
        message = f"{output.get('ename', 'Error')}: {evalue}".rstrip(": ")
    output["traceback"] = [message]
    return output


class HideTestTracebacks(Preprocessor):
    """Reduce the tracebacks of test cells with hidden tests to one sentence (feedback only)."""

    enabled = Bool(True, help="Whether generate_feedback uses this preprocessor").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN_HIDDEN not in cell.source:
            return cell, resources
        hidden = hidden_lines(cell.source)
        cell.outputs = [plain_error(output, hidden) if output.get("output_type") == "error" else output
                        for output in cell.outputs]
        return cell, resources
