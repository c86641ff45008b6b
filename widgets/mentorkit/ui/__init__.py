"""ipywidgets views over the models. Views display and ask the store to
remember; they decide nothing themselves."""

import os


def grading() -> bool:
    """True while nbgrader autogrades or validates: widgets then stay away."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))
