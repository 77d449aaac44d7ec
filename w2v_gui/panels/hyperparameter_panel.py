"""Hyperparameters bound to core.config.TrainConfig, with presets and inline reasons."""

from __future__ import annotations

import dataclasses

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.config import PRESETS, ConfigError, TrainConfig

PRESET_NAMES = {"Quick demo": "quick_demo", "CS224n handout": "cs224n",
                "gensim defaults": "gensim"}
LOSS_NOTES = {
    "neg": "Negative sampling: K noise words per pair, cost O(K) per pair.",
    "softmax": "Naive softmax: a score for every word, cost O(|V|) per pair; slow on "
               "large vocabularies, which is the lesson.",
}


def _spin(low: int, high: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    return box


def _real(low: float, high: float, decimals: int, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    return box


class HyperparameterPanel(QWidget):
    """Edits a TrainConfig. Ranges are enforced by the widgets; rules between fields are
    checked by TrainConfig itself and its reason is shown under the form."""

    config_changed = pyqtSignal(object)  # a valid TrainConfig, or None while invalid

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.preset = QComboBox()
        self.preset.addItems([*PRESET_NAMES, "Custom"])
        self.preset.currentTextChanged.connect(self._preset_chosen)
        self.fields = {
            "model": QComboBox(), "loss": QComboBox(), "schedule": QComboBox(),
            "batching": QComboBox(),
            "dim": _spin(1, 1000), "window": _spin(1, 20), "negative": _spin(1, 50),
            "epochs": _spin(1, 1000), "min_count": _spin(1, 100_000),
            "batch_words": _spin(16, 1_000_000), "batch_size": _spin(1, 10_000),
            "iterations": _spin(1, 10_000_000), "halve_every": _spin(1, 10_000_000),
            "seed": _spin(0, 2**31 - 1),
            "alpha": _real(0.00001, 10.0, 5, 0.005), "min_alpha": _real(0.0, 10.0, 5, 0.0001),
            "sample": _real(0.0, 1.0, 5, 0.0001),
        }
        self.fields["model"].addItems(["skipgram", "cbow"])
        self.fields["loss"].addItems(["neg", "softmax"])
        self.fields["schedule"].addItems(["linear", "halving"])
        self.fields["batching"].addItems(["corpus", "windows"])
        labels = {
            "model": "Model", "loss": "Loss", "dim": "Dimension", "window": "Window",
            "negative": "Noise words (K)", "alpha": "Learning rate", "min_alpha":
            "Final learning rate", "schedule": "Schedule", "halve_every": "Halve every",
            "batching": "Batches", "batch_words": "Words per step", "batch_size":
            "Windows per step", "iterations": "Steps (windows)", "epochs": "Epochs",
            "min_count": "Min count", "sample": "Sub-sampling", "seed": "Seed",
        }
        self.form = form = QFormLayout()
        form.addRow("Preset", self.preset)
        # each field has a row under it for its reason when a rule refuses its value
        self.errors: dict[str, QLabel] = {}
        for name, label in labels.items():
            widget = self.fields[name]
            form.addRow(label, widget)
            if not isinstance(widget, QComboBox):
                widget.setToolTip(f"{name}: from {widget.minimum():g} to {widget.maximum():g}"
                                  "; the field refuses anything outside")
            error = QLabel(wordWrap=True)
            error.setStyleSheet("color: #b00020")
            form.addRow("", error)
            form.setRowVisible(error, False)
            self.errors[name] = error
        self.loss_note = QLabel(wordWrap=True)
        self.reason = QLabel(wordWrap=True)  # a reason that names no single field
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
        self._base = PRESETS["gensim"]  # supplies the knobs the form does not show
        for widget in self.fields.values():
            widget.setMinimumWidth(70)  # not the width of the largest allowed value
            signal = (widget.currentTextChanged if isinstance(widget, QComboBox)
                      else widget.valueChanged)
            signal.connect(self._edited)
        self.set_config(PRESETS["quick_demo"])

    def set_config(self, config: TrainConfig) -> None:
        self._base = config
        self._loading = True
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
        values = {}
        for name, widget in self.fields.items():
            values[name] = (widget.currentText() if isinstance(widget, QComboBox)
                            else widget.value())
        try:
            config = dataclasses.replace(self._base, **values)
        except ConfigError as error:
            self._show_reason(str(error))
            return None
        self._show_reason(None)
        return config

    def reason_text(self) -> str:
        """The reason the form is refused now ("" when it is valid)."""
        shown = [label.text() for label in (*self.errors.values(), self.reason)
                 if label.text()]
        return shown[0] if shown else ""

    def _show_reason(self, message: str | None) -> None:
        """Put the reason under the field it names (TrainConfig's messages start with the
        parameter's name), mark that field, and clear every other reason."""
        field = message.split(" ", 1)[0] if message else None
        for name, label in self.errors.items():
            mine = name == field
            label.setText(message if mine else "")
            self.form.setRowVisible(label, mine)
            self.fields[name].setStyleSheet("border: 1px solid #b00020;" if mine else "")
        self.reason.setText(message if message and field not in self.errors else "")

    def _edited(self, *_value) -> None:
        if self._loading:
            return
        self.loss_note.setText(LOSS_NOTES[self.fields["loss"].currentText()])
        config = self.config()
        matching = [label for label, key in PRESET_NAMES.items() if PRESETS[key] == config]
        self.preset.blockSignals(True)
        self.preset.setCurrentText(matching[0] if matching else "Custom")
        self.preset.blockSignals(False)
        self.config_changed.emit(config)

    def _preset_chosen(self, label: str) -> None:
        if label in PRESET_NAMES:
            self.set_config(PRESETS[PRESET_NAMES[label]])
