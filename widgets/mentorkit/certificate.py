"""A certificate of completion: what it says (from the learner's progress)
and the PDF itself, drawn with matplotlib. It records what the learner did;
it does not grade them."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from datetime import date

from .progress import Progress

COURSE = "mentorkit: Strategies for Mentors in Academic Medicine"


@dataclass(frozen=True)
class Certificate:
    """The content of a certificate, ready to draw."""

    name: str
    issued: date
    lessons: tuple[str, ...]
    scenarios: tuple[str, ...]
    self_assessments: tuple[str, ...]
    assignments: tuple[str, ...]
    lessons_total: int

    @property
    def complete(self) -> bool:
        return len(self.lessons) == self.lessons_total


WELCOME = "00-welcome"


def certificate_for(name: str, progress: Progress, issued: date | None = None) -> Certificate:
    """The certificate for ``name`` from their progress; ValueError if the name is blank."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValueError("Type your name as it should appear on the certificate.")
    if len(name) > 80:
        raise ValueError("That name is longer than 80 characters; please shorten it.")
    return Certificate(
        name=name,
        issued=issued or date.today(),
        # the welcome page is where the course starts, not one of its lessons
        lessons=tuple(i.title for i in progress.done("lesson") if i.id != WELCOME),
        scenarios=tuple(i.title for i in progress.done("scenario")),
        self_assessments=tuple(i.title for i in progress.done("self-assessment")),
        assignments=tuple(i.title for i in progress.done("assignment")),
        lessons_total=sum(1 for i in progress.of_kind("lesson") if i.id != WELCOME),
    )


def certificate_figure(cert: Certificate):
    """The certificate as one landscape A4 matplotlib Figure."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11.69, 8.27), dpi=100)
    fig.patches.append(_frame(fig))

    def write(*args, **kwargs):
        return fig.text(*args, parse_math=False, **kwargs)  # a "$" in a name is just a "$"

    write(0.5, 0.90, "Certificate of completion", ha="center", fontsize=28, weight="bold", color="#0b3d66")
    write(0.5, 0.84, COURSE, ha="center", fontsize=13, color="#1b1b1b")
    write(0.5, 0.76, "This records that", ha="center", fontsize=12, color="#333333")
    write(0.5, 0.69, cert.name, ha="center", fontsize=26, color="#1b1b1b")
    summary = (f"completed {len(cert.lessons)} of {cert.lessons_total} lessons, "
               f"{len(cert.scenarios)} scenarios and {len(cert.self_assessments)} self-assessments")
    write(0.5, 0.63, summary, ha="center", fontsize=12, color="#333333")
    columns = (("Lessons", cert.lessons), ("Scenarios", cert.scenarios),
               ("Self-assessments", cert.self_assessments))
    for x, (heading, titles) in zip((0.08, 0.40, 0.70), columns, strict=True):
        write(x, 0.56, heading, fontsize=12, weight="bold", color="#0b3d66", va="top")
        write(x, 0.52, _listing(titles), fontsize=8.5, color="#1b1b1b", va="top", linespacing=1.35)
    write(0.08, 0.07, f"Issued {cert.issued:%d %B %Y}", fontsize=10, color="#333333")
    write(0.92, 0.07, "A record of participation, not an assessment of competence.", ha="right",
          fontsize=8, color="#333333", style="italic")
    return fig


def certificate_pdf(cert: Certificate) -> bytes:
    """The certificate as PDF bytes, with the learner's name in its metadata."""
    buffer = io.BytesIO()
    certificate_figure(cert).savefig(
        buffer, format="pdf",
        metadata={"Title": f"Certificate of completion: {cert.name}", "Author": "mentorkit",
                  "Subject": (f"{len(cert.lessons)} lessons; {len(cert.scenarios)} scenarios; "
                              f"{len(cert.self_assessments)} self-assessments")},
    )
    return buffer.getvalue()


def _listing(titles: tuple[str, ...], limit: int = 18) -> str:
    if not titles:
        return "none yet"
    lines = [textwrap.shorten(t, 42, placeholder="...") for t in titles[:limit]]
    if len(titles) > limit:
        lines.append(f"and {len(titles) - limit} more")
    return "\n".join(f"- {line}" for line in lines)


def _frame(fig):
    from matplotlib.patches import Rectangle

    return Rectangle((0.025, 0.035), 0.95, 0.93, transform=fig.transFigure, fill=False,
                     edgecolor="#0b3d66", linewidth=3)
