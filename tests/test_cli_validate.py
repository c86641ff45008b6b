"""`mentorkit validate`, run as the installed command."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MENTORKIT = str(Path(sys.executable).parent / "mentorkit")


def run(*args, cwd=ROOT):
    return subprocess.run([MENTORKIT, "validate", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_all_shipped_content_is_valid():
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "valid" in result.stderr


def test_a_broken_file_is_named_and_exits_1(tmp_path):
    good = ROOT / "exercises" / "scenarios" / "busy-mentor.yaml"
    broken = tmp_path / "busy-mentor.yaml"
    broken.write_text(good.read_text().replace("next: the-meeting", "next: the-meting"))
    result = run(str(broken), str(good))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"{broken}: node the-email / choice call-her: leads to node 'the-meting', "
        "which does not exist",
        f"{broken}: node the-meeting: cannot be reached from the start",
        # an ending reached only through the-meeting is cut off with it
        f"{broken}: node ending-dependent: cannot be reached from the start",
    ]
    assert "3 problem(s) in 1 of 2 file(s)" in result.stderr


def test_folder_argument_checks_every_yaml_in_it(tmp_path):
    shutil.copy(ROOT / "exercises" / "scenarios" / "busy-mentor.yaml", tmp_path)
    (tmp_path / "empty.yaml").write_text("")
    result = run(str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.strip() == f"{tmp_path / 'empty.yaml'}: top level: should be a mapping " \
        "of fields (is the file empty?)"


def test_unknown_kind(tmp_path):
    path = tmp_path / "thing.yaml"
    path.write_text("kind: recipe\n")
    result = run(str(path))
    assert result.returncode == 1
    assert "kind: is 'recipe'; it must be one of: scenario" in result.stdout


@pytest.mark.parametrize("args", [["/no/such/file.yaml"], ["--bogus-option"]])
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.strip()


def test_no_command_prints_help_and_exits_2():
    result = subprocess.run([MENTORKIT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "validate" in result.stderr


def test_with_no_path_in_an_empty_course_is_a_usage_error(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "modules").mkdir()
    result = run(cwd=tmp_path)
    assert result.returncode == 2 and "no content files found" in result.stderr
