"""A comparison as text, for the terminal: the counts, then the most changed words."""

from __future__ import annotations

from core.compare.comparison import Comparison

SHOWN = 20  # words listed; the JSON report has them all


def describe(comparison: Comparison, a: str, b: str, shown: int = SHOWN) -> str:
    lines = [
        f"A: {a}",
        f"B: {b}",
        f"{comparison.shared:,} shared words, {len(comparison.only_in_a):,} only in A, "
        f"{len(comparison.only_in_b):,} only in B; A aligned onto B by orthogonal "
        f"Procrustes; {len(comparison.words):,} words ranked by how much of their "
        f"{comparison.k} nearest neighbours stayed ({comparison.seconds:.1f} s)",
        "",
        f"{'word':<20} {'kept':>5} {'cosine':>7}  gained / lost",
    ]
    for change in comparison.words[:shown]:
        moved = ", ".join(change.gained[:4]) or "-"
        left = ", ".join(change.lost[:4]) or "-"
        lines.append(f"{change.word:<20} {change.kept:>5.0%} {change.cosine:>7.3f}  "
                     f"+ {moved} / − {left}")
    return "\n".join(lines)
