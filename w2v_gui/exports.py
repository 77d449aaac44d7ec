"""Exports: the vectors (word2vec text or binary, Embedding Projector TSV), the loss history
(CSV) and the map (PNG or SVG)."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtGui import QPainter
from PyQt6.QtSvg import QSvgGenerator
from pyqtgraph.exporters import ImageExporter

from core.embeddings import Embeddings
from core.history import LossHistory
from w2v_gui.views.projection_view import ProjectionView

VECTOR_FILTERS = ("word2vec text (*.txt);;word2vec binary (*.bin);;"
                  "Embedding Projector TSV (*.tsv)")
MAP_FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"


def export_vectors(embeddings: Embeddings | None, path: str) -> None:
    """word2vec text (.txt, .vec), binary (.bin) or projector TSV (.tsv) by extension."""
    if embeddings is None:
        raise ValueError("There are no vectors yet: train first, then export.")
    target = Path(path)
    if target.suffix == ".tsv":
        embeddings.save_projector_tsv(target, target.with_name(target.stem + "_metadata.tsv"))
    else:
        embeddings.save_word2vec(target, binary=target.suffix == ".bin")


def export_loss(history: LossHistory, path: str) -> None:
    history.save_csv(path)


def export_map(view: ProjectionView, path: str) -> None:
    """PNG by pyqtgraph's exporter; SVG by Qt's own generator (pyqtgraph's SVG exporter
    cannot parse the path syntax this Qt version writes)."""
    if Path(path).suffix.lower() != ".svg":
        ImageExporter(view.getPlotItem()).export(path)
        return
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(view.size())
    generator.setViewBox(view.rect())
    generator.setTitle("Word2Vec Studio map")
    painter = QPainter(generator)
    try:
        view.render(painter)
    finally:
        painter.end()
