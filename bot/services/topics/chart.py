"""The /stats chart: one bar group per village (filed, answered, overdue), Chinese labels.

matplotlib runs headless (Agg). Chinese text needs a CJK font: Debian's `fonts-noto-cjk`
(Noto Sans CJK) or WenQuanYi; `cjk_font()` says which one was found.
"""

from __future__ import annotations

import io
import threading
from functools import cache
from pathlib import Path
from types import ModuleType

from bot.services.topics.stats import Counts

_PREFERRED = ("Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans", "WenQuanYi", "Droid Sans")


# matplotlib's rc parameters and font cache are process-wide: one chart is drawn at a time
# (charts are drawn off the event loop, in a pool of threads).
_DRAWING = threading.Lock()

_FILES = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "wqy", "DroidSansFallback")


@cache
def _matplotlib() -> ModuleType:
    """matplotlib, headless, imported on the first chart rather than at start (it is heavy)."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


@cache
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None.

    matplotlib's font cache may predate the font package, so known CJK font files are added.
    """
    _matplotlib()
    from matplotlib import font_manager

    found = _known_font()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(part in Path(path).name for part in _FILES):
                font_manager.fontManager.addfont(path)
        found = _known_font()
    return found


def _known_font() -> str | None:
    from matplotlib import font_manager

    names = sorted({f.name for f in font_manager.fontManager.ttflist})
    for wanted in _PREFERRED:
        for name in names:
            if name.startswith(wanted):
                return name
    return None


def bar_chart(rows: list[Counts], title: str, labels: tuple[str, str, str], empty: str) -> bytes:
    """A PNG: per village, bars for filed / answered / overdue topics."""
    with _DRAWING:
        return _draw(rows, title, labels, empty)


def _draw(rows: list[Counts], title: str, labels: tuple[str, str, str], empty: str) -> bytes:
    font = cjk_font()
    from matplotlib.figure import Figure

    rc = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}
    with _matplotlib().rc_context(rc):
        figure = Figure(figsize=(max(4.0, 1.4 * len(rows) + 2), 3.6), dpi=110)
        axes = figure.subplots()
        names = [r.name for r in rows]
        series = (
            [r.filed for r in rows],
            [r.answered for r in rows],
            [r.overdue for r in rows],
        )
        width = 0.26
        for i, (values, label, color) in enumerate(
            zip(series, labels, ("#4C78A8", "#54A24B", "#E45756"), strict=True)
        ):
            positions = [x + (i - 1) * width for x in range(len(rows))]
            bars = axes.bar(positions, values, width, label=label, color=color)
            axes.bar_label(bars, fontsize=8)
        axes.set_xticks(range(len(rows)), names)
        axes.set_title(title)
        axes.yaxis.get_major_locator().set_params(integer=True)
        if not rows or not any(sum(s) for s in series):
            axes.text(0.5, 0.5, empty, transform=axes.transAxes, ha="center", va="center")
        axes.legend(fontsize=8)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
