"""Server-rendered SVG bar charts for the statistics page: no JavaScript needed to read them.

Geometry is in percent of the chart's width and text in CSS pixels, so labels keep their size on
a 360 px phone and on a desktop alike (the chart is never scaled down into unreadable text).
Each chart carries a `<title>` and a `<desc>` listing every value (`templates/chart.html`); the
page also shows the numbers in a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 64  # px per bar: a label line, then the bar with its value
LABEL_BASELINE = 20
BAR_TOP = 28
BAR_HEIGHT = 24
BAR_SPAN = 72.0  # percent of the width the longest bar may take; the value text follows it
INSIDE = 40.0  # a bar wider than this (percent) carries its value inside, in white
LABEL_MAX = 14  # characters of a label on the chart (the table and <desc> have it in full)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # None: nothing counted (no bar, the text says so)
    text: str  # the value as people read it, e.g. 83.3% or 2.5
    # geometry, filled in by `bar_chart`
    y_label: int = 0
    y_bar: int = 0
    y_value: int = 0
    width: float = 0.0  # percent
    x_value: float = 0.0  # percent
    inside: bool = False  # the value is drawn inside the bar (anchored at its end)


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    desc: str
    bars: tuple[Bar, ...]
    height: int
    span: float = BAR_SPAN

    @property
    def bars_svg(self) -> Markup:
        """The bars as SVG, labels and values escaped: written here, not by a template loop
        (a county's statistics page draws 60 bars, a third of its render)."""
        return Markup("").join(_bar_svg(bar, self.span) for bar in self.bars)


def _bar_svg(bar: Bar, span: float) -> Markup:
    inside = " bar-value-inside" if bar.inside else ""
    anchor = ' text-anchor="end"' if bar.inside else ""
    filled = (
        f'<rect class="bar" x="0" y="{bar.y_bar}" width="{bar.width}%" height="24" rx="3"></rect>'
        if bar.width
        else ""
    )
    return Markup(
        f'    <text class="bar-label" x="0" y="{bar.y_label}">{escape(bar.label)}</text>\n'
        f'    <rect class="bar-track" x="0" y="{bar.y_bar}" width="{span}%" height="24" rx="3">'
        f"</rect>\n{filled}"
        f'    <text class="bar-value{inside}" x="{bar.x_value}%" y="{bar.y_value}"{anchor}>'
        f"{escape(bar.text)}</text>\n"
    )


def bar_chart(
    chart_id: str, title: str, bars: list[Bar], *, maximum: float | None = None, empty: str = ""
) -> Chart:
    """A horizontal bar chart; bars scale to `maximum` (default: the largest value)."""
    top = maximum if maximum is not None else max((b.value or 0 for b in bars), default=0)
    placed = []
    for n, b in enumerate(bars):
        y = n * ROW
        share = (b.value or 0) / top if top and b.value else 0.0
        width = round(BAR_SPAN * min(max(share, 0.0), 1.0), 2)
        if b.value:
            width = max(width, 0.6)  # a tiny value is still visible
        inside = width > INSIDE
        placed.append(
            Bar(
                b.label if len(b.label) <= LABEL_MAX else b.label[: LABEL_MAX - 1] + "…",
                b.value,
                b.text,
                y_label=y + LABEL_BASELINE,
                y_bar=y + BAR_TOP,
                y_value=y + BAR_TOP + BAR_HEIGHT - 6,
                width=width,
                x_value=round(width - 1.5 if inside else (width + 1.5 if width else 1.5), 2),
                inside=inside,
            )
        )
    desc = "；".join(f"{b.label}：{b.text}" for b in bars) if bars else empty
    return Chart(chart_id, title, desc, tuple(placed), max(len(bars), 1) * ROW)
