"""A metadata file of word labels (an Embedding Projector TSV, a CSV) read into columns, and
each word's value in a column: what the map colours by when it colours by metadata."""

from __future__ import annotations

import math
import os
from pathlib import Path

WORD_COLUMN_NAMES = {"word", "words", "token", "tokens", "term"}  # header names of a word column


def as_number(text: str) -> float | None:
    """The finite number `text` spells, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class WordLabelsError(ValueError):
    """A word-labels file could not be read; the message names the file, the line and the fix."""


def labels_for_words(words: list[str], metadata: dict[str, list[str]], column: str,
                     vocabulary_words: list[str] | None = None) -> list[str | None]:
    """Each of `words`' value in metadata[column], None where it has none (no row, or blank).

    Rows are keyed by the column named "word" (any case) if there is one. Otherwise, when
    `vocabulary_words` (the open file's words, in order) is given and the column has exactly
    as many rows, row i belongs to vocabulary_words[i], unless the first column looks like
    words (at least half of its values are vocabulary words). Otherwise rows are keyed by the
    first column. A word with no row of its own uses a row matching it case-insensitively;
    for a word with several rows the first counts.
    """
    if column not in metadata:
        raise ValueError(f"No metadata column {column!r}; the columns are: "
                         f"{', '.join(map(repr, metadata))}.")
    names = list(metadata)
    values = list(metadata[column])
    word_column = next((name for name in names if name.lower() == "word"), None)
    positional = (word_column is None and vocabulary_words is not None
                  and len(values) == len(vocabulary_words)
                  and (column == names[0]
                       or not _looks_like_words(metadata[names[0]], vocabulary_words)))
    keys = list(vocabulary_words) if positional else list(metadata[word_column or names[0]])
    if len(keys) != len(values):
        raise ValueError(f"Metadata column {column!r} has {len(values)} rows but its word "
                         f"column has {len(keys)}.")
    lookup: dict[str, object] = {}
    folded: dict[str, object] = {}
    for key, value in zip(keys, values, strict=True):
        key = str(key)
        lookup.setdefault(key, value)
        folded.setdefault(key.casefold(), value)
    result: list[str | None] = []
    for word in words:
        value = lookup[word] if word in lookup else folded.get(word.casefold())
        text = None if value is None else str(value).strip()
        result.append(text or None)
    return result


def _looks_like_words(column: list[str], vocabulary_words: list[str]) -> bool:
    vocabulary = set(vocabulary_words)
    return bool(column) and sum(str(value) in vocabulary for value in column) * 2 >= len(column)


def read_word_labels(path: str | os.PathLike) -> dict[str, list[str]]:
    """Read a UTF-8 "word<TAB>label" file (any number of tab-separated label columns) into
    columns: {"word": [...], "label": [...]} (or "label 1", "label 2", ... for several), or
    the header's names when there is a header. Missing trailing fields are "".

    The first line is a header when its first field is a usual name for a word column
    (word, words, token, tokens, term; any case, an optional leading "#"), or when a label
    column holds a number on every later line but not on the first (e.g. "lemma<TAB>count").
    That header column is named "word" so labels_for_words keys rows by it. Blank lines are
    skipped. Raises WordLabelsError (a ValueError) naming the file and line for binary,
    empty or non-UTF-8 files, lines with no tab, empty words and lines with more fields than
    the first.
    """
    source = Path(path)
    try:
        body = source.read_bytes()
    except OSError as error:
        raise WordLabelsError(f"Cannot read {source}: {error.strerror or error}.") from error
    if b"\0" in body[:65536]:
        raise WordLabelsError(f"{source} looks like a binary file, not text; choose a "
                              "word<TAB>label text file.")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = body.count(b"\n", 0, error.start) + 1
        raise WordLabelsError(f"{source}, line {line}: byte 0x{body[error.start]:02x} is not "
                              "UTF-8; save the file as UTF-8.") from error

    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if "\t" not in line:
            raise WordLabelsError(f"{source}, line {number}: no tab in {line[:60]!r}; each line "
                                  "must be a word, a tab, then its label(s).")
        fields = [field.strip() for field in line.split("\t")]
        if not fields[0]:
            raise WordLabelsError(f"{source}, line {number}: the word (before the first tab) "
                                  "is empty.")
        rows.append((number, fields))
    if not rows:
        raise WordLabelsError(f"{source} is empty; it needs word<TAB>label lines.")

    for _, fields in rows:
        while len(fields) > 2 and not fields[-1]:
            fields.pop()  # trailing tabs
    width = len(rows[0][1])
    for number, fields in rows:
        if len(fields) > width:
            raise WordLabelsError(f"{source}, line {number}: {len(fields)} fields but the first "
                                  f"line has {width}; remove the extra tabs.")
        fields.extend([""] * (width - len(fields)))

    if _is_header(rows):
        names = _column_names(rows[0][1])
        rows = rows[1:]
        if not rows:
            raise WordLabelsError(f"{source} has a header line but no rows after it.")
    else:
        labels = ["label"] if width == 2 else [f"label {i}" for i in range(1, width)]
        names = ["word", *labels]
    return {name: [fields[i] for _, fields in rows] for i, name in enumerate(names)}


def _is_header(rows: list[tuple[int, list[str]]]) -> bool:
    first = rows[0][1]
    if first[0].lower().lstrip("#") in WORD_COLUMN_NAMES:
        return True
    for i in range(1, len(first)):
        below = [fields[i] for _, fields in rows[1:] if fields[i]]
        if below and as_number(first[i]) is None and all(
                as_number(value) is not None for value in below):
            return True
    return False


def _column_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for i, field in enumerate(header):
        name = field or f"column {i + 1}"
        if i == 0 and name.lower().lstrip("#") in WORD_COLUMN_NAMES:
            name = "word"
        base, copy = name, 2
        while name in names:
            name, copy = f"{base} {copy}", copy + 1
        names.append(name)
    return names
