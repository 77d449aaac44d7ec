"""Does the window stay responsive while it trains, and what does drawing cost the trainer?

    .venv/bin/python -m bench.responsiveness [--seconds 60] [--method pca|tsne]
                                             [--quality on|off|compare] [--show-stalls MS]

The app's default run (the Quick demo preset on the built-in toy world) trains back to
back for `--seconds` in the real window (offscreen unless a display is set), with the map
of 300 labelled words and the loss curve live. Meanwhile:

- a 10 ms timer on the GUI thread records how late each of its ticks fires: the worst
  and the 99th-percentile lateness are the event loop's stalls;
- every map frame the view draws is counted: frames per second while training;
- words trained per second of training are compared with the same runs in this process
  with no window at all (the peer), measured before and after the window and averaged,
  because this machine's speed drifts by 10-20% from minute to minute.

The live quality curve (the toy world's test sets, evaluated every couple of seconds) is on
as in the app; `--quality off` turns it off, and `--quality compare` runs the window with
it off and on in turn (twice each, `--seconds` each) and prints what it costs the trainer.

The process uses the app's interpreter switch interval (w2v_gui.app.SWITCH_INTERVAL),
for the window and the peer alike.

Targets: worst stall <= 50 ms, p99 <= 20 ms, >= 5 map frames/s, >= 80% of the peer's
words/s; the quality curve costs <= 10% of the words/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

TICK_MS = 10


def peer_words_per_second(seconds: float, workers: int = 1) -> float:
    """Whole Quick-demo runs on the toy world, no window, with `workers` (their processes
    started beforehand, as the app starts them at launch): corpus words per second."""
    from core.parallel.pool import WorkerPool
    from core.parallel.trainer import ParallelTrainer
    from core.train.config import PRESETS
    from core.train.trainer import Trainer
    from w2v_gui.controllers.corpus import load_toy_world

    corpus = load_toy_world()
    config = PRESETS["quick_demo"].replace(workers=workers)
    pool = WorkerPool()
    pool.warm(workers if workers > 1 else 0)
    words, elapsed = 0, 0.0
    try:
        while elapsed < seconds:
            trainer = Trainer(corpus, config)
            runner = ParallelTrainer(trainer, workers, pool) if workers > 1 else trainer
            started = time.perf_counter()
            while not trainer.finished and elapsed + time.perf_counter() - started < seconds:
                runner.step()
            if runner is not trainer:
                runner.stop()
            elapsed += time.perf_counter() - started
            words += trainer.words_done
    finally:
        pool.close()
    return words / elapsed


def measure_window(seconds: float, method: str, show_stalls: float | None = None,
                   quality: bool = True, workers: int = 1) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # the bench's runs are nobody's work: their recovery copies and logs go to a folder of
    # their own, and no copy left by the user's app is offered here
    data = tempfile.TemporaryDirectory(prefix="w2v-bench-")
    os.environ["WORD2VEC_STUDIO_DATA"] = data.name
    from PyQt6.QtCore import QElapsedTimer, Qt, QTimer
    from PyQt6.QtWidgets import QApplication

    from core.train.config import PRESETS
    from w2v_gui.app import freeze_what_lasts
    from w2v_gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(remember=False)
    window.show()
    freeze_what_lasts()  # as the app does
    window.map.set_method(method)
    window.views.evaluation_panel.live.setChecked(quality)
    evaluations: list[float] = []
    window.evaluation.reported.connect(lambda report: evaluations.append(report.seconds))
    lateness: list[float] = []
    frame_times: list[float] = []
    state = {"words": 0, "training_seconds": 0.0, "run_started": 0.0, "started": None,
             "runs": 0, "time_up": False}
    first_steps: list[float] = []  # seconds from Train to the first words trained, a run
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.timeout.connect(lambda: tick())
    last_tick = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        if state["started"] is not None:
            lateness.append(max(0.0, (now - last_tick[0]) / 1e6 - TICK_MS))
            if show_stalls is not None and lateness[-1] > show_stalls:
                into_run = time.perf_counter() - state["run_started"]
                print(f"  stall of {lateness[-1]:.1f} ms, {into_run:.2f} s into run "
                      f"{state['runs'] + 1}", flush=True)
        last_tick[0] = now

    def count_frame(_frame) -> None:
        if state["started"] is not None:
            frame_times.append(time.perf_counter())

    def start_run() -> None:
        state["run_started"] = time.perf_counter()
        state["first_step"] = True
        window.start_training()

    def stats_seen(stats) -> None:
        if state.get("first_step") and stats.words_done > 0:
            first_steps.append(time.perf_counter() - state["run_started"])
            state["first_step"] = False

    def run_ended() -> None:
        state["words"] += window.training.trainer.words_done
        state["training_seconds"] += time.perf_counter() - state["run_started"]
        state["runs"] += 1
        if not state["time_up"]:
            window.training.forget_run()  # each run is discarded unasked
            window.document.forget()
            start_run()
        else:
            ticker.stop()  # closing waits for the worker threads: not a stall of training
            state["elapsed"] = time.perf_counter() - state["started"]
            window.discard_on_close = True
            window.close()  # the app quits once every worker thread has ended

    def begin() -> None:
        window.views.hyperparameters.set_config(PRESETS["quick_demo"].replace(workers=workers))
        window.training.finished.connect(run_ended)
        window.training.stats.connect(stats_seen)
        window.map.projection.layout_ready.connect(count_frame)
        state["started"] = time.perf_counter()
        clock.start()
        last_tick[0] = clock.nsecsElapsed()
        ticker.start(TICK_MS)
        def time_up() -> None:
            state["time_up"] = True
            window.training.stop()

        QTimer.singleShot(int(seconds * 1000), time_up)
        start_run()

    window.corpora.loaded.connect(begin)
    window.gone.connect(app.quit)
    window.views.search_panel.query.setText("queen")  # the neighbour list refreshes live too
    app.exec()
    data.cleanup()
    frame_times = np.array(frame_times)
    return {
        "words_per_second": state["words"] / state["training_seconds"],
        "runs": state["runs"],
        "worst_ms": float(np.max(lateness)),
        "p99_ms": float(np.percentile(lateness, 99)),
        "median_ms": float(np.median(lateness)),
        "ticks": len(lateness),
        "elapsed": state["elapsed"],
        "frames_per_second": (len(frame_times) - 1) / (frame_times[-1] - frame_times[0])
        if len(frame_times) > 1 else 0.0,
        "first_step_seconds": float(np.median(first_steps)) if first_steps else float("nan"),
        "evaluations": len(evaluations),
        "evaluation_ms": 1000 * float(np.mean(evaluations)) if evaluations else 0.0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--method", choices=("pca", "tsne"), default="pca")
    parser.add_argument("--peer-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1,
                        help="processes that train (the window's run and the peer alike)")
    parser.add_argument("--quality", choices=("on", "off", "compare"), default="on",
                        help="the live quality curve: on (as in the app), off, or both in "
                             "turn to measure its cost")
    parser.add_argument("--show-stalls", type=float, metavar="MS",
                        help="print each stall longer than MS milliseconds as it happens")
    arguments = parser.parse_args(argv)
    from w2v_gui.app import share_the_interpreter

    share_the_interpreter()  # as the app does; the peer runs with the same setting
    before = peer_words_per_second(arguments.peer_seconds, arguments.workers)
    print(f"no window (peer), before: {before:,.0f} words/s over {arguments.peer_seconds:g} s "
          "of Quick-demo runs", flush=True)
    if arguments.quality == "compare":
        compare_quality(arguments.seconds, arguments.method)
        return
    result = measure_window(arguments.seconds, arguments.method, arguments.show_stalls,
                            quality=arguments.quality == "on", workers=arguments.workers)
    after = peer_words_per_second(arguments.peer_seconds, arguments.workers)
    peer = (before + after) / 2  # the machine's speed drifts; bracket the window's run
    print(f"no window (peer), after: {after:,.0f} words/s; mean {peer:,.0f}")
    share = result["words_per_second"] / peer
    print(f"in the window, {arguments.method.upper()} map, workers={arguments.workers}, "
          f"{arguments.seconds:g} s, "
          f"{result['runs']} runs: {result['words_per_second']:,.0f} words/s = {share:.0%} "
          "of the peer's mean (target >= 80%)")
    print(f"event loop lateness over {result['ticks']:,} ticks of {TICK_MS} ms in "
          f"{result['elapsed']:.1f} s: worst "
          f"{result['worst_ms']:.1f} ms (target <= 50), p99 {result['p99_ms']:.1f} ms "
          f"(target <= 20), median {result['median_ms']:.2f} ms")
    print(f"map frames drawn: {result['frames_per_second']:.1f}/s (target >= 5)")
    print(f"Train to the first words trained: {result['first_step_seconds']:.3f} s, median "
          f"of the runs (workers={arguments.workers}; target <= 1 s)")
    print(f"quality curve {arguments.quality}: {result['evaluations']} evaluations, "
          f"{result['evaluation_ms']:.1f} ms each on average")


def compare_quality(seconds: float, method: str) -> None:
    """The window with the quality curve off, on, off, on: words/s of each, and the cost."""
    speeds = {False: [], True: []}
    for quality in (False, True, False, True):
        result = measure_window(seconds, method, quality=quality)
        speeds[quality].append(result["words_per_second"])
        print(f"quality curve {'on ' if quality else 'off'}: "
              f"{result['words_per_second']:,.0f} words/s, {result['evaluations']} "
              f"evaluations ({result['evaluation_ms']:.1f} ms each), worst stall "
              f"{result['worst_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms", flush=True)
    off, on = np.mean(speeds[False]), np.mean(speeds[True])
    print(f"words/s with the curve on = {on / off:.1%} of off (mean of two {seconds:g} s "
          f"windows each; target: a cost <= 10%, i.e. >= 90%)")


if __name__ == "__main__":
    main(sys.argv[1:])
