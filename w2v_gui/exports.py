"""Exports: the vectors (word2vec text or binary, Embedding Projector TSV), the loss history
(CSV), the map (PNG or SVG) and the map's 2-D coordinates (CSV or TSV)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PyQt6.QtGui import QPainter
from PyQt6.QtSvg import QSvgGenerator
from pyqtgraph.exporters import ImageExporter

from core.embeddings import Embeddings
from core.history import LossHistory, QualityHistory
from w2v_gui.views.projection_view import ProjectionView

VECTOR_FILTERS = ("word2vec text (*.txt);;word2vec binary (*.bin);;"
                  "Embedding Projector TSV (*.tsv)")
MAP_FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"
COORDINATE_FILTERS = "CSV (*.csv);;Tab-separated (*.tsv)"


def export_vectors(embeddings: Embeddings | None, path: str) -> None:
    """word2vec text (.txt, .vec), binary (.bin) or projector TSV (.tsv) by extension."""
    if embeddings is None:
        raise ValueError("There are no vectors yet: train first, then export.")
    target = Path(path)
    if target.suffix == ".tsv":
        embeddings.save_projector_tsv(target, target.with_name(target.stem + "_metadata.tsv"))
    else:
        embeddings.save_word2vec(target, binary=target.suffix == ".bin")


def export_loss(history: LossHistory, path: str, quality: QualityHistory | None = None) -> None:
    """The loss history as CSV, with the quality curve's columns when there is one."""
    history.save_csv(path, quality)


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


def export_coordinates(view: ProjectionView, path: str) -> None:
    """The map on screen as rows of word, x, y, group (the legend's name of the word's
    colour group, empty with one colour); tab-separated for .tsv, else comma-separated."""
    frame = view.frame
    if frame is None or view.layout is None or not len(view.ids):
        raise ValueError("The map is empty: open a corpus or vectors, and let it draw.")
    colouring = frame.colouring
    groups = {}
    if colouring is not None:
        keep = np.asarray(frame.ids) < len(view.words)
        names = [name for name, _colour in colouring.legend]
        for word, group in zip(np.asarray(frame.ids)[keep], colouring.groups[keep],
                               strict=True):
            if 0 <= group < len(names) and colouring.kind != "frequency":
                groups[int(word)] = names[group]
    delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else ","
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        writer.writerow(["word", "x", "y", "group"])
        for word, (x, y) in zip(view.ids, view.layout, strict=True):
            writer.writerow([view.words[word], f"{x:.6g}", f"{y:.6g}",
                             groups.get(int(word), "")])
