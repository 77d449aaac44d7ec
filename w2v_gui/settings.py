"""The user's settings between launches: window layout, last hyperparameters, the map's
settings and the loss axis, in an .ini file under the platform's config folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QSettings

from core.train.config import ConfigError, TrainConfig
from w2v_gui.panels.map_controls import DEFAULT_MAP_WORDS
from w2v_gui.safety import APP_NAME

if TYPE_CHECKING:
    from w2v_gui.main_window import MainWindow


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)


def restore_settings(window: MainWindow, settings: QSettings | None) -> None:
    """Apply the saved settings (None: keep the defaults, as screenshots do)."""
    if settings is None:
        return
    geometry = settings.value("window/geometry")
    state = settings.value("window/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)
    saved = settings.value("training/config")
    if isinstance(saved, str):
        try:
            window.hyperparameters.set_config(TrainConfig.from_json(saved))
        except (ValueError, TypeError, ConfigError):
            pass  # settings from another version: keep the defaults
    controls = window.map_controls
    controls.word_count.setValue(settings.value("map/words", DEFAULT_MAP_WORDS, type=int))
    window.map.set_method(settings.value("map/method", "pca", type=str))
    controls.trails.setChecked(settings.value("map/trails", True, type=bool))
    window.actions["log_y"].setChecked(settings.value("loss/log_y", False, type=bool))


def save_settings(window: MainWindow, settings: QSettings | None) -> None:
    if settings is None:
        return
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    config = window.hyperparameters.config()
    if config is not None:
        settings.setValue("training/config", config.to_json())
    settings.setValue("map/words", window.map_controls.word_count.value())
    settings.setValue("map/method", window.map_controls.method_key)
    settings.setValue("map/trails", window.map_controls.trails.isChecked())
    settings.setValue("loss/log_y", window.actions["log_y"].isChecked())
    settings.sync()
