"""Hyperparameters bound to core.train.config.TrainConfig: the form is built from the one table of
limits (core.train.config.PARAMETERS), with presets and the reason for a refused value beside it."""

from __future__ import annotations

import dataclasses
import re

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.parallel.pool import cores
from core.train.config import PARAMETERS, PRESETS, ConfigError, Parameter, TrainConfig
from w2v_gui.panels.number_fields import ExactRealBox, WholeNumberBox

PRESET_NAMES = {"Quick demo": "quick_demo", "CS224n handout": "cs224n",
                "gensim defaults": "gensim"}
LOSS_NOTES = {
    "neg": "Negative sampling: K noise words per pair, cost O(K) per pair.",
    "softmax": "Naive softmax: a score for every word, cost O(|V|) per pair; slow on "
               "large vocabularies, which is the lesson.",
}
INT32_MAX = 2**31 - 1
# The form's rows, in the order of core.train.config.PARAMETERS; the fields TrainConfig has
# but the form does not show (max_vocab_size, cbow_mean) are left to the command line.
FORM_LABELS = {
    "model": "Model", "loss": "Loss", "dim": "Dimension", "window": "Window",
    "negative": "Noise words (K)", "alpha": "Learning rate",
    "min_alpha": "Final learning rate", "schedule": "Schedule", "halve_every": "Halve every",
    "batching": "Batches", "batch_words": "Words per step", "batch_size": "Windows per step",
    "iterations": "Steps (windows)", "epochs": "Epochs", "min_count": "Min count",
    "sample": "Sub-sampling", "seed": "Seed", "workers": "Workers",
}


def in_form_words(message: str) -> str:
    """A reason from core.train.config in the form's words: each field's code name
    ("min_alpha must be at most alpha") becomes its label ("Final learning rate must be
    at most Learning rate"), as the form shows them."""
    names = sorted(FORM_LABELS, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    return pattern.sub(lambda found: FORM_LABELS[found.group(1)], message)


def field_for(parameter: Parameter) -> QWidget:
    """The widget that edits `parameter` within its limits, with its range as tooltip."""
    if parameter.kind == "choice":
        widget = QComboBox()
        widget.addItems(list(parameter.choices))
        widget.setToolTip(parameter.help)
        return widget
    if parameter.kind == "float":
        widget = ExactRealBox(parameter.low, parameter.high, parameter.step)
    elif parameter.high > INT32_MAX:
        widget = WholeNumberBox(int(parameter.low), int(parameter.high), int(parameter.step))
    else:
        widget = QSpinBox()
        widget.setRange(int(parameter.low), int(parameter.high))
        widget.setSingleStep(int(parameter.step))
    widget.setToolTip(f"{parameter.name}: {parameter.help}. From {parameter.range_text()}; "
                      "the field refuses anything outside.")
    widget.setMinimumWidth(70)  # not the width of the largest allowed value
    return widget


def with_every_core(config: TrainConfig) -> TrainConfig:
    """`config` on every core of this machine; the handout's batching keeps one worker."""
    return config.replace(workers=cores()) if config.batching == "corpus" else config


class HyperparameterPanel(QWidget):
    """Edits a TrainConfig. Each field's limits come from core.train.config.PARAMETERS; rules
    between fields are checked by TrainConfig, and its reason is shown under the field it
    names. Every value TrainConfig accepts survives set_config -> config() unchanged."""

    config_changed = pyqtSignal(object)  # a valid TrainConfig, or None while invalid

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.preset = QComboBox()
        self.preset.addItems([*PRESET_NAMES, "Custom"])
        self.preset.currentTextChanged.connect(self._preset_chosen)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}  # each field's reason, in a row under it
        self._notes: dict[str, str] = {}  # a number typed outside a field's range
        self.form = form = QFormLayout()
        form.addRow("Preset", self.preset)
        for name, label in FORM_LABELS.items():
            widget = self.fields[name] = field_for(PARAMETERS[name])
            if isinstance(widget, ExactRealBox):
                widget.range_note.connect(
                    lambda note, name=name: self._range_note(name, note))
            form.addRow(label, widget)
            error = QLabel(wordWrap=True)
            error.setStyleSheet("color: #b00020")
            form.addRow("", error)
            form.setRowVisible(error, False)
            self.errors[name] = error
            signal = (widget.currentTextChanged if isinstance(widget, QComboBox)
                      else widget.valueChanged)
            signal.connect(self._edited)
        self.fields["batching"].currentTextChanged.connect(self._batching_chosen)
        self.loss_note = QLabel(wordWrap=True)
        self.reason = QLabel(wordWrap=True)  # a reason that names no field of the form
        self.reason.setStyleSheet("color: #b00020")
        applies = QLabel("Changes apply to the next run: Train starts one. The map's "
                         "settings above the map apply at once.", wordWrap=True)
        applies.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.loss_note)
        layout.addWidget(self.reason)
        layout.addWidget(applies)
        layout.addStretch(1)
        self._loading = False
        self._reason: str | None = None  # the reason shown now, and the field it names
        self._reason_field: str | None = None
        self._base = PRESETS["gensim"]  # supplies the knobs the form does not show
        self.set_config(with_every_core(PRESETS["quick_demo"]))

    def set_config(self, config: TrainConfig) -> None:
        self._base = config
        self._loading = True
        for widget in self.fields.values():
            if isinstance(widget, ExactRealBox):
                widget.clear_note()
        for name, widget in self.fields.items():
            value = getattr(config, name)
            if isinstance(widget, QComboBox):
                widget.setCurrentText(value)
            else:
                widget.setValue(value)
        self._loading = False
        self._edited()

    def config(self) -> TrainConfig | None:
        """The TrainConfig the widgets describe, or None (with the reason shown)."""
        values = {name: widget.currentText() if isinstance(widget, QComboBox)
                  else widget.value() for name, widget in self.fields.items()}
        try:
            config = dataclasses.replace(self._base, **values)
        except ConfigError as error:
            self._show_reason(in_form_words(str(error)), error.field)
            return None
        self._show_reason(None, None)
        return config

    def reason_text(self) -> str:
        """The reason the form is refused now ("" when it is valid)."""
        return self._reason or ""

    def _range_note(self, name: str, note: str) -> None:
        """A number typed outside the field's range is held at its end: say so there."""
        self._notes[name] = f"{FORM_LABELS[name]}: {note}" if note else ""
        self._show_reason(self._reason, self._reason_field)

    def _show_reason(self, message: str | None, field: str | None) -> None:
        """Put the reason under the field it names, mark that field, clear the others;
        a field whose typed number was held at its range's end says so."""
        self._reason, self._reason_field = message, field
        for name, label in self.errors.items():
            mine = message is not None and name == field
            text = message if mine else self._notes.get(name, "")
            label.setText(text)
            self.form.setRowVisible(label, bool(text))
            self.fields[name].setStyleSheet("border: 1px solid #b00020;" if mine else "")
        self.reason.setText(message if message and field not in self.errors else "")

    def _edited(self, *_value) -> None:
        if self._loading:
            return
        self.loss_note.setText(LOSS_NOTES[self.fields["loss"].currentText()])
        config = self.config()
        # a preset is its settings on however many cores (core.parallel)
        matching = [label for label, key in PRESET_NAMES.items() if config is not None
                    and with_every_core(PRESETS[key]).replace(workers=1)
                    == config.replace(workers=1)]
        self.preset.blockSignals(True)
        self.preset.setCurrentText(matching[0] if matching else "Custom")
        self.preset.blockSignals(False)
        self.config_changed.emit(config)

    def _batching_chosen(self, batching: str) -> None:
        """The handout's batching is sequential SGD: it takes one worker, and the field
        says why; back on corpus batching, every core again."""
        workers = self.fields["workers"]
        sequential = batching == "windows"
        workers.setEnabled(not sequential)
        workers.setToolTip(
            "The handout's batching is sequential SGD, one step after another: it trains "
            "with one worker." if sequential else f"workers: {PARAMETERS['workers'].help}.")
        if self._loading:
            return  # set_config brings its own, consistent, value
        self._loading = True
        workers.setValue(1 if sequential else cores())
        self._loading = False

    def _preset_chosen(self, label: str) -> None:
        if label in PRESET_NAMES:
            self.set_config(with_every_core(PRESETS[PRESET_NAMES[label]]))
