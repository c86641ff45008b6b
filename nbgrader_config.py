"""nbgrader settings for the course. The repository root is the course
directory: assignments are written in source/ and generated into release/."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "mentorkit"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Feedback returned to participants must never show the hidden tests: not in a
# test cell's source, and not in the traceback a failed hidden test leaves behind
# (HideTestTracebacks must run while the hidden lines are still there to find).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "mentorkit.feedback.HideTestTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# A cell that never finishes (an endless loop) is stopped, marked as an error,
# and the rest of the cohort is still graded.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 60

# nbgrader sets NBGRADER_EXECUTION while it autogrades or validates; the
# course's widget helpers return without drawing when they see it.
# A knowledge check's answer cell reads `q1 = ""` above its solution region, so the
# participant's copy keeps that placeholder and loses the solution without a trace
# (no `raise NotImplementedError()` for a non-programmer to run into).
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading pages never run a participant's markup: nbconvert cleans cell outputs
# (sanitize_html), and the Formgrader's and feedback's Markdown cells go through
# the same cleaner (their templates do not ask for it; see mentorkit/grading_html.py).
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = {"strip_files_prefix": "mentorkit.grading_html.strip_files_prefix_clean"}
