"""Horizontal bar charts as inline SVG: no script, no external resource, readable when printed."""

from dataclasses import dataclass
from html import escape

WIDTH = 720
LABEL_WIDTH = 260
VALUE_WIDTH = 70
ROW_HEIGHT = 26
BAR_HEIGHT = 16
SERIES_COLOURS = ("#1b6ca8", "#e07a1f")
MAX_LABEL_CHARS = 32


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # shares 0..1 (None: nothing to show)


def bar_chart(title: str, labels: list[str], series: list[Series], value_text) -> str:
    """An SVG chart of one or two series of shares per label; `value_text(share)` writes the numbers."""
    group_height = ROW_HEIGHT * len(series) + 8
    legend = 24 if len(series) > 1 else 0
    height = legend + group_height * len(labels) + 4
    bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    if legend:
        x = LABEL_WIDTH
        for index, one in enumerate(series):
            parts.append(f'<rect x="{x}" y="4" width="14" height="14" fill="{SERIES_COLOURS[index]}"/>'
                         f'<text x="{x + 20}" y="16" class="legend">{escape(one.name)}</text>')
            x += 30 + 9 * len(one.name)
    for row, label in enumerate(labels):
        top = legend + row * group_height
        shown = label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS - 1] + "…"
        middle = top + 4 + ((len(series) - 1) * ROW_HEIGHT + BAR_HEIGHT) / 2
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle + 5:.0f}" text-anchor="end" class="label">'
                     f"<title>{escape(label)}</title>{escape(shown)}</text>")
        for index, one in enumerate(series):
            value = one.values[row]
            y = top + 4 + index * ROW_HEIGHT
            width = 0.0 if value is None else max(0.0, min(1.0, float(value))) * bar_space
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar_space}" height="{BAR_HEIGHT}" '
                         f'class="track"/>')
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{SERIES_COLOURS[index]}"><title>{escape(one.name)}: '
                         f"{escape(value_text(value))}</title></rect>")
            parts.append(f'<text x="{LABEL_WIDTH + bar_space + 6}" y="{y + 13}" class="value">'
                         f"{escape(value_text(value))}</text>")
    parts.append("</svg>")
    return "".join(parts)
