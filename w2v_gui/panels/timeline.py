"""The timeline under the map: scrub back to any moment of the run's film, play it again
at a chosen speed, or go back to live."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

SPEEDS = {"1×": 1, "2×": 2, "4×": 4, "8×": 8}
FRAMES_PER_SECOND = 10  # played at 1×


class Timeline(QWidget):
    moment = pyqtSignal(int)  # a frame of the film chosen (index)
    live = pyqtSignal()  # back to the run as it trains

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play the run's film from the moment shown")
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=0)
        self.slider.setToolTip("Drag to show the map at any moment of the run")
        self.slider.valueChanged.connect(self._moved)
        self.speed = QComboBox()
        self.speed.addItems(list(SPEEDS))
        self.speed.setToolTip("How fast the film plays")
        self.where = QLabel("")
        self.where.setMinimumWidth(190)
        self.live_button = QPushButton("Live")
        self.live_button.setToolTip("Show the run as it trains again")
        self.live_button.clicked.connect(self.go_live)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        for widget in (self.play_button, self.slider, self.where, self.speed,
                       self.live_button):
            row.addWidget(widget)
        row.setStretch(1, 1)
        self.player = QTimer(self)
        self.player.timeout.connect(self._advance)
        self.following = True  # showing the live run (not a moment of the film)
        self.set_length(0)

    def set_length(self, frames: int, halved: int = 0) -> None:
        """The film has this many frames now (`halved` times thinned to stay within its
        bound); while live, the slider stays at the end."""
        self.slider.blockSignals(True)
        self.slider.setMaximum(max(0, frames - 1))
        if self.following:
            self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self.setEnabled(frames > 1)
        if self.following:
            self.where.setText((f"live · film of {frames:,} frames" + (
                f", thinned {halved}×" if halved else "")) if frames else "")
            self.where.setToolTip("The film keeps at most 600 frames and 120 snapshots "
                                  "(64 MB): past that, every second one is dropped, so "
                                  "it covers the whole run evenly.")

    def hold_at(self, index: int) -> None:
        """Put the slider on `index` without choosing a moment (the film was thinned
        under it: the same moment has another place)."""
        self.slider.blockSignals(True)
        self.slider.setValue(index)
        self.slider.blockSignals(False)

    def show_moment(self, text: str) -> None:
        self.where.setText(text)

    def _moved(self, index: int) -> None:
        self.following = False
        self.live_button.setEnabled(True)
        self.moment.emit(index)

    def toggle_play(self) -> None:
        if self.player.isActive():
            self.player.stop()
            self.play_button.setText("Play")
            return
        if self.slider.value() >= self.slider.maximum():
            self.slider.setValue(0)  # from the start
        self.player.start(int(1000 / (FRAMES_PER_SECOND * SPEEDS[self.speed.currentText()])))
        self.play_button.setText("Pause")

    def _advance(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.toggle_play()  # the end: stop there
            return
        self.slider.setValue(self.slider.value() + 1)

    def go_live(self) -> None:
        if self.player.isActive():
            self.toggle_play()
        self.following = True
        self.live_button.setEnabled(False)
        self.slider.blockSignals(True)
        self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        frames = self.slider.maximum() + 1 if self.isEnabled() else 0
        self.where.setText(f"live · film of {frames:,} frames" if frames else "")
        self.live.emit()
