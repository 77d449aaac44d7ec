"""The user's settings between launches: window layout, last hyperparameters, the map's
settings, the loss axis and the folder file dialogs open in, in an .ini file under the
platform's config folder."""

from __future__ import annotations

from PyQt6.QtCore import QSettings
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QMainWindow

from core.train.config import ConfigError, TrainConfig
from w2v_gui.controllers.map import MapController
from w2v_gui.file_commands import FileCommands
from w2v_gui.layout import Views
from w2v_gui.panels.map_controls import DEFAULT_MAP_WORDS
from w2v_gui.safety import APP_NAME


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)


def restore_settings(settings: QSettings | None, window: QMainWindow, views: Views,
                     map_controller: MapController, log_y: QAction,
                     files: FileCommands) -> None:
    """Apply the saved settings (None: keep the defaults, as screenshots do) to the
    window's layout, the form, the map, the loss axis (`log_y`) and the file dialogs."""
    if settings is None:
        return
    files.folder = settings.value("files/folder", files.folder, type=str)
    geometry = settings.value("window/geometry")
    state = settings.value("window/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)
    saved = settings.value("training/config")
    if isinstance(saved, str):
        try:
            views.hyperparameters.set_config(TrainConfig.from_json(saved))
        except (ValueError, TypeError, ConfigError):
            pass  # settings from another version: keep the defaults
    controls = views.map_controls
    controls.word_count.setValue(settings.value("map/words", DEFAULT_MAP_WORDS, type=int))
    map_controller.set_method(settings.value("map/method", "pca", type=str))
    controls.trails.setChecked(settings.value("map/trails", True, type=bool))
    log_y.setChecked(settings.value("loss/log_y", False, type=bool))


def save_settings(settings: QSettings | None, window: QMainWindow, views: Views,
                  log_y: QAction, files: FileCommands) -> None:
    if settings is None:
        return
    settings.setValue("files/folder", files.folder)
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    config = views.hyperparameters.config()
    if config is not None:
        settings.setValue("training/config", config.to_json())
    settings.setValue("map/words", views.map_controls.word_count.value())
    settings.setValue("map/method", views.map_controls.method_key)
    settings.setValue("map/trails", views.map_controls.trails.isChecked())
    settings.setValue("loss/log_y", log_y.isChecked())
    settings.sync()
