"""The Math panel: one example of the step just taken, with the handout's equations and
this example's numbers (core.train.step_math), a bar chart of ŷ or of the loss's terms, and a
check of the model's gradients at its current parameters. Rich text and pyqtgraph only."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.train.gradcheck import ModelGradientCheck
from core.train.step_math import PairMath, StepRecord, pair_math

SHOWN_COMPONENTS = 10  # a vector longer than this shows its first components, then …
TARGET_COLOUR = (0, 150, 90)  # the true word: ŷ_o, the u_o term
OTHER_COLOUR = (90, 110, 200)
REPEATED_COLOUR = (200, 90, 0)  # a noise word drawn more than once


class MathPanel(QWidget):
    step = pyqtSignal()
    check_gradients = pyqtSignal()
    example_shown = pyqtSignal(object)  # PairMath on show (None: none), for the map's arrows

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.record: StepRecord | None = None
        self.math: PairMath | None = None
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Take exactly one SGD step and show it here (F10). "
                                    "The run must be paused or not started.")
        self.step_button.clicked.connect(self.step)
        self.example = QSpinBox(minimum=1, maximum=1)
        self.example.setPrefix("example ")
        self.example.setToolTip("Which example of the step to show")
        self.example.valueChanged.connect(lambda _value: self._show_example())
        self.count = QLabel("of 0")
        self.word = QLineEdit()
        self.word.setPlaceholderText("center word")
        self.word.setToolTip("Show the first example of the step with this center word "
                             "(or click a word on the map)")
        self.word.returnPressed.connect(lambda: self.choose_word(self.word.text()))
        top = QHBoxLayout()
        for widget in (self.step_button, self.example, self.count, self.word):
            top.addWidget(widget)
        self.notice = QLabel("")  # why a word asked for is not shown
        self.notice.setStyleSheet("color: #b01030")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setHtml("<p>Pause a run, or before training, press <b>Step</b> (F10): "
                          "one SGD step is taken and one of its examples is shown here with "
                          "the handout's equations and its numbers.</p>")
        self.chart = pg.PlotWidget(background="w")
        self.chart.setMaximumHeight(220)
        for side in ("left", "bottom"):
            self.chart.getPlotItem().getAxis(side).enableAutoSIPrefix(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.getPlotItem().setMenuEnabled(False)
        self.check_button = QPushButton("Check gradients")
        self.check_button.setToolTip("Central differences of the trainer's own batched loss "
                                     "and gradient at the current parameters, on 8 windows, "
                                     "in float64 (target: a worst relative error ≤ 1e-7)")
        self.check_button.clicked.connect(self.check_gradients)
        self.arrows_label = QLabel("")
        self.arrows_label.setStyleSheet("color: #666")
        self.arrows_label.setWordWrap(True)
        self.check_result = QLabel("")
        self.check_result.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.check_button)
        bottom.addWidget(self.check_result, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.text, 3)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.arrows_label)
        layout.addLayout(bottom)

    # ------------------------------------------------------------------ showing
    def show_record(self, record: StepRecord) -> None:
        """A new step: show the example with the same center word as before if it has
        one, else its first."""
        previous = self.math.example if self.math is not None else None
        self.record = record
        self.example.blockSignals(True)
        self.example.setMaximum(max(1, len(record.examples)))
        self.example.blockSignals(False)
        self.count.setText(f"of {len(record.examples):,}")
        if not record.examples:
            self.math = None
            self.text.setHtml(f"<p>Step {record.steps:,} had no example: none of its "
                              "center words had a neighbour in its sentence. Step again.</p>")
            self.chart.getPlotItem().clear()
            self.example_shown.emit(None)
            return
        index = None
        if previous is not None:
            centre = previous.inputs[0] if record.model == "skipgram" else previous.target
            index = record.find(centre)
        self.show_example(index or 0)

    def clear(self) -> None:
        """Forget the step shown (the run it belonged to is gone)."""
        self.record = self.math = None
        self.example.blockSignals(True)
        self.example.setMaximum(1)  # nothing of the old step stays on show
        self.example.setValue(1)
        self.example.blockSignals(False)
        self.word.clear()
        self.notice.setText("")
        self.count.setText("of 0")
        self.text.setHtml("<p>Press <b>Step</b> (F10) with the run paused or not started: "
                          "one SGD step is taken and one of its examples shown here.</p>")
        self.chart.getPlotItem().clear()
        self.arrows_label.setText("")
        self.example_shown.emit(None)

    def show_example(self, index: int) -> None:
        self.example.blockSignals(True)
        self.example.setValue(index + 1)
        self.example.blockSignals(False)
        self._show_example()

    def choose_word(self, word: str) -> bool:
        """Show the step's first example with this center word; False when it has none."""
        if self.record is None:
            return False
        words = self.record.words
        index = self.record.find(words.index(word)) if word in words else None
        if index is None:
            self.notice.setText(f"'{word}' is not in the vocabulary." if word not in words
                                else f"This step has no example with '{word}': Step again, "
                                     "or pick another word.")
            self.notice.show()
            return False
        self.notice.hide()
        self.show_example(index)
        return True

    def _show_example(self) -> None:
        if self.record is None or not self.record.examples:
            return
        self.math = pair_math(self.record, self.example.value() - 1)
        self.text.setHtml(math_html(self.record, self.math))
        self._draw_chart(self.math)
        self.example_shown.emit(self.math)

    def arrow_note(self, scale: float | None) -> None:
        """Say how much the map's arrows are magnified (None: no arrows on this map)."""
        self.arrows_label.setText(
            "Arrows on the map show this example's update on a PCA map or the handout's "
            "picture." if scale is None
            else f"On the map: where this example's update moves v, u_o and the u_k, "
                 f"magnified {scale:,.3g}× (the map is PCA of the center vectors; the u "
                 "are placed by the same projection).")

    def show_check(self, check: ModelGradientCheck | None, problem: str = "") -> None:
        self.check_button.setEnabled(True)
        if check is None:
            self.check_result.setText(problem or "The check did not run.")
            return
        colour = "#00783c" if check.passed else "#b01030"
        self.check_result.setText(
            f"<span style='color:{colour}'><b>{check.worst_relative_error:.2e}</b></span> "
            f"worst relative error ({'≤' if check.passed else '>'} {check.tolerance:g}) at "
            f"{html.escape(check.where)}; {check.entries_checked:,} parameters, "
            f"{check.windows} windows")

    def checking(self) -> None:
        self.check_button.setEnabled(False)
        self.check_result.setText("Checking by central differences…")

    def _draw_chart(self, math: PairMath) -> None:
        plot = self.chart.getPlotItem()
        plot.clear()
        words = self.record.words
        if math.top_words:
            shown = list(math.top_words)
            if all(word != math.example.target for word, _, _ in shown):
                shown.append((math.example.target, float("nan"), math.target_probability))
            names = [words[w] for w, _, _ in shown]
            heights = [p for _, _, p in shown]
            colours = [TARGET_COLOUR if w == math.example.target else OTHER_COLOUR
                       for w, _, _ in shown]
            axis_name = "ŷ of the most probable words (green: o)"
        else:
            names = [f"u_o {words[math.example.target]}"] + [
                words[t.word] + (f" ×{t.draws}" if t.draws > 1 else "") for t in math.noise]
            heights = [math.target_loss] + [t.loss for t in math.noise]
            colours = [TARGET_COLOUR] + [REPEATED_COLOUR if t.draws > 1 else OTHER_COLOUR
                                         for t in math.noise]
            axis_name = "each term of J (green: o; orange: drawn twice)"
        # horizontal bars, the first at the top, each named on the left axis
        rows = np.arange(len(heights))[::-1]
        bars = pg.BarGraphItem(x0=0, y=rows, width=heights, height=0.7,
                               brushes=[pg.mkBrush(*c) for c in colours], pen=None)
        plot.addItem(bars)
        plot.getAxis("left").setTicks([list(zip(rows.tolist(), names, strict=True))])
        plot.getAxis("left").setLabel("")
        plot.setLabel("bottom", axis_name)
        plot.setXRange(0, max(max(heights), 1e-12) * 1.05, padding=0)
        plot.setYRange(-0.6, len(heights) - 0.4, padding=0)


def vector_text(vector: np.ndarray) -> str:
    values = ", ".join(f"{v:.3g}" for v in vector[:SHOWN_COMPONENTS])
    more = ", …" if vector.size > SHOWN_COMPONENTS else ""
    return f"[{values}{more}]"


def math_html(record: StepRecord, math: PairMath) -> str:
    """The example's equations with its numbers, as rich text."""
    words = record.words
    example = math.example
    e = html.escape
    inputs = [e(words[w]) for w in example.inputs]
    target = e(words[example.target])
    rate = math.rate
    if record.model == "skipgram":
        head = (f"center <b>{inputs[0]}</b> (v<sub>c</sub>), outside <b>{target}</b> "
                "(u<sub>o</sub>)")
        v = "v<sub>c</sub>"
    else:
        how = "mean" if record.cbow_mean else "sum"
        head = (f"context {', '.join(inputs)} → center <b>{target}</b> (u<sub>o</sub>); "
                f"v̂ = the {how} of the context vectors")
        v = "v̂"
    parts = [f"<p><b>Example {record.examples.index(example) + 1:,} of "
             f"{len(record.examples):,}</b> of step {record.steps:,}: {head}.</p>",
             f"<p style='color:#666'>{e(math.differs)}</p>"]
    norms = math.norms()
    if math.top_words:
        parts += [
            f"<p>Scores s<sub>w</sub> = u<sub>w</sub>·{v} for all {len(words):,} words; "
            f"ŷ = softmax(s).<br>ŷ<sub>o</sub> = <b>{math.target_probability:.4g}</b> "
            f"(rank {math.target_rank:,} of {len(words):,}).</p>",
            f"<p>J = −log ŷ<sub>o</sub> = log Σ<sub>w</sub> exp(s<sub>w</sub>) − "
            f"s<sub>o</sub> = <b>{math.loss:.6g}</b></p>",
            f"<p>dJ/d{v} = Uᵀ(ŷ − y): ‖·‖ = {norms['dJ/dv_c']:.4g}<br>"
            f"&nbsp;&nbsp;{vector_text(math.grad_input)}<br>"
            f"dJ/dU = (ŷ − y) {v}ᵀ: ‖·‖ = {math.grad_outside_norm:.4g}; its row o, "
            f"(ŷ<sub>o</sub> − 1) {v}: ‖·‖ = {norms['dJ/du_o']:.4g}</p>",
        ]
    else:
        def row(name: str, score: float, sigma: float, loss: float, gradient: float) -> str:
            cells = (f"{score:.3g}", f"{sigma:.3g}", f"{loss:.3g}", f"{loss / math.loss:.0%}",
                     f"{gradient:.3g}")
            return (f"<tr><td>{name}</td>"
                    + "".join(f"<td align=right>{cell}</td>" for cell in cells) + "</tr>")

        rows = [row(f"<b>{target}</b> (o)", math.target_score, math.target_sigma,
                    math.target_loss, norms["dJ/du_o"])]
        for term in math.noise:
            mark = (f" <span style='color:#c85a00'><b>×{term.draws}</b></span>"
                    if term.draws > 1 else "")
            rows.append(row(e(words[term.word]) + mark, term.score, term.probability,
                            term.loss, norms[f"dJ/du_k ({term.word})"]))
        parts += [
            f"<p>K = {record.negative} noise words drawn from unigram<sup>0.75</sup> (a word "
            f"drawn twice is marked ×2 and counts twice). For the outside word o, s = "
            f"u<sub>o</sub>·{v} and σ(s); for each noise word k, s = u<sub>k</sub>·{v} and "
            "σ(−s), the model's belief that k is noise; −log σ is the term's part of J:</p>",
            "<table cellspacing=3><tr><th align=left>word</th><th>s</th><th>σ</th>"
            "<th>−log σ</th><th>share</th><th>‖dJ/du‖</th></tr>"
            + "".join(rows) + "</table>",
            f"<p>J = −log σ(u<sub>o</sub>·{v}) − Σ<sub>k</sub> log σ(−u<sub>k</sub>·{v}) = "
            f"<b>{math.loss:.6g}</b></p>",
            f"<p>dJ/d{v} = (σ(u<sub>o</sub>·{v}) − 1) u<sub>o</sub> + Σ<sub>k</sub> "
            f"σ(u<sub>k</sub>·{v}) u<sub>k</sub>: ‖·‖ = {norms['dJ/dv_c']:.4g}<br>"
            f"&nbsp;&nbsp;{vector_text(math.grad_input)}<br>"
            f"dJ/du<sub>o</sub> = (σ(u<sub>o</sub>·{v}) − 1) {v}; "
            f"dJ/du<sub>k</sub> = σ(u<sub>k</sub>·{v}) {v}, once per draw</p>",
        ]
    parts.append(
        f"<p>The update, x ← x − α·dJ/dx with α = {rate:.4g}: "
        f"‖α dJ/d{v}‖ = {rate * norms['dJ/dv_c']:.3g}, "
        f"‖α dJ/du<sub>o</sub>‖ = {rate * norms['dJ/du_o']:.3g}. "
        f"{v} = {vector_text(math.input_vector)}</p>")
    return "".join(parts)
