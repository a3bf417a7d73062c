"""Bar charts as SVG text, made on the server: no script, no charting service.

Each bar carries its numbers as data attributes (`data-label`, `data-value`), the chart
its measure and total, so a test (or a screen reader's table beside it) reads the same
figures the picture shows. Labels are escaped here: the text is safe to embed.
"""

from __future__ import annotations

from html import escape

# The viewBox is about the size a chart is shown at (a third of a wide screen, a whole
# phone's width), so its 12-unit text reads as 12 px, not as the 5 px it once was.
WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 360, 150, 18, 22, 30
FONT = 12


def bar_chart(measure: str, title: str, points: list[tuple[str, int]]) -> str:
    """A bar per (label, value), the highest reaching the top; the scale's top and
    zero at the left, the first and last labels under the ends; a title for readers."""
    peak = max((value for _, value in points), default=0) or 1
    slot = (WIDTH - LEFT) / max(len(points), 1)
    base = HEIGHT - BOTTOM
    bars = []
    for n, (label, value) in enumerate(points):
        height = (base - TOP) * value / peak
        x = LEFT + n * slot
        bars.append(
            f'<rect class="bar" x="{x + slot * 0.15:.1f}" y="{base - height:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{height:.1f}" data-label="{escape(label)}" '
            f'data-value="{value}"><title>{escape(label)}: {value}</title></rect>')
    ticks = []
    if points:   # under the first bar's left edge and the last bar's right edge
        ticks.append(f'<text x="{LEFT}" y="{HEIGHT - 5}">{escape(points[0][0])}</text>')
    if len(points) > 1:
        ticks.append(f'<text x="{WIDTH}" y="{HEIGHT - 5}" text-anchor="end">'
                     f'{escape(points[-1][0])}</text>')
    total = sum(value for _, value in points)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" data-measure="{escape(measure)}" '
        f'data-total="{total}" aria-label="{escape(title)}: {total} in all" '
        f'font-size="{FONT}">'
        f'<title>{escape(title)}</title>'
        f'<text x="{LEFT - 4}" y="{TOP + FONT / 2:.0f}" text-anchor="end" class="peak">'
        f'{peak}</text>'
        f'<text x="{LEFT - 4}" y="{base}" text-anchor="end">0</text>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH}" y2="{TOP}" class="grid"/>'
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}" '
        f'stroke="currentColor"/>{"".join(bars)}{"".join(ticks)}</svg>')
