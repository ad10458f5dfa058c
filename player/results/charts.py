"""Horizontal bar charts as inline SVG: no script, no external resource, readable when printed. Long labels
wrap onto up to MAX_LABEL_LINES lines, so two questions that begin alike still look different."""

import textwrap
from dataclasses import dataclass
from html import escape

WIDTH = 720
LABEL_WIDTH = 260
VALUE_WIDTH = 70
ROW_HEIGHT = 26
BAR_HEIGHT = 16
SERIES_COLOURS = ("#1b6ca8", "#e07a1f")
MAX_LABEL_CHARS = 32  # per line
MAX_LABEL_LINES = 4
LINE_HEIGHT = 16


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # shares 0..1 (None: nothing to show)


def bar_chart(title: str, labels: list[str], series: list[Series], value_text) -> str:
    """An SVG chart of one or two series of shares per label; `value_text(share)` writes the numbers."""
    lines_of = [label_lines(label) for label in labels]
    heights = [max(ROW_HEIGHT * len(series), LINE_HEIGHT * len(lines) + 6) + 8 for lines in lines_of]
    legend = 24 if len(series) > 1 else 0
    height = legend + sum(heights) + 4
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
    top = legend
    for row, label in enumerate(labels):
        lines = lines_of[row]
        middle = top + heights[row] / 2 - 2
        first = middle + 5 - (len(lines) - 1) * LINE_HEIGHT / 2
        spans = "".join(f'<tspan x="{LABEL_WIDTH - 8}" y="{first + number * LINE_HEIGHT:.0f}">{escape(line)}</tspan>'
                        for number, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" class="label"><title>{escape(label)}</title>{spans}</text>')
        bars_top = middle - ((len(series) - 1) * ROW_HEIGHT + BAR_HEIGHT) / 2
        for index, one in enumerate(series):
            value = one.values[row]
            y = round(bars_top + index * ROW_HEIGHT)
            width = 0.0 if value is None else max(0.0, min(1.0, float(value))) * bar_space
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar_space}" height="{BAR_HEIGHT}" '
                         f'class="track"/>')
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{SERIES_COLOURS[index]}"><title>{escape(one.name)}: '
                         f"{escape(value_text(value))}</title></rect>")
            parts.append(f'<text x="{LABEL_WIDTH + bar_space + 6}" y="{y + 13}" class="value">'
                         f"{escape(value_text(value))}</text>")
        top += heights[row]
    parts.append("</svg>")
    return "".join(parts)


def label_lines(label: str) -> list[str]:
    """A label wrapped at word boundaries into at most MAX_LABEL_LINES lines, the last one cut with "…"."""
    lines = textwrap.wrap(label, MAX_LABEL_CHARS, break_long_words=True) or [""]
    if len(lines) <= MAX_LABEL_LINES:
        return lines
    last = " ".join(lines[MAX_LABEL_LINES - 1:])
    return lines[:MAX_LABEL_LINES - 1] + [last[:MAX_LABEL_CHARS - 1].rstrip() + "…"]
