"""The window's widgets and where they sit: the map above the loss and quality curves, the
panels in docks on either side. Nothing here acts on anything; the controllers do."""

from __future__ import annotations

from dataclasses import dataclass, field

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from w2v_gui.panels.corpus_panel import CorpusPanel
from w2v_gui.panels.evaluation_panel import EvaluationPanel
from w2v_gui.panels.hyperparameter_panel import HyperparameterPanel
from w2v_gui.panels.map_controls import MapControls
from w2v_gui.panels.math_panel import MathPanel
from w2v_gui.panels.search_panel import SearchPanel
from w2v_gui.panels.timeline import Timeline
from w2v_gui.panels.training_bar import TrainingBar
from w2v_gui.views.loss_view import LossView
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.views.quality_view import QualityView


@dataclass
class Views:
    """Every view and panel of the window, made empty."""

    projection_view: ProjectionView = field(default_factory=ProjectionView)
    map_controls: MapControls = field(default_factory=MapControls)
    timeline: Timeline = field(default_factory=Timeline)
    loss_view: LossView = field(default_factory=LossView)
    quality_view: QualityView = field(default_factory=QualityView)
    bar: TrainingBar = field(default_factory=TrainingBar)
    corpus_panel: CorpusPanel = field(default_factory=CorpusPanel)
    hyperparameters: HyperparameterPanel = field(default_factory=HyperparameterPanel)
    search_panel: SearchPanel = field(default_factory=SearchPanel)
    evaluation_panel: EvaluationPanel = field(default_factory=EvaluationPanel)
    math_panel: MathPanel = field(default_factory=MathPanel)
    # made by `arrange`: the curves' splitter (hidden while a vectors file is explored),
    # the docks by title, and the status bar's permanent line about the corpus
    curves: QSplitter | None = None
    docks: dict[str, QDockWidget] = field(default_factory=dict)
    corpus_status: QLabel | None = None

    def raise_dock(self, title: str) -> None:
        self.docks[title].show()
        self.docks[title].raise_()


def column(parent: QWidget, top: QWidget, rest: QWidget, margins: int = -1) -> None:
    """`top` above `rest`, which takes the height left (margins < 0: the style's)."""
    layout = QVBoxLayout(parent)
    if margins >= 0:
        layout.setContentsMargins(margins, margins, margins, margins)
    layout.addWidget(top)
    layout.addWidget(rest, 1)


def arrange(window: QMainWindow, views: Views) -> None:
    """Put `views` in `window`: the bar on top, the map with its controls above the
    curves, the corpus and the form on the left, search, evaluation and math on the right."""
    map_area, central = QWidget(), QWidget()
    map_and_film = QWidget()
    column(map_and_film, views.projection_view, views.timeline, margins=0)
    map_and_film.layout().setStretch(0, 1)  # the map takes the height, the timeline a line
    map_and_film.layout().setStretch(1, 0)
    column(map_area, views.map_controls, map_and_film, margins=0)
    splitter = QSplitter(Qt.Orientation.Vertical)
    # the loss and, beside it, the quality curve on an axis of its own (x linked)
    views.curves = curves = QSplitter(Qt.Orientation.Horizontal)
    curves.addWidget(views.loss_view)
    curves.addWidget(views.quality_view)
    curves.setSizes([580, 420])
    views.quality_view.setXLink(views.loss_view)
    splitter.addWidget(map_area)
    splitter.addWidget(curves)
    splitter.setSizes([600, 200])  # the map above, three times the curves' height
    column(central, views.bar, splitter)
    window.setCentralWidget(central)
    left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
    docks = views.docks
    for title, widget, area in (("Corpus", views.corpus_panel, left),
                                ("Hyperparameters", views.hyperparameters, left),
                                ("Nearest words", views.search_panel, right),
                                ("Evaluation", views.evaluation_panel, right),
                                ("Math", views.math_panel, right)):
        dock = docks[title] = QDockWidget(title, window)
        dock.setObjectName(title)  # a stable name, for saving the window layout
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
    window.tabifyDockWidget(docks["Corpus"], docks["Hyperparameters"])
    window.tabifyDockWidget(docks["Nearest words"], docks["Evaluation"])
    window.tabifyDockWidget(docks["Evaluation"], docks["Math"])
    docks["Hyperparameters"].raise_()
    docks["Nearest words"].raise_()
    window.resizeDocks([docks["Hyperparameters"], docks["Nearest words"]], [250, 260],
                       Qt.Orientation.Horizontal)
    views.corpus_status = QLabel("", textFormat=Qt.TextFormat.PlainText)
    window.statusBar().addPermanentWidget(views.corpus_status)
