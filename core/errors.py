"""The failures every layer of core may raise, by kind, so that each is one class:

Cancelled        long work (reading a vectors file, an evaluation, a gradient check)
                 stopped because its `should_stop()` said so; nothing it built is kept
TrainerError     training cannot start or go on; the message says why and what to change
DivergenceError  the loss or a gradient became non-finite (a TrainerError): the fast
                 trainer keeps the vectors from before the refused step, the handout's
                 sgd leaves its last checkpoint untouched, so a run can go on more gently
"""

from __future__ import annotations


class Cancelled(Exception):
    """Work stopped before it ended because it was asked to (the user, or the app closing)."""


class TrainerError(ValueError):
    """Training cannot start or continue; the message says why and what to change."""


class DivergenceError(TrainerError):
    """Training diverged: the loss or a gradient became non-finite."""
