"""Show a matplotlib Figure as an image with alternative text, the same way
in JupyterLab, Voila and exported HTML."""

from __future__ import annotations

import base64
import io

from ._html import esc


def figure_png(fig, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def figure_html(fig, alt: str) -> str:
    encoded = base64.b64encode(figure_png(fig)).decode("ascii")
    return (f'<img src="data:image/png;base64,{encoded}" alt="{esc(alt)}" '
            'style="max-width:100%;height:auto">')


class Chart:
    """A figure with a description; displays itself as an accessible image."""

    def __init__(self, figure, alt: str):
        self.figure, self.alt = figure, alt

    def _repr_html_(self) -> str:
        return figure_html(self.figure, self.alt)

    def savefig(self, *args, **kwargs):
        return self.figure.savefig(*args, **kwargs)
