"""A download link for text the learner made: works in JupyterLab and Voila
without a server round trip (the file is in the link itself)."""

from __future__ import annotations

import base64

from ._html import esc


def download_link(text: str | bytes, filename: str, label: str, mime: str = "text/plain") -> str:
    payload = text.encode("utf-8") if isinstance(text, str) else text
    encoded = base64.b64encode(payload).decode("ascii")
    return (f'<a class="mk-download" download="{esc(filename)}" '
            f'href="data:{mime};charset=utf-8;base64,{encoded}">{esc(label)}</a>')
