"""Checks on notebooks as committed, shared by the tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tracked_notebooks() -> list[Path]:
    """Notebooks in git (or, outside a checkout, every notebook in the tree)."""
    try:
        out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
        return [ROOT / name for name in out]
    except (OSError, subprocess.CalledProcessError):
        return sorted(p for p in ROOT.rglob("*.ipynb")
                      if ".venv" not in p.parts and ".ipynb_checkpoints" not in p.parts)


def dirt(path: Path) -> list[str]:
    """What is wrong with a committed notebook: outputs, counts, kernelspec."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i} has an execution count")
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernelspec is {kernel!r}, not 'python3'")
    return found


def markdown_links(path: Path) -> list[str]:
    """Relative link targets in a notebook's Markdown cells."""
    import re

    nb = json.loads(path.read_text(encoding="utf-8"))
    links = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", "".join(cell["source"])):
            if not re.match(r"^(https?:|mailto:|#)", target):
                links.append(target.split("#")[0].split("?")[0])  # the file, not its query
    return links


def updated_course(folder, assignment: str, old: str, new: str):
    """A copy of the course in ``folder`` whose release of ``assignment`` changed
    (``old`` replaced by ``new``), as after a course update; the copy's root."""
    import shutil

    course = folder / "course"
    for part in ("modules", "exercises", "release", "source"):
        shutil.copytree(ROOT / part, course / part)
    newer = course / "release" / assignment / f"{assignment}.ipynb"
    newer.write_text(newer.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return course
