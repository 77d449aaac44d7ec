"""Evaluation results for people and programs: the table the command line prints (per
section, then totals) and the JSON report."""

from __future__ import annotations

import math
from typing import Any

from core.evaluation.results import AnalogyResult, PairResult


def _percent(value: float) -> str:
    return "     –" if math.isnan(value) else f"{value:6.1%}"


def report_table(analogies: AnalogyResult | None, pairs: PairResult | None) -> str:
    """A plain-text table: each analogy section, the analogy total, then the word pairs."""
    lines = []
    if analogies is not None:
        width = max([len("section"), len("total")]
                    + [len(section.name) for section in analogies.sections])
        lines.append(f"{'section':<{width}}  {'correct':>8}  {'total':>8}  "
                     f"{'accuracy':>8}  {'skipped':>8}")
        for section in analogies.sections:
            lines.append(f"{section.name:<{width}}  {section.correct:>8,}  {section.total:>8,}"
                         f"  {_percent(section.accuracy):>8}  {section.skipped:>8,}")
        lines.append(f"{'total':<{width}}  {analogies.correct:>8,}  {analogies.total:>8,}  "
                     f"{_percent(analogies.accuracy):>8}  {analogies.skipped:>8,}")
        lines.append(f"({analogies.method}; a question is skipped when one of its words is "
                     "outside the vocabulary)")
    if pairs is not None:
        if lines:
            lines.append("")
        lines.append(f"word pairs: Spearman {pairs.spearman:.4f}  Pearson {pairs.pearson:.4f}  "
                     f"{pairs.pairs:,} pairs scored, {pairs.skipped:,} skipped "
                     f"({pairs.oov_ratio:.1f}% out of vocabulary)")
    return "\n".join(lines)


def report_json(analogies: AnalogyResult | None, pairs: PairResult | None) -> dict[str, Any]:
    """{"analogies": {...} or None, "pairs": {...} or None}; NaN becomes null."""
    return {"analogies": analogies.to_json() if analogies is not None else None,
            "pairs": pairs.to_json() if pairs is not None else None}
