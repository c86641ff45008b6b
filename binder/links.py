"""Rewrite the Binder links in README.md from binder/REPOSITORY (owner/name)."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The learner's badge opens the course home as an app; the second opens JupyterLab.
TARGETS = {
    "binder-course": "voila/render/modules/00-welcome.ipynb",
    "binder-lab": "lab/tree/modules/00-welcome.ipynb",
}


def links(repository: str) -> str:
    return "\n".join(
        f"[{name}]: https://mybinder.org/v2/gh/{repository}/HEAD?urlpath={path}"
        for name, path in TARGETS.items()
    )


def main() -> int:
    repository = (ROOT / "binder" / "REPOSITORY").read_text().strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repository):
        print(f"binder/REPOSITORY: {repository!r} is not of the form owner/name", file=sys.stderr)
        return 1
    readme = ROOT / "README.md"
    text = readme.read_text()
    block = re.compile(r"(<!-- links: .*?-->\n).*?(<!-- end links -->)", re.S)
    readme.write_text(block.sub(lambda m: m.group(1) + links(repository) + "\n" + m.group(2), text))
    print(f"README.md: Binder links now point to {repository}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
