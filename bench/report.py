"""The table every benchmark prints: each figure beside its reference, aligned for CJK labels."""

from __future__ import annotations

from collections.abc import Sequence


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def render(title: str, rows: Sequence[Sequence[str]]) -> str:
    """`== title`, then the rows (the first is the header) with the first column left-aligned
    and the others right-aligned, a rule under the header."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"== {title}"]
    for n, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            cells.append(cell + pad if i == 0 else pad + cell)
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
