"""How long the map takes to paint one frame at 20,000 words (target: ≤ 33 ms, 30 frames/s).

The map view (w2v_gui.views.projection_view.ProjectionView) is given a frame of N words in
clusters, coloured by k-means with a legend and labels, the way the explorer shows a large
file. Two timings, each the median and worst of many repeats:

- next frame: a frame of the same words at new places, as t-SNE sends while it converges
  (GUI-thread work before the repaint);
- paint: the whole view rendered into an image (what one repaint costs);
- pan: the range moved a little, labels placed again, and the view rendered (what one step
  of a drag costs).

The peer is a bare pyqtgraph ScatterPlotItem of the same points with one brush and no
labels, painted the same way in the same run: the cost of pyqtgraph's drawing alone.

    .venv/bin/python -m bench.map_paint [--words 20000] [--repeats 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np


def clustered_points(count: int, dim: int = 50, groups: int = 12, seed: int = 0):
    """(vectors (count, dim), layout (count, 2)): points in `groups` blobs."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, groups, size=count)
    centres = rng.normal(size=(groups, dim)) * 3
    vectors = (centres[labels] + rng.normal(size=(count, dim))).astype(np.float32)
    places = rng.normal(size=(groups, 2)) * 20
    layout = places[labels] + rng.normal(size=(count, 2)) * 2.5
    return vectors, layout


def timed(action, repeats: int) -> tuple[float, float]:
    """(median, worst) milliseconds of `action` over `repeats` calls, after one warm-up."""
    action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=30)
    arguments = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PyQt6.QtWidgets import QApplication

    from core.map.colours import cluster_colouring
    from w2v_gui.projection_worker import MapFrame
    from w2v_gui.views.projection_view import ProjectionView

    app = QApplication.instance() or QApplication([])
    count = arguments.words
    vectors, layout = clustered_points(count)
    words = [f"word{i}" for i in range(count)]
    started = time.perf_counter()
    colouring = cluster_colouring(vectors, words=words)
    cluster_ms = (time.perf_counter() - started) * 1000

    view = ProjectionView()
    view.resize(1000, 700)
    view.show()
    view.set_vocabulary(words, np.arange(count, 0, -1))
    ids = np.arange(count)
    started = time.perf_counter()
    view.set_frame(MapFrame(ids, layout, "tsne", colouring))
    frame_ms = (time.perf_counter() - started) * 1000
    app.processEvents()
    shift = [0.0]

    def next_frame() -> None:  # a t-SNE frame of the same words: only positions change
        shift[0] += 0.01
        view.set_frame(MapFrame(ids, layout + shift[0], "tsne", colouring))

    moving = timed(next_frame, arguments.repeats)
    paint = timed(view.grab, arguments.repeats)
    box = view.getPlotItem().getViewBox()
    step = [0]

    def pan() -> None:
        step[0] += 1
        box.translateBy(x=0.5 if step[0] % 2 else -0.5)
        app.processEvents()
        view.grab()

    panning = timed(pan, arguments.repeats)
    labels = len(view.labelled)

    peer = pg.PlotWidget()
    peer.resize(1000, 700)
    peer.show()
    peer.addItem(pg.ScatterPlotItem(pos=layout, size=8, brush=pg.mkBrush(40, 90, 200, 170),
                                    pen=pg.mkPen(255, 255, 255, 160)))
    app.processEvents()
    peer_paint = timed(peer.grab, arguments.repeats)

    print(f"map paint at {count:,} words (1000 × 700 px, {labels} labels, "
          f"{len(colouring.legend)} clusters)")
    print(f"  k-means colouring            {cluster_ms:8.1f} ms (once per layout, off the "
          "GUI thread)")
    print(f"  first frame (GUI thread)     {frame_ms:8.1f} ms: points, colours, legend, labels")
    print(f"  next frame  median / worst   {moving[0]:8.1f} / {moving[1]:.1f} ms: the same "
          "words moved (each t-SNE frame)")
    print(f"  paint       median / worst   {paint[0]:8.1f} / {paint[1]:.1f} ms   "
          f"target ≤ 33 ms: {'met' if paint[0] <= 33 else 'MISSED'}")
    print(f"  pan + paint median / worst   {panning[0]:8.1f} / {panning[1]:.1f} ms")
    print(f"  peer: bare scatter, one brush {peer_paint[0]:7.1f} / {peer_paint[1]:.1f} ms   "
          f"map / peer = {paint[0] / peer_paint[0]:.2f}")


if __name__ == "__main__":
    main()
