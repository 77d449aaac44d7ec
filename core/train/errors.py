"""The trainer's failures by kind: a run that cannot start or go on, and a divergence.

They live apart from `core.train.trainer` (which re-exports them) so that every trainer_*
module can raise them without importing the Trainer.
"""

from __future__ import annotations


class TrainerError(ValueError):
    """Training cannot start or continue; the message says why and what to change."""


class DivergenceError(TrainerError):
    """Training diverged: the loss or a gradient became non-finite; the vectors are those
    before the refused step, so the run can go on at a lower learning rate."""
