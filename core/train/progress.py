"""The run's progress as one line of text, the same for the app's status bar and the
command line's progress display: where the run is, its speed and the time left."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.train.trainer import StepStats


HANDOUT_ITERATIONS = 40_000  # run.py's iterations
HANDOUT_COST = 10.0  # what the handout expects the final cost to be at most, about


def handout_line(iteration: int, cost: float) -> str:
    """The handout's last line, "iteration 40,000: cost 9.69", as its sgd prints it, and
    what the handout expects of it."""
    line = f"iteration {iteration:,}: cost {cost:.2f}"
    if iteration < HANDOUT_ITERATIONS:
        return f"{line} (the handout's 10 or below is for {HANDOUT_ITERATIONS:,} iterations)"
    verdict = "met" if cost <= HANDOUT_COST else "not met"
    return f"{line} (the handout expects about 10 or below: {verdict})"


def seconds_left(stats: StepStats) -> float:
    """The time the rest of the run takes at the current speed (0 before a speed is known)."""
    remaining = stats.total_words - stats.words_done
    return remaining / stats.words_per_second if stats.words_per_second > 0 else 0.0


def progress_parts(stats: StepStats, epochs: int) -> tuple[str, str, str]:
    """("epoch 2/5", "120,000 words/s", "ETA 0:12"); a run of the handout's batching counts
    iterations and windows instead: ("iteration 1,200 / 40,000", "15,000 windows/s", …)."""
    if stats.windows:
        where, speed = f"iteration {stats.steps:,} / {stats.iterations:,}", "windows/s"
    else:
        where, speed = f"epoch {min(stats.epoch + 1, epochs)}/{epochs}", "words/s"
    eta = seconds_left(stats)
    return (where, f"{stats.words_per_second:,.0f} {speed}",
            f"ETA {int(eta // 60)}:{int(eta % 60):02d}")


def progress_text(stats: StepStats, epochs: int) -> str:
    """"epoch 2/5  120,000 words/s  ETA 0:12" (a bar beside it shows the percentage)."""
    return "  ".join(progress_parts(stats, epochs))
