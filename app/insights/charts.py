"""Bar charts as SVG text, made on the server: no script, no charting service.

Each bar carries its numbers as data attributes (`data-label`, `data-value`), the chart
its measure and total, so a test (or a screen reader's table beside it) reads the same
figures the picture shows. Labels are escaped here: the text is safe to embed.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 600, 180, 14, 24, 30


def bar_chart(measure: str, title: str, points: list[tuple[str, int]]) -> str:
    """A bar per (label, value), the highest reaching the top; a title for readers."""
    peak = max((value for _, value in points), default=0) or 1
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars, ticks = [], []
    for n, (label, value) in enumerate(points):
        height = (HEIGHT - TOP - BOTTOM) * value / peak
        x = LEFT + n * slot
        bars.append(
            f'<rect class="bar" x="{x + slot * 0.15:.1f}" y="{HEIGHT - BOTTOM - height:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{height:.1f}" data-label="{escape(label)}" '
            f'data-value="{value}"><title>{escape(label)}: {value}</title></rect>')
        if n in (0, len(points) - 1) or len(points) <= 8:
            ticks.append(f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" '
                         f'text-anchor="middle">{escape(label[-5:])}</text>')
    total = sum(value for _, value in points)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" data-measure="{escape(measure)}" '
        f'data-total="{total}" aria-label="{escape(title)}: {total} in all">'
        f'<title>{escape(title)}</title>'
        f'<text x="0" y="{TOP}" class="peak">{peak}</text>'
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="currentColor"/>{"".join(bars)}{"".join(ticks)}</svg>')
