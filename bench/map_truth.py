"""How true is the live map? The share of each word's 10 nearest neighbours (cosine, full
dimension) that are among its 10 nearest on the map, for the app's live t-SNE against
scikit-learn's t-SNE run to convergence on the same vectors (the peer).

    .venv/bin/python -m bench.map_truth [--quick] [--duty 0.5]

Cases: (a) the toy world after a Quick demo run, the map showing its 300 most frequent
words (the app's default); (b) a real corpus (bench/data.py, ~700k tokens) after a short
run, maps of 300 and of 1,000 words (--quick: the toy world only).

For each case training runs in a thread, as in the app, and the tracker gets a copy of
the map's rows ~6 times a second, refining between snapshots. Measured:

- PCA: the share of the PCA map of the final vectors;
- live t-SNE while training: the median, over the frames of the run, of each frame's
  share against the vectors of the snapshot it was made from; and frames per second;
- live t-SNE 1 s and 5 s after training ends (seconds spent in refine()), continuing from
  the layout it had when training ended;
- the peer: sklearn.manifold.TSNE(max_iter=1000, metric="cosine", init="pca") on the
  final vectors;
- what the live map costs the trainer: the run's time beside it against the same run alone.

Targets: live t-SNE >= 90% of the peer's share within 5 s after training, >= 75% while
training.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np

SNAPSHOT_HZ = 6.0
AFTER_SECONDS = (1.0, 5.0)
SWITCH_INTERVAL = 0.001


@dataclass
class LiveResult:
    training_share: float  # median over the frames made while training
    frames_per_second: float  # while training
    after: dict[float, float]  # seconds of refine() after training -> share
    final_vectors: np.ndarray
    training_seconds: float


def live_run(corpus, config, ids: np.ndarray, seed: int = 0, duty: float = 1.0) -> LiveResult:
    """Train in a thread; lay out its snapshots with a MapTracker as the app's projection
    worker does (update on each new snapshot, refine in between). duty < 1: while training
    the map rests after each frame so that it works that share of the time."""
    from core.map.tracker import MapTracker
    from core.map.truth import neighbour_share
    from core.train.trainer import Trainer

    trainer = Trainer(corpus, config)
    lock = threading.Lock()
    pending: list[np.ndarray] = []  # the newest snapshot not yet laid out
    ended = threading.Event()

    def train() -> None:
        last = 0.0
        while not trainer.finished:
            trainer.step()
            now = time.perf_counter()
            if now - last >= 1.0 / SNAPSHOT_HZ:
                with lock:
                    pending[:] = [trainer.center_vectors[ids].copy()]
                last = now
        with lock:
            pending[:] = [trainer.center_vectors[ids].copy()]
        ended.set()

    tracker = MapTracker()
    frames: list[tuple[np.ndarray, int]] = []  # (layout, index of its snapshot)
    snapshots: list[np.ndarray] = []
    worker = threading.Thread(target=train)
    started = time.perf_counter()
    worker.start()
    while True:
        with lock:
            snapshot = pending.pop() if pending else None
            finished = ended.is_set()
        begun = time.perf_counter()
        if snapshot is not None:
            snapshots.append(snapshot)
            frames.append((tracker.update(snapshot, ids, method="tsne", seed=seed),
                           len(snapshots) - 1))
            if finished:
                break  # the last snapshot: what follows is "after training"
        elif not tracker.converged:
            frames.append((tracker.refine(), len(snapshots) - 1))
        else:
            time.sleep(0.002)
            continue
        if duty < 1.0:
            time.sleep((time.perf_counter() - begun) * (1.0 / duty - 1.0))
    training_seconds = time.perf_counter() - started
    worker.join()
    final = snapshots[-1]
    training_frames = frames[:-1]
    step = max(1, len(training_frames) // 150)  # the median of ~150 frames is plenty
    shares = [neighbour_share(snapshots[index], layout)
              for layout, index in training_frames[::step]]
    layout, spent, after = frames[-1][0], 0.0, {}
    for seconds in AFTER_SECONDS:  # the frame on show that long after training ended
        while spent < seconds and not tracker.converged:
            begun = time.perf_counter()
            frame = tracker.refine()
            spent += time.perf_counter() - begun
            layout = layout if frame is None else frame
        after[seconds] = neighbour_share(final, layout)
    return LiveResult(float(np.median(shares)), len(training_frames) / training_seconds,
                      after, final, training_seconds)


def peer_share(vectors: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """scikit-learn's t-SNE run to 1,000 iterations: (share, seconds)."""
    from sklearn.manifold import TSNE

    from core.map.truth import neighbour_share

    begun = time.perf_counter()
    layout = TSNE(max_iter=1000, metric="cosine", init="pca",
                  random_state=seed).fit_transform(np.asarray(vectors, dtype=np.float64))
    return neighbour_share(vectors, layout), time.perf_counter() - begun


def training_seconds_alone(corpus, config) -> float:
    """The same run with no map beside it: what the live map costs the trainer."""
    from core.train.trainer import Trainer

    trainer = Trainer(corpus, config)
    begun = time.perf_counter()
    trainer.train()
    return time.perf_counter() - begun


def measure(name: str, corpus, config, words: int, duty: float = 1.0) -> dict:
    from core.map.pca import pca_2d
    from core.map.truth import neighbour_share

    ids = np.arange(min(words, corpus.vocab_size))
    live = live_run(corpus, config, ids, duty=duty)
    peer, peer_seconds = peer_share(live.final_vectors)
    return {"case": name, "words": len(ids), "pca": neighbour_share(live.final_vectors,
                                                                     pca_2d(live.final_vectors)),
            "training": live.training_share, "fps": live.frames_per_second,
            "after": live.after, "peer": peer, "peer_seconds": peer_seconds,
            "training_seconds": live.training_seconds}


def toy_world_case():
    from core.data.corpus import Corpus
    from core.train.config import PRESETS
    from core.train.trainer import Trainer
    from resources.toy_world import generate_sentences

    corpus = Trainer.prepare(Corpus.from_sentences(generate_sentences()))
    return corpus, PRESETS["quick_demo"]


def real_corpus_case():
    from bench.data import benchmark_corpus
    from core.data.corpus import load_corpus
    from core.train.config import TrainConfig
    from core.train.trainer import Trainer

    corpus = Trainer.prepare(load_corpus(benchmark_corpus(), min_count=5))
    return corpus, TrainConfig(dim=100, epochs=3, min_count=5)


def print_table(rows: list[dict]) -> None:
    first, last = AFTER_SECONDS
    print(f"{'case':<28}{'words':>6}{'PCA':>7}{'train':>7}{f'+{first:g}s':>7}"
          f"{f'+{last:g}s':>7}{'peer':>7}{'fps':>6}   live/peer: train, +{last:g}s")
    for row in rows:
        peer = row["peer"]
        print(f"{row['case']:<28}{row['words']:>6}{row['pca']:>7.3f}{row['training']:>7.3f}"
              f"{row['after'][first]:>7.3f}{row['after'][last]:>7.3f}{peer:>7.3f}"
              f"{row['fps']:>6.1f}   {row['training'] / peer:.0%} (target >= 75%), "
              f"{row['after'][last] / peer:.0%} (target >= 90%)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the toy world only")
    parser.add_argument("--duty", type=float, default=1.0,
                        help="share of the time the map works while training (default 1: "
                             "a frame after a frame, as the app does)")
    arguments = parser.parse_args(argv)
    # the app's interpreter switch interval (w2v_gui.app.SWITCH_INTERVAL), without
    # importing the GUI: training and the map share the interpreter as they do there
    sys.setswitchinterval(SWITCH_INTERVAL)
    cases = [("toy world, Quick demo", toy_world_case, (300,))]
    if not arguments.quick:
        cases.append(("wiki+sst+lee, 3 ep. d=100", real_corpus_case, (300, 1000)))
    rows = []
    for name, make, sizes in cases:
        corpus, config = make()
        alone = training_seconds_alone(corpus, config)
        for words in sizes:
            rows.append(measure(name, corpus, config, words, arguments.duty))
            beside = rows[-1]["training_seconds"]
            print(f"{name}, {words} words: trained in {beside:.1f} s beside the live t-SNE "
                  f"map, {alone:.1f} s alone ({alone / beside:.0%} of the speed); the peer "
                  f"t-SNE took {rows[-1]['peer_seconds']:.1f} s", flush=True)
    print("\nshare of each word's 10 nearest neighbours (cosine) kept among its 10 nearest "
          "on the map")
    print_table(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
