"""The repository as committed: clean notebooks, lint, config, links, prose."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .notebook_checks import ROOT, dirt, markdown_links, tracked_notebooks

NOTEBOOKS = tracked_notebooks()


def test_there_are_notebooks_to_check():
    assert any(p.name == "00-welcome.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_notebook_is_clean(notebook):
    assert dirt(notebook) == []


def test_dirt_is_detected(tmp_path):
    nb = json.loads((ROOT / "modules" / "00-welcome.ipynb").read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["execution_count"] = 3
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}]
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(json.dumps(nb))
    found = dirt(dirty)
    assert any("has outputs" in f for f in found) and any("execution count" in f for f in found)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(notebook):
    missing = [t for t in markdown_links(notebook) if not (notebook.parent / t).exists()]
    assert missing == [], f"{notebook.relative_to(ROOT)} links to files that do not exist"


def test_ruff_passes_on_package_tests_and_notebooks():
    result = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


ORIGINALITY_CHECKER = ROOT.parent / "shared" / "tools" / "check_originality.py"


@pytest.mark.skipif(not ORIGINALITY_CHECKER.exists(),
                    reason=f"the originality checker and the source text it compares against are not "
                           f"part of the course's repository ({ORIGINALITY_CHECKER} is missing); the "
                           "course's own checkout, where they sit beside it, runs this test")
def test_prose_is_original():
    """No run of ten words shared with the source booklet (the course's rule)."""
    checker = ORIGINALITY_CHECKER
    result = subprocess.run([sys.executable, str(checker), str(ROOT)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout


def test_a_fresh_clone_skips_the_originality_test_with_its_reason(tmp_path):
    """`make test` on a clone without the source text beside it passes: the
    test says why it did not run, instead of failing."""
    clone = tmp_path / "mentorkit"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/test_repository.py", "-k",
                             "test_prose_is_original", "-rs", "-q", "-p", "no:cacheprovider"],
                            cwd=clone, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout and "originality checker" in result.stdout


def test_import_mentorkit_stays_light():
    """`import mentorkit` must not pull in widgets, pandas, matplotlib or jsonschema."""
    code = ("import sys, mentorkit, mentorkit.store, mentorkit.scenario; "
            "print(sorted(m for m in ('ipywidgets','pandas','matplotlib','jsonschema') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_nbgrader_config_hides_hidden_tests_in_feedback():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.CourseDirectory.course_id == "mentorkit"
    assert Path(config.CourseDirectory.root) == ROOT
    assert "nbgrader.preprocessors.ClearHiddenTests" in config.GenerateFeedback.preprocessors
    assert config.Execute.timeout > 0


def test_voila_config():
    config = json.loads((ROOT / "voila.json").read_text())
    voila = config["VoilaConfiguration"]
    assert voila["show_tracebacks"] is False
    assert {"@jupyter/nbgrader", "@jupyter-notebook/lab-extension"} <= set(voila["extension_denylist"])
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0


def test_binder_pins_are_the_installed_versions():
    """binder/requirements.txt pins exactly what the tests run against."""
    from importlib.metadata import version

    pins = [line.split("==") for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
            if "==" in line and not line.startswith("#")]
    assert len(pins) >= 8
    assert {name: version(name) for name, _ in pins} == dict(pins)
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "set -e" in post_build


def test_readme_binder_links_come_from_binder_repository():
    import runpy

    module = runpy.run_path(str(ROOT / "binder" / "links.py"))
    repository = (ROOT / "binder" / "REPOSITORY").read_text().strip()
    readme = (ROOT / "README.md").read_text()
    assert module["links"](repository) in readme
    for path in module["TARGETS"].values():
        target = path.split("/", 2)[-1]  # lab/tree/X or voila/render/X -> X
        assert (ROOT / target).exists(), target
    assert "make start" in readme and "make test" in readme
