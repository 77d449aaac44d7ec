"""Does the window stay responsive with a large vectors file open while the map lays out?

    .venv/bin/python -m bench.explorer_responsiveness [--vectors FILE] [--words 400000]
        [--dim 300] [--map-words 5000] [--method tsne] [--seconds 30]

The window opens FILE (by default a generated GloVe-shaped file of 400,000 × 300 words,
the size of GloVe 6B 300d, written once under bench/out/) as the explorer does, then
shows `--map-words` words laid out by `--method`, colours them by k-means clusters, and
keeps working for `--seconds`: a search of a random word every half second and a small
pan of the map every 100 ms, as a user exploring would. Meanwhile a 10 ms timer on the
GUI thread records how late each of its ticks fires (the event loop's stalls), and every
map frame drawn is counted.

Targets (the house's): worst stall ≤ 50 ms, p99 ≤ 20 ms, ≥ 5 map frames/s while the map
is still converging. Each search's latency (asked to answered on screen) is printed beside
the same query run directly on the same vectors with no window (the peer).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

TICK_MS = 10


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", help="a vectors file (default: generate one)")
    parser.add_argument("--words", type=int, default=400_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--map-words", type=int, default=5000)
    parser.add_argument("--method", choices=("pca", "tsne"), default="tsne")
    parser.add_argument("--seconds", type=float, default=30.0)
    arguments = parser.parse_args(argv)
    path = arguments.vectors
    if path is None:
        from bench.open_vectors import generate

        path = str(generate(arguments.words, arguments.dim)["glove"])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    data = tempfile.TemporaryDirectory(prefix="w2v-bench-")
    os.environ["WORD2VEC_STUDIO_DATA"] = data.name
    from PyQt6.QtCore import QElapsedTimer, Qt, QTimer
    from PyQt6.QtWidgets import QApplication

    from w2v_gui.app import freeze_what_lasts, share_the_interpreter
    from w2v_gui.main_window import MainWindow

    share_the_interpreter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(remember=False)
    window.show()
    freeze_what_lasts()  # as the app does
    rng = np.random.default_rng(0)
    lateness: list[float] = []
    frames: list[float] = []
    searches: list[tuple[float, str]] = []  # (seconds from ask to answer, word)
    state: dict = {"measuring": False, "asked": None, "opened": None}
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    last_tick = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        if state["measuring"]:
            lateness.append(max(0.0, (now - last_tick[0]) / 1e6 - TICK_MS))
        last_tick[0] = now

    ticker.timeout.connect(tick)

    def frame_drawn(_frame) -> None:
        if state["measuring"]:
            frames.append(time.perf_counter())

    def ask() -> None:
        words = window.map.words
        word = words[int(rng.integers(0, min(len(words), 50_000)))]
        state["asked"] = (time.perf_counter(), word)
        window.views.search_panel.search(word)

    def answered(_result) -> None:
        if state["asked"] is not None and state["measuring"]:
            started, word = state["asked"]
            searches.append((time.perf_counter() - started, word))
        state["asked"] = None

    def pan() -> None:
        box = window.views.projection_view.getPlotItem().getViewBox()
        box.translateBy(x=0.01 * (1 if len(lateness) % 2 else -1))

    asker, panner = QTimer(), QTimer()
    asker.timeout.connect(ask)
    panner.timeout.connect(pan)

    def opened(_loaded) -> None:
        state["opened"] = time.perf_counter() - state["open_started"]
        print(f"opened {os.path.basename(path)} in the window in {state['opened']:.1f} s",
              flush=True)
        ready_for_search()

    def ready_for_search() -> None:
        """Begin once the search worker has normalised the rows and made the vocabulary's
        completion (opening's own work, not exploring's)."""
        if window.views.search_panel.vocabulary:
            QTimer.singleShot(500, begin)
        else:
            QTimer.singleShot(100, ready_for_search)

    def begin() -> None:
        window.map.projection.layout_ready.connect(frame_drawn)
        window.search.answered.connect(answered)
        window.views.map_controls.word_count.setValue(arguments.map_words)
        window.views.map_controls.set_colouring("clusters")
        window.map.set_method(arguments.method)
        state["measuring"] = True
        state["started"] = time.perf_counter()
        clock.start()
        last_tick[0] = clock.nsecsElapsed()
        ticker.start(TICK_MS)
        asker.start(500)
        panner.start(100)
        QTimer.singleShot(int(arguments.seconds * 1000), finish)

    def finish() -> None:
        state["measuring"] = False
        state["elapsed"] = time.perf_counter() - state["started"]
        for timer in (ticker, asker, panner):
            timer.stop()
        window.discard_on_close = True
        window.close()

    def start() -> None:
        window.corpora.loaded.disconnect(start)
        window.corpora.vectors_loaded.connect(opened)
        state["open_started"] = time.perf_counter()
        window.files.open_path(path)

    window.corpora.loaded.connect(start)  # the toy world first, as at every launch
    window.gone.connect(app.quit)
    app.exec()
    data.cleanup()

    from core.open_vectors import read_vectors

    embeddings = read_vectors(path).embeddings
    embeddings.unit_vectors  # noqa: B018  (normalised once, as the search worker does)
    peer = []
    for _latency, word in searches:
        started = time.perf_counter()
        embeddings.most_similar(word, 10)
        peer.append(time.perf_counter() - started)
    lateness_ms = np.array(lateness)
    rate = (len(frames) - 1) / (frames[-1] - frames[0]) if len(frames) > 1 else 0.0
    print(f"{len(embeddings):,} × {embeddings.dim} open; map of {arguments.map_words:,} words "
          f"by {arguments.method}, clusters coloured, {state['elapsed']:.0f} s of searches "
          "and panning")
    print(f"event loop lateness over {len(lateness_ms):,} ticks of {TICK_MS} ms: worst "
          f"{lateness_ms.max():.1f} ms (target <= 50), p99 "
          f"{np.percentile(lateness_ms, 99):.1f} ms (target <= 20), median "
          f"{np.median(lateness_ms):.2f} ms")
    print(f"map frames drawn: {len(frames)}, {rate:.1f}/s while drawing (target >= 5)")
    if searches:
        window_ms = np.array([s for s, _w in searches]) * 1000
        peer_ms = np.array(peer) * 1000
        print(f"searches answered: {len(searches)}; ask to answer on screen median "
              f"{np.median(window_ms):.0f} ms, worst {window_ms.max():.0f} ms; the same "
              f"queries with no window median {np.median(peer_ms):.0f} ms, worst "
              f"{peer_ms.max():.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
