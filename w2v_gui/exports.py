"""Exports: the vectors (word2vec text or binary, Embedding Projector TSV), the loss history
(CSV), the map (PNG or SVG) and the map's 2-D coordinates (CSV or TSV).

Vectors and coordinates are written beside their target and renamed into place
(`core.storage.files.atomic_write`), the Projector's two files together; a failed export leaves an
earlier file as it was.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
from PyQt6.QtGui import QPainter
from PyQt6.QtSvg import QSvgGenerator
from pyqtgraph.exporters import ImageExporter

from core.storage.files import atomic_write
from core.train.history import LossHistory, QualityHistory
from core.vectors.embeddings import Embeddings
from core.vectors.reading import write_vectors
from w2v_gui.views.projection_view import ProjectionView

VECTOR_FILTERS = ("word2vec text (*.txt);;word2vec binary (*.bin);;"
                  "Embedding Projector TSV (*.tsv)")
MAP_FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"
COORDINATE_FILTERS = "CSV (*.csv);;Tab-separated (*.tsv)"


def export_vectors(embeddings: Embeddings | None, path: str) -> list[Path]:
    """Write word2vec binary (.bin), Embedding Projector TSV (.tsv: the vectors and
    `<stem>_metadata.tsv` beside them, replaced together) or else word2vec text, by
    extension; return the paths written. An OSError leaves earlier files as they were
    (`core.storage.files.describe_write_error` says why in words)."""
    if embeddings is None:
        raise ValueError("There are no vectors yet: train first, then export.")
    target = Path(path)
    format = {".tsv": "projector", ".bin": "word2vec-binary"}.get(target.suffix, "word2vec")
    return write_vectors(embeddings, target, format)


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
    colour group, empty with one colour); tab-separated for .tsv, else comma-separated.
    Written beside `path` and renamed into place."""
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
    with atomic_write(path) as binary:
        stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        writer.writerow(["word", "x", "y", "group"])
        for word, (x, y) in zip(view.ids, view.layout, strict=True):
            writer.writerow([view.words[word], f"{x:.6g}", f"{y:.6g}",
                             groups.get(int(word), "")])
        stream.flush()
        stream.detach()  # the file is atomic_write's to sync, rename and close
