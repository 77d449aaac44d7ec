"""The trainer's failures by kind: a run that cannot start or go on, and a divergence.

They live apart from `core.train.trainer` (which re-exports them) so that every trainer_*
module can raise them without importing the Trainer.
"""

from __future__ import annotations

import os


class TrainerError(ValueError):
    """Training cannot start or continue; the message says why and what to change."""


class DivergenceError(TrainerError):
    """Training diverged: the loss or a gradient became non-finite; the vectors are those
    before the refused step, so the run can go on at a lower learning rate."""


def unreadable_model(path: str | os.PathLike, error: Exception) -> TrainerError:
    """The error for a model file that cannot be read, naming the file and the cause."""
    return TrainerError(f"{path} is not a readable Word2Vec Studio model ({error}). "
                        "Choose another file, or train again.")
