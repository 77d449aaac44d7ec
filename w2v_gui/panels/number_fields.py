"""Number fields that hold every value TrainConfig accepts, exactly.

QDoubleSpinBox rounds to its decimals and QSpinBox stops at 2^31 − 1, so a learning rate
halved three times (0.003125) or a seed of 2^63 − 1 would come back changed from the form.
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtGui import QValidator
from PyQt6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox

# Qt rounds a QDoubleSpinBox's value to this many decimals (its maximum); at that
# precision the rounding returns every double unchanged.
ALL_DECIMALS = 323


class ExactRealBox(QDoubleSpinBox):
    """A QDoubleSpinBox whose value is any double in range, shown in its shortest form.
    A number typed outside the range is held at the nearest end, and `range_note` says
    so ("" once the number typed is inside again)."""

    range_note = pyqtSignal(str)
    _note = ""  # what range_note said last (validate runs already while Qt sets it up)

    def __init__(self, low: float, high: float, step: float) -> None:
        super().__init__()
        self.setDecimals(ALL_DECIMALS)
        self.setRange(low, high)
        self.setSingleStep(step)
        # what the user types, not the text the box shows once it held the value in range
        self.lineEdit().textEdited.connect(self._typed)

    def _typed(self, text: str) -> None:
        try:
            value = float(text)
        except ValueError:
            return  # on the way to a number
        self._say(self._range_note(value))

    def textFromValue(self, value: float) -> str:
        short = f"{value:.12g}"
        return short if float(short) == value else repr(value)

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, position: int):
        try:
            value = float(text)
        except ValueError:  # "", "1e", "-", "0." on the way to a number
            allowed = set("0123456789.eE+-")
            state = (QValidator.State.Intermediate if set(text) <= allowed
                     else QValidator.State.Invalid)
            return state, text, position
        inside = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if inside else QValidator.State.Intermediate,
                text, position)

    def _range_note(self, value: float) -> str:
        if value > self.maximum():
            return (f"{value:g} is above the most this field takes, {self.maximum():g}; "
                    f"it holds {self.maximum():g}.")
        if value < self.minimum():
            return (f"{value:g} is below the least this field takes, {self.minimum():g}; "
                    f"it holds {self.minimum():g}.")
        return ""

    def clear_note(self) -> None:
        """A value set by the program, not typed: nothing to say."""
        self._say("")

    def _say(self, note: str) -> None:
        if note != self._note:
            self._note = note
            self.range_note.emit(note)


class WholeNumberBox(QAbstractSpinBox):
    """A spin box for whole numbers of any size (QSpinBox's are 32-bit)."""

    valueChanged = pyqtSignal(object)  # the int; a C++ int signal would overflow

    def __init__(self, low: int, high: int, step: int = 1) -> None:
        super().__init__()
        self._low, self._high, self._step = low, high, step
        self._value = low
        self.lineEdit().textEdited.connect(self._typed)
        self._show()

    def minimum(self) -> int:
        return self._low

    def maximum(self) -> int:
        return self._high

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:
        """Clamped to the range, as QSpinBox does."""
        value = min(self._high, max(self._low, int(value)))
        changed = value != self._value
        self._value = value
        self._show()
        if changed:
            self.valueChanged.emit(value)

    def _show(self) -> None:
        self.lineEdit().setText(str(self._value))

    def _typed(self, text: str) -> None:
        try:
            value = int(text)
        except ValueError:
            return
        if self._low <= value <= self._high and value != self._value:
            self._value = value  # not re-shown: the cursor stays where the user types
            self.valueChanged.emit(value)

    def validate(self, text: str, position: int):
        if text in ("", "-"):
            return QValidator.State.Intermediate, text, position
        try:
            value = int(text)
        except ValueError:
            return QValidator.State.Invalid, text, position
        inside = self._low <= value <= self._high
        return (QValidator.State.Acceptable if inside else QValidator.State.Intermediate,
                text, position)

    def fixup(self, _text: str) -> str:
        return str(self._value)

    def stepBy(self, steps: int) -> None:
        self.setValue(self._value + steps * self._step)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self._value > self._low:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self._value < self._high:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags
