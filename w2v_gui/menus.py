"""The menu bar and its shortcuts; each entry calls one command of a controller."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QMainWindow

from w2v_gui.controllers.evaluation import EvaluationController
from w2v_gui.controllers.map import MapController
from w2v_gui.controllers.step_mode import StepModeController
from w2v_gui.controllers.training import TrainingController
from w2v_gui.controllers.workspace import Workspace
from w2v_gui.file_commands import FileCommands
from w2v_gui.layout import Views
from w2v_gui.state import Controls


def build_menus(window: QMainWindow, views: Views, *, files: FileCommands,
                workspace: Workspace, training: TrainingController,
                step_mode: StepModeController, map_controller: MapController,
                evaluation: EvaluationController, start_training: Callable[[], None],
                start_race: Callable[[str], None], show_race: Callable[[], None],
                check_student: Callable[[], None], compare: Callable[[], None],
                film=None) -> dict[str, QAction]:
    """Add the menus to `window`; returns the actions other code needs, by name.
    start_race(kind): race "losses" or "models"."""
    keys = QKeySequence.StandardKey
    actions: dict[str, QAction] = {}

    def add(menu, text: str, handler, shortcut=None, name: str | None = None,
            checkable: bool = False) -> QAction:
        action = QAction(text, window, checkable=checkable)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        (action.toggled if checkable else action.triggered).connect(handler)
        menu.addAction(action)
        if name:
            actions[name] = action
        return action

    file_menu = window.menuBar().addMenu("&File")
    add(file_menu, "&Open a corpus file…", files.open_corpus_dialog, keys.Open)
    add(file_menu, "Open a corpus &folder…", files.open_folder_dialog)
    add(file_menu, "Use the built-in &toy world", files.use_toy_world)
    file_menu.addSeparator()
    add(file_menu, "Open &vectors to explore…", files.open_vectors_dialog, "Ctrl+Shift+V")
    add(file_menu, "Open the &first words of a vectors file…",
        lambda: files.open_vectors_dialog(ask_limit=True))
    file_menu.addSeparator()
    add(file_menu, "Open a &session or model…", files.open_session_dialog, "Ctrl+Shift+O")
    add(file_menu, "&Save the session", lambda: files.save_session(wait=False), keys.Save)
    add(file_menu, "Save the session &as…", lambda: files.save_session_as(wait=False),
        keys.SaveAs)
    file_menu.addSeparator()
    add(file_menu, "Export &vectors…", files.export_vectors_dialog, "Ctrl+E")
    add(file_menu, "Export the map's &coordinates (CSV or TSV)…",
        files.export_coordinates_dialog)
    add(file_menu, "Export the &loss and quality history (CSV)…", files.export_loss_dialog)
    add(file_menu, "Export the &map (PNG or SVG)…", files.export_map_dialog)
    add(file_menu, "Export the run's &film as a GIF…", lambda: film.export_gif_dialog(
        files.ask_save_path, tuple(map_controller.pinned)))
    add(file_menu, "Export the film's coordinates (CS&V)…", lambda: files.export(
        "Export the film's coordinates", "CSV (*.csv)", film.export_csv))
    file_menu.addSeparator()
    add(file_menu, "Check &my word2vec.py…", check_student, "Ctrl+Shift+K")
    add(file_menu, "Compare two &embeddings…", compare, "Ctrl+Shift+D")
    file_menu.addSeparator()
    add(file_menu, "&Quit", window.close, keys.Quit)

    train_menu = window.menuBar().addMenu("&Train")
    add(train_menu, "&Train / Continue", start_training, "Ctrl+T", "train")
    # Space: in the window and its panels (floating ones too) unless a text field has
    # the focus; the race window has its own Space for it, "Your code" pauses its runs
    add(train_menu, "&Pause / Resume", training.toggle_pause, "Space", "pause")
    add(train_menu, "S&tep: one SGD step, with its math", step_mode.step_once, "F10", "step")
    add(train_menu, "&Stop", training.stop, "Ctrl+.", "stop")
    add(train_menu, "&Reset", workspace.reset_run, "Ctrl+R", "reset")
    train_menu.addSeparator()
    add(train_menu, "&Check the gradients now", step_mode.check_gradients, name="check")
    train_menu.addSeparator()
    add(train_menu, "Race the &losses: naive softmax against negative sampling",
        lambda: start_race("losses"), name="race_losses")
    add(train_menu, "Race the &models: skip-gram against CBOW",
        lambda: start_race("models"), name="race_models")
    add(train_menu, "Show the &race", show_race)

    view_menu = window.menuBar().addMenu("&View")
    for dock in views.docks.values():
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    add(view_menu, "&Find a word", lambda: (views.raise_dock("Nearest words"),
                                            views.search_panel.focus_query()), keys.Find)
    add(view_menu, "&Fit the map", views.projection_view.follow, "Ctrl+0")
    add(view_menu, "&Isolate the searched word and its neighbours",
        views.search_panel.isolate_shown, "Ctrl+I")
    add(view_menu, "Show the &whole map", map_controller.show_all, "Esc")
    add(view_menu, "Colour by &labels from a file…", files.load_labels_dialog)
    add(view_menu, "&Logarithmic loss axis", views.loss_view.set_log_y, name="log_y",
        checkable=True)
    evaluate_menu = window.menuBar().addMenu("&Evaluate")
    add(evaluate_menu, "Load &analogy questions…", files.load_analogies_dialog)
    add(evaluate_menu, "Load word &pairs…", files.load_pairs_dialog)
    add(evaluate_menu, "Use the &toy world's test sets", evaluation.load_toy_sets)
    add(evaluate_menu, "Use &gensim's Google analogies and WordSim353",
        evaluation.load_gensim_sets)
    evaluate_menu.addSeparator()
    add(evaluate_menu, "&Evaluate now", workspace.evaluate_now, "F5")
    add(evaluate_menu, "Show the Evaluation &panel", lambda: views.raise_dock("Evaluation"))
    help_menu = window.menuBar().addMenu("&Help")
    add(help_menu, "Show the &log file", files.show_log_file)
    add(help_menu, "&About Word2Vec Studio", files.about)
    return actions


def enable_actions(actions: dict[str, QAction], controls: Controls) -> None:
    """Enable the Train menu's entries `controls` allows (w2v_gui.state decides)."""
    for name, enabled in (("train", controls.train), ("step", controls.step),
                          ("check", controls.check), ("pause", controls.pause),
                          ("stop", controls.stop), ("reset", controls.reset),
                          ("race_losses", controls.race), ("race_models", controls.race)):
        actions[name].setEnabled(enabled)
