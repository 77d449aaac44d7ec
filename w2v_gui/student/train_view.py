"""The Train tab: the handout's recipe with the student's code (and the fast trainer in a
race), its smoothed cost against iterations or seconds, their speed beside the fast
trainer's, and the vectors as the handout pictures them (its 24 words) or as a map of the
most frequent words, both by PCA."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.map.pca import HANDOUT_WORDS, align_on, handout_layout, pca_2d
from core.train.progress import handout_line
from w2v_gui.student.training import RunTrace

COLOURS = {"theirs": (200, 60, 40), "ours": (40, 90, 200)}
NAMES = {"theirs": "your code", "ours": "the fast trainer"}
MAP_WORDS = 300  # the map's words: the most frequent


def race_verdict(traces: dict[str, RunTrace]) -> str:
    """Once both runs of a race have ended: the iterations and seconds each took to reach
    the cost both reached, as a sentence; "" before."""
    if set(traces) != {"theirs", "ours"} or any(t.ended is None or not t.costs
                                                 for t in traces.values()):
        return ""
    level = max(trace.costs[-1] for trace in traces.values())
    seconds = {side: next(s for s, c in zip(trace.seconds, trace.costs, strict=True)
                          if c <= level) for side, trace in traces.items()}
    iterations = {side: next(i for i, c in zip(trace.iterations, trace.costs, strict=True)
                             if c <= level) for side, trace in traces.items()}
    return (f"Race: both reached a cost of {level:.2f}; your code after "
            f"{iterations['theirs']:,} iterations in {seconds['theirs']:.1f} s, the fast "
            f"trainer after {iterations['ours']:,} iterations in {seconds['ours']:.1f} s. "
            "Per iteration the two follow the same recipe; per second the fast trainer's "
            "batched matrix products do the same work faster.")


class TrainView(QWidget):
    train = pyqtSignal()
    race = pyqtSignal()
    pause = pyqtSignal()
    stop = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.corpus_label = QLabel("")
        self.iterations = QSpinBox(minimum=100, maximum=40_000, singleStep=1000, value=40_000)
        self.iterations.setGroupSeparatorShown(True)
        self.iterations.setToolTip("The handout's run.py takes 40,000 iterations of 50 "
                                   "windows; fewer show the start of the curve sooner.")
        self.train_button = QPushButton("&Train with my code")
        self.train_button.clicked.connect(self.train)
        self.race_button = QPushButton("&Race mine against the fast trainer")
        self.race_button.clicked.connect(self.race)
        self.pause_button = QPushButton("&Pause")
        self.pause_button.clicked.connect(self.pause)
        self.stop_button = QPushButton("&Stop")
        self.stop_button.clicked.connect(self.stop)
        row = QHBoxLayout()
        for widget in (self.corpus_label, QLabel("iterations:"), self.iterations,
                       self.train_button, self.race_button, self.pause_button,
                       self.stop_button):
            row.addWidget(widget)
        row.insertStretch(1, 1)
        self.speed = QLabel("")
        self.speed.setWordWrap(True)
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.error = QPlainTextEdit(readOnly=True)
        self.error.setMinimumHeight(140)  # a traceback's last lines, the exception's own
        self.error.setMaximumHeight(260)
        self.error.hide()
        self.against_seconds = QCheckBox("against seconds")
        self.against_seconds.toggled.connect(lambda _on: self._draw_costs())
        self.loss_plot = pg.PlotWidget(background="w")
        self.loss_plot.setLabel("left", "the handout's smoothed cost")
        self.loss_plot.setLabel("bottom", "iteration")
        self.loss_plot.addLegend(offset=(-10, 10))
        self.legend = self.loss_plot.getPlotItem().legend
        self.curves = {side: self.loss_plot.plot(pen=pg.mkPen(colour, width=2))
                       for side, colour in COLOURS.items()}
        self.shown = QComboBox()
        self.shown.addItems(["the handout's 24 words", f"the {MAP_WORDS} most frequent words"])
        self.shown.currentIndexChanged.connect(lambda _i: self._draw_words(reset=True))
        self.side = QComboBox()
        self.side.addItems([NAMES["theirs"], NAMES["ours"]])
        self.side.currentIndexChanged.connect(lambda _i: self._draw_words(reset=True))
        self.word_plot = pg.PlotWidget(background="w")
        self.word_plot.setAspectLocked(True)
        self.scatter = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(40, 90, 200, 170))
        self.word_plot.addItem(self.scatter)
        self.word_title = QLabel("")
        self.word_title.setWordWrap(True)
        self.labels: list[pg.TextItem] = []
        self._previous: tuple[str, np.ndarray, list[str]] | None = None
        self.traces: dict[str, RunTrace] = {}
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.against_seconds)
        left.addWidget(self.loss_plot, 1)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("show"))
        choose.addWidget(self.shown)
        choose.addWidget(QLabel("of"))
        choose.addWidget(self.side)
        choose.addStretch(1)
        right.addLayout(choose)
        right.addWidget(self.word_title)
        right.addWidget(self.word_plot, 1)
        plots = QHBoxLayout()
        for column in (left, right):
            holder = QWidget()
            holder.setLayout(column)
            holder.setMinimumWidth(360)
            plots.addWidget(holder, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.speed)
        layout.addWidget(self.verdict)
        layout.addWidget(self.error)
        layout.addLayout(plots, 1)
        self.set_running(False, False)

    # ------------------------------------------------------------------ state
    def set_running(self, running: bool, paused: bool, can_train: bool = True) -> None:
        for button in (self.train_button, self.race_button):
            button.setEnabled(can_train and not running)
        self.iterations.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.pause_button.setText("&Resume" if paused else "&Pause")
        self.stop_button.setEnabled(running)

    def begin(self, traces: dict[str, RunTrace]) -> None:
        self.traces = traces
        self.legend.clear()  # the runs of this start only
        for side in traces:
            self.legend.addItem(self.curves[side], NAMES[side])
        self.error.hide()
        self.verdict.setText("")
        self.speed.setText("Starting: reading the corpus and timing the fast trainer…")
        self._previous = None
        self.side.setCurrentIndex(0)
        self.update_from(traces)

    # ------------------------------------------------------------------ drawing
    def update_from(self, traces: dict[str, RunTrace]) -> None:
        self.traces = traces
        self._draw_costs()
        self._draw_speed()
        self._draw_words()

    def _draw_costs(self) -> None:
        by_seconds = self.against_seconds.isChecked()
        self.loss_plot.setLabel("bottom", "training seconds" if by_seconds else "iteration")
        for side, curve in self.curves.items():
            trace = self.traces.get(side)
            if trace is None or not trace.costs:
                curve.setData([], [])
                continue
            curve.setData(trace.seconds if by_seconds else trace.iterations, trace.costs)

    def _draw_speed(self) -> None:
        theirs, ours = self.traces.get("theirs"), self.traces.get("ours")
        parts = []
        if theirs is not None and theirs.speed:
            parts.append(f"Your code: {theirs.speed:,.0f} iterations/s "
                         f"(iteration {theirs.iteration:,})")
        fast = ours.speed if ours is not None and ours.speed else (
            theirs.fast_speed if theirs is not None else None)
        if fast:
            parts.append(f"the fast trainer, same recipe and corpus: {fast:,.0f} "
                         "iterations/s" + (f" (iteration {ours.iteration:,})"
                                           if ours is not None else " (timed for 1.5 s)"))
            if theirs is not None and theirs.speed:
                parts.append(f"{fast / theirs.speed:,.0f}× yours: it computes 50 windows "
                             "at once with matrix products, yours one window and one word "
                             "at a time" + (" (in a race both share this machine's cores, "
                                            "so each runs slower than alone)"
                                            if ours is not None else ""))
        if parts:
            self.speed.setText("; ".join(parts) + ".")

    def show_end(self, side: str, trace: RunTrace) -> None:
        """What a run's end means, in words."""
        if trace.error:
            self.error.setPlainText(trace.error)
            self.error.show()
        name = NAMES[side].capitalize()
        how = {"finished": "finished", "stopped": "was stopped", "failed": "stopped: "
               "your code raised an exception (below); what it trained is kept",
               "diverged": f"stopped: {trace.error}"}.get(trace.ended, trace.ended)
        line = f"{name} {how} at iteration {trace.iteration:,}."
        if trace.costs:
            line += (f" As the handout prints it: "
                     f"{handout_line(trace.iteration, trace.costs[-1])}.")
        done = [self.verdict.text()] if self.verdict.text() else []
        self.verdict.setText("  ".join([*done, line, race_verdict(self.traces)]).strip())

    def _draw_words(self, reset: bool = False) -> None:
        side = "theirs" if self.side.currentIndex() == 0 else "ours"
        trace = self.traces.get(side)
        if reset:
            self._previous = None
        if trace is None or trace.vectors is None or not trace.words:
            self.scatter.setData([])
            self._set_labels([], np.zeros((0, 2)))
            self.word_title.setText("")
            return
        index = {w: i for i, w in enumerate(trace.words)}
        handout = self.shown.currentIndex() == 0
        if handout:
            words = [w for w in HANDOUT_WORDS if w in index]
            title = "run.py's picture: its 24 words, PCA of their center vectors"
            if len(words) < len(HANDOUT_WORDS):
                found = len(words)
                words += [w for w in trace.words if w != "UNK" and w not in words][
                    :len(HANDOUT_WORDS) - found]
                title = (f"{found} of run.py's 24 words are in this corpus, with its "
                         f"{len(words) - found} most frequent other words; PCA of their "
                         "center vectors as run.py computes it")
            layout = handout_layout(trace.vectors[[index[w] for w in words]])
        else:
            words = [w for w in trace.words if w != "UNK"][:MAP_WORDS]
            title = f"The {len(words)} most frequent words, PCA (each frame fitted onto the last)"
            layout = pca_2d(trace.vectors[[index[w] for w in words]])
        layout = self._follow(side, words, layout, handout)
        self.word_title.setText(f"{title}; {NAMES[side]}, iteration {trace.iteration:,}.")
        self.scatter.setData(pos=layout)
        self._set_labels(words if handout or len(words) <= 60 else words[:40], layout)
        # the points, with room for the labels on the right (a label's text is not in
        # the range, so the last ones were cut off)
        low, high = layout.min(axis=0), layout.max(axis=0)
        span = np.maximum(high - low, 1e-9)
        self.word_plot.setRange(xRange=(low[0] - 0.05 * span[0], high[0] + 0.2 * span[0]),
                                yRange=(low[1] - 0.05 * span[1], high[1] + 0.1 * span[1]),
                                padding=0)

    def _follow(self, side: str, words: list[str], layout: np.ndarray,
                handout: bool) -> np.ndarray:
        """Keep the picture from flipping: the handout's keeps each axis's sign, the map
        is fitted onto the last frame by rotation (a PCA's axes are open to both)."""
        previous = self._previous
        if previous is not None and previous[0] == side and previous[2] == words and len(
                words) > 2:
            if handout:
                signs = np.sign(np.sum(layout * previous[1], axis=0))
                layout = layout * np.where(signs == 0, 1, signs)
            else:
                layout = align_on(layout, np.arange(len(words)), previous[1])
        self._previous = (side, layout, words)
        return layout

    def _set_labels(self, words: list[str], layout: np.ndarray) -> None:
        for item in self.labels:
            self.word_plot.removeItem(item)
        self.labels = []
        for word, (x, y) in zip(words, layout, strict=False):
            label = pg.TextItem(word, color=(60, 60, 60), anchor=(0, 1))
            label.setPos(x, y)
            self.word_plot.addItem(label)
            self.labels.append(label)
