"""Where negative sampling's noise words come from: the unigram^0.75 table and its sizes.

Groups of NOISE_GROUP inputs share one pool of NOISE_POOL noise words (the forward pass,
core.train.forward); LOSS_EVERY says how often the trainer measures the loss.
"""

from __future__ import annotations

import numpy as np

from core.train.forward import NOISE_GROUP, NOISE_POOL

__all__ = ["LOSS_EVERY", "NOISE_GROUP", "NOISE_POOL", "NOISE_TABLE_SIZE", "draw_from_table"]

NOISE_TABLE_SIZE = 1 << 22  # slots of the unigram^0.75 table noise words are drawn from
LOSS_EVERY = 4  # negative sampling measures its loss (for display only) every 4th step


def draw_from_table(table: np.ndarray, rng: np.random.Generator,
                    shape: tuple[int, ...]) -> np.ndarray:
    """Noise words of `shape`: uniform slots of a unigram^0.75 table."""
    return table[rng.integers(0, NOISE_TABLE_SIZE, size=shape)]
