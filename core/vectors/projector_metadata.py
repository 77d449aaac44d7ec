"""Embedding Projector metadata: the TSV of labels beside a Projector vectors file, read
(`read_metadata`) and found by name (`projector_words`).
"""

from __future__ import annotations

import os
from pathlib import Path

from core.storage.signatures import convert_command, utf16_encoding
from core.vectors.rows import plural
from core.vectors.types import VectorFileError


def read_metadata(path: str | os.PathLike) -> dict[str, list[str]]:
    """A Projector metadata TSV -> {column name: one value per row}.

    With one column there is no header and the column is named "label"; with more than
    one, the first line is the header. Lines are split on "\\n" only ("\\r\\n" is
    tolerated); every row must have as many cells as the header.
    """
    source = Path(path)
    try:
        text = source.read_bytes()
    except OSError as error:
        raise VectorFileError(source, f"cannot be read ({error.strerror or error}).",
                              "Check that it exists and that you may read it.") from error
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as error:
        encoding = utf16_encoding(text[:1024])
        if encoding is not None:
            command, target = convert_command(source, encoding)
            raise VectorFileError(source, "is UTF-16 text, not UTF-8.",
                                  f"Convert it ({command}) and give {target.name}.") from None
        line = text.count(b"\n", 0, error.start) + 1
        raise VectorFileError(source, "is not UTF-8 text.", "Save it as UTF-8.",
                              line=line) from None
    lines = decoded.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    if not lines:
        raise VectorFileError(source, "is empty.", "Give a metadata file with one row per word.")
    header = lines[0].split("\t")
    if len(header) == 1:
        return {"label": lines}
    columns: list[list[str]] = [[] for _ in header]
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise VectorFileError(
                source, f"has {len(cells)} cell{plural(len(cells))} but the header has "
                f"{len(header)}.", "Give every row one value per column.", line=number)
        for column, cell in zip(columns, cells, strict=True):
            column.append(cell)
    names: dict[str, list[str]] = {}
    for name, column in zip(header, columns, strict=True):
        key, suffix = name, 2
        while key in names:  # two columns with one name keep both
            key, suffix = f"{name} ({suffix})", suffix + 1
        names[key] = column
    return names


def projector_words(path: Path, metadata_path) -> tuple[dict[str, list[str]],
                                                             list[str] | None, str]:
    """(metadata columns, the words, a note) for a Projector vectors file."""
    if metadata_path is None:
        candidates = [path.with_name(f"{path.stem}_metadata.tsv"),
                      path.with_name("metadata.tsv"),
                      path.with_name(f"{path.stem}.metadata.tsv")]
        metadata_path = next((c for c in candidates if c != path and c.is_file()), None)
    if metadata_path is None:
        return {}, None, (f"No metadata file was found beside {path.name} (looked for "
                          f"{path.stem}_metadata.tsv and metadata.tsv); the words are the "
                          "row numbers 0, 1, 2, …")
    metadata = read_metadata(metadata_path)
    column = next((name for name in metadata if name.lower() == "word"), next(iter(metadata)))
    return metadata, metadata[column], ""
