"""Word-vector files: the public API for reading and writing every format the app and the
command line open, and the reading itself (detect, then stream rows into one matrix).

Formats (`FORMATS`, detected from the content by `detect_format`):

- ``word2vec``: word2vec.c / gensim text. A ``V d`` header, then ``word x1 .. xd`` per line.
  fastText's ``.vec`` files are this format. Lines are split on ``\\n`` only (a word may hold
  U+2028 or other characters Python's ``str.splitlines`` would break on); ``\\r\\n`` and
  trailing spaces are tolerated. A word may hold spaces (GloVe 840B has some): the last d
  fields are the numbers and the rest is the word, unless those extra fields are numbers
  too (then the line has the wrong dimension).
- ``word2vec-binary``: a ``V d`` header line, then per word its UTF-8 bytes, a space, d
  little-endian float32 and an optional newline. Text and binary are told apart by reading
  the first records both ways (see `core.vectors.detection`). A file that reads correctly
  both ways is text (its binary reading would need every float's bytes to be ASCII digits,
  dots and spaces), unless the file is small enough to read whole and only its binary
  reading accounts for every byte.
- ``glove``: GloVe text, the word2vec text format without the header; d comes from line 1.
- ``projector``: the TensorFlow Embedding Projector's vectors TSV (tab-separated numbers, no
  words, no header) with a metadata TSV (`read_metadata`) given or found beside it
  (``<stem>_metadata.tsv``, ``metadata.tsv``, ``<stem>.metadata.tsv``). Words come from the
  metadata column named "word" (any case), else from its first column; without metadata the
  words are the row numbers "0", "1", ...
- ``model`` (``.npz``) and ``session`` (``.w2vsession``): this app's saved trainer, whose
  center vectors are read with the corpus counts.

Policies, the same for every format:

- A word seen again keeps its first vector; later copies are dropped and counted in one note
  naming the first repeat and its line (gensim does the same).
- A row holding NaN or an infinite value (or one too large for float32, such as 1e39) is
  dropped and counted in a note naming the first such line: such a word can be neither
  ranked by cosine nor placed on a map. No NumPy warning is printed.
- A word whose bytes are not UTF-8 (a mis-encoded file; word2vec.c cuts long words
  mid-character) is read with U+FFFD in place of the bad bytes, text and binary alike, and
  counted in a note naming the first such word and its line (or word number).
- ``limit=N`` keeps the first N words and stops reading; a note says "first N of M words"
  when M is known (a header, a model), else that the rest was not read.
- Every failure is a `VectorFileError` naming the file, the line where known, what is wrong
  and what to do; nothing is returned, so the caller keeps whatever it had open. A file
  that is not vectors text is named by its first bytes (`core.storage.signatures`): a
  fastText model (with how to get its ``.vec``), gzip/bzip2/xz data (with the command that
  decompresses it), UTF-16 text (with the ``iconv`` command), an image, an archive. A
  header whose dimension does not fit the rows (text) or records (binary) that follow, when
  they fit another one, is named as such, not taken for a cut-off file.

Vectors or corpus: `classify_file` tells the app which one to open a file as. It never lets
a file that looks like vectors (by its name, its first bytes, or lines that are mostly a
word and numbers) become a corpus: such a file is "vectors" when its first rows read, else
it raises the reading's error. Prose, even one whose first line is two numbers, is
"corpus". `is_vectors_file` (never raises) only says whether the first megabyte is in one
of FORMATS.

Speed: text is read as a stream in 4 MB chunks into one preallocated float32 matrix (rows
counted first by a pass over the bytes when there is no header); the numbers of a chunk are
parsed together by NumPy (`core.vectors.text`, `core.vectors.number_parsing`). For up to 16
significant digits a value equals ``float32(float(token))`` exactly, as gensim computes it.
Binary files are read one Python step per word, their vectors copied in bulk.

The work is shared out by job, imports pointing one way: `core.vectors.types` (the names,
the error, the result), `core.storage.signatures` (shared with `core.data.corpus`),
`core.vectors.number_parsing`, `core.vectors.rows` (the policies above),
`core.vectors.text`, `core.vectors.detection`, `core.vectors.projector_metadata` and
`core.vectors.writing` (`write_vectors`: text values with 6 significant digits, ``%.6g``,
binary ones exact). Everything public is imported from here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.errors import Cancelled
from core.vectors.detection import (
    HEAD_BYTES,
    Layout,
    _binary_sample_fits,  # noqa: F401  (re-exported: its rule is tested alone)
    binary_dimension_error,
    detect,
    layout_for,
    looks_like_vectors,
)
from core.vectors.embeddings import Embeddings
from core.vectors.projector_metadata import projector_words, read_metadata
from core.vectors.rows import Rows, counted, limit_note
from core.vectors.text import Chunks, ParsedLines, Shape, parse_lines
from core.vectors.types import (
    FORMATS,
    MAX_BINARY_WORD,
    VectorFile,
    VectorFileError,
    unreadable,
)
from core.vectors.writing import write_vectors

__all__ = ["FORMATS", "VectorFile", "VectorFileError", "classify_file",
           "detect_format", "is_vectors_file", "read_metadata", "read_vectors",
           "write_vectors"]

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]
SavedReader = Callable[[Path, str], Embeddings]

CHUNK_BYTES = 4 << 20  # bytes read at a time (measured: 4 MB is as fast as 8-16 MB, and smaller)
PROGRESS_INTERVAL = 0.05  # seconds between progress calls (20 a second)
TRIAL_ROWS = 100  # rows `classify_file` reads (from the first megabyte) to be sure


def detect_format(path: str | os.PathLike) -> str:
    """Which of FORMATS `path` holds, from its content (and the .npz / .w2vsession / .tsv
    suffix, never the name alone for text against binary). Raises VectorFileError when it
    is not a vectors file, saying what it seems to be."""
    return detect(Path(path)).format


def is_vectors_file(path: str | os.PathLike) -> bool:
    """True if the first megabyte of `path` is in one of FORMATS (a model or session
    counts); never raises. To choose between vectors and a corpus, use `classify_file`: a
    False here may be a vectors file that cannot be read."""
    try:
        return Path(path).is_file() and detect(Path(path)) is not None
    except (VectorFileError, OSError):
        return False


def classify_file(path: str | os.PathLike) -> str:
    """What `path` is to be opened as: "vectors" or "corpus". Cheap enough for the GUI
    thread: it reads the first megabyte (and at most TRIAL_ROWS rows of it).

    "vectors": `read_vectors` reads the start of the file (its first rows; a model or a
    session by its contents list); reading the whole may still fail (a file cut off later).
    "corpus": a folder, or a file that does not look like vectors (prose, also one whose
    first line is two numbers, an empty file, data of no known kind); load it as a corpus,
    whose reader says if it is not one (an image, UTF-16 text, ...).

    Raises VectorFileError (naming the file, what it seems to be and the fix) when the file
    looks like vectors but cannot be read, so it is never taken for a corpus: a header or
    rows that do not fit, a compressed or UTF-16 file of vectors, a fastText model, a zip
    archive, a .vec / .bin / .tsv / .npz / session whose content is not readable vectors;
    also when the file cannot be read at all (missing, no permission).
    """
    source = Path(path)
    if source.is_dir():
        return "corpus"
    try:
        layout = detect(source)
        if layout.format not in ("model", "session"):
            _trial_read(source, layout)
    except VectorFileError:
        if looks_like_vectors(source):
            raise
        return "corpus"
    return "vectors"


def _trial_read(path: Path, layout: Layout) -> None:
    """Read the first rows (from the first megabyte) as `read_vectors` would."""
    tracker = _Progress(path, 0, None, None)
    try:
        if layout.format == "word2vec-binary":
            _read_binary(path, layout, TRIAL_ROWS, tracker, HEAD_BYTES)
        else:
            _read_text(path, layout, TRIAL_ROWS, tracker, None, HEAD_BYTES)
    except OSError as error:
        raise unreadable(path, error) from error


def read_vectors(path: str | os.PathLike, *, format: str | None = None,
                 limit: int | None = None, metadata_path: str | os.PathLike | None = None,
                 progress: Progress | None = None,
                 should_stop: ShouldStop | None = None,
                 saved_reader: SavedReader | None = None) -> VectorFile:
    """Read a file of word vectors in any of FORMATS (detected when `format` is None).

    limit:         keep only the first N words and stop reading
    metadata_path: the Projector metadata TSV (else looked for beside a Projector file)
    progress:      called with (bytes done, total bytes), at most ~20 times a second
    should_stop:   polled between chunks; when it returns True, Cancelled is raised
    saved_reader:  (path, "model" or "session") -> the saved run's Embeddings; models and
                   sessions need one (`core.open_vectors.read_vectors` passes it)

    Raises VectorFileError (naming the file, the line and the fix) for anything unreadable.
    """
    source = Path(path)
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {format!r}.")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1; got {limit}.")
    layout = detect(source) if format is None else layout_for(source, format)
    try:
        size = source.stat().st_size
    except OSError as error:
        raise unreadable(source, error) from error
    tracker = _Progress(source, size, progress, should_stop)
    tracker.report(0, final=True)
    try:
        if layout.format in ("model", "session"):
            loaded = _read_saved(source, layout.format, limit, saved_reader)
        elif layout.format == "word2vec-binary":
            loaded = _read_binary(source, layout, limit, tracker)
        else:
            loaded = _read_text(source, layout, limit, tracker, metadata_path)
    except MemoryError:
        raise VectorFileError(source, "is too large for this computer's memory.",
                              "Read only its first words (a limit).") from None
    except OSError as error:
        raise unreadable(source, error) from error
    tracker.report(size, final=True)
    return loaded


class _Progress:
    """Calls progress(done, total) at most every PROGRESS_INTERVAL seconds (and at the end),
    and raises Cancelled when should_stop() says so."""

    def __init__(self, path: Path, total: int, progress: Progress | None,
                 should_stop: ShouldStop | None) -> None:
        self.path = path
        self.total = total
        self.progress = progress
        self.should_stop = should_stop
        self.last = 0.0

    def check(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise Cancelled(self.path)

    def report(self, done: int, final: bool = False) -> None:
        self.check()
        if self.progress is None:
            return
        now = time.monotonic()
        if final or now - self.last >= PROGRESS_INTERVAL:
            self.last = now
            self.progress(min(done, self.total), self.total)


def _read_saved(path: Path, kind: str, limit: int | None,
                saved_reader: SavedReader | None) -> VectorFile:
    """A model (.npz) or session: the trainer's center vectors with the corpus counts, from
    `saved_reader` (this layer cannot open a trainer: `core.open_vectors` passes one)."""
    if saved_reader is None:
        raise VectorFileError(path, f"is a saved {kind}, which this reader cannot open.",
                              "Open it with core.open_vectors.read_vectors.")
    embeddings = saved_reader(path, kind)
    total = len(embeddings)
    rows = Rows(path, embeddings.dim, total if limit is None else min(limit, total), limit,
                 unit="word", track_rows=True)
    rows.add(embeddings.words, embeddings.vectors, range(1, total + 1))
    rows.check_not_empty()
    counts = embeddings.counts[np.asarray(rows.kept_rows, dtype=np.int64)]
    notes = rows.notes()
    if limit is not None and limit < total:
        notes.append(limit_note(len(rows.words), total))
    return VectorFile(Embeddings(rows.words, rows.matrix(), counts), kind, path, {}, notes)


def _count_lines(path: Path, start: int, tracker: _Progress) -> int:
    """Lines from byte `start` on (a last line without a newline counts), by a fast pass."""
    lines = 0
    last = b"\n"
    with open(path, "rb") as stream:
        stream.seek(start)
        while True:
            tracker.check()
            chunk = stream.read(CHUNK_BYTES)
            if not chunk:
                break
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _read_text(path: Path, layout: Layout, limit: int | None, tracker: _Progress,
               metadata_path: str | os.PathLike | None,
               chunk_bytes: int | None = None) -> VectorFile:
    """word2vec text, GloVe or Projector vectors, streamed in chunks into one matrix."""
    words = 0 if layout.format == "projector" else 1
    source = (f"the header says {layout.dim:,}" if layout.vocab is not None
              else f"line {layout.first_line:,} has {layout.dim:,}")
    shape = Shape(layout.dim, words, source)
    metadata: dict[str, list[str]] = {}
    notes: list[str] = []
    names: list[str] | None = None
    if layout.format == "projector":
        metadata, names, note = projector_words(path, metadata_path)
        notes += [note] if note else []
    most = layout.vocab if layout.vocab is not None else (
        len(names) if names is not None else None)  # the rows the file must hold, if known
    total = most
    if total is None and limit is None:
        total = _count_lines(path, layout.data_start, tracker)  # an upper bound of the rows
    capacity = min(limit, total) if limit is not None and total is not None else (limit or total)
    rows = Rows(path, layout.dim, capacity, limit, track_rows=bool(metadata))
    line = layout.first_line
    last_complete = layout.first_line - 1
    parsed_rows = 0
    rows_after_limit = False  # the limit left rows unread
    with open(path, "rb") as stream:
        stream.seek(layout.data_start)
        chunks = Chunks(stream, chunk_bytes or CHUNK_BYTES)
        for buffer, end, offset in chunks:
            tracker.report(offset)
            parsed = parse_lines(path, buffer, Chunks.PAD, end, shape, line,
                                  chunks.eof and chunks.added_newline)
            line += parsed.line_count
            count = len(parsed.lines)
            parsed_rows += count
            if most is not None and rows.rows_read + count > most:
                allowed = most - rows.rows_read
                extra_line = int(parsed.lines[allowed])
                parsed = parsed.head(allowed)
                _add_parsed(path, rows, parsed, names, words)
                if rows.full:
                    break
                raise _too_many_rows(path, layout, names, extra_line)
            _add_parsed(path, rows, parsed, names, words)
            if count:
                last_complete = int(parsed.lines[-1])
            if rows.full:
                unread = buffer[end:chunks.filled] + stream.read(4096)
                rows_after_limit = parsed_rows > rows.rows_read or bool(unread.strip())
                break
    if not rows.full and most is not None and rows.rows_read < most:
        if layout.vocab is not None:
            raise VectorFileError(
                path, f"has {counted(rows.rows_read, 'row')} but its header promises "
                f"{layout.vocab:,}: it is cut off after line {last_complete:,}, the last "
                "complete line (or the header is wrong).", "Re-download the file, or fix "
                "line 1.")
        raise VectorFileError(
            path, f"has {counted(rows.rows_read, 'row')} but its metadata has "
            f"{counted(len(names), 'word')}.", "Give the metadata file written with these "
            "vectors.")
    rows.check_not_empty()
    notes = rows.notes() + notes
    if limit is not None and rows.full and (limit < total if total is not None
                                            else rows_after_limit):
        notes.append(limit_note(len(rows.words), total))
    if metadata:
        kept = rows.kept_rows
        metadata = {name: [column[i] for i in kept] for name, column in metadata.items()}
    return VectorFile(Embeddings(rows.words, rows.matrix()), layout.format, path, metadata,
                      notes)


def _add_parsed(path: Path, rows: Rows, parsed: ParsedLines, names: list[str] | None,
                words: int) -> None:
    first = rows.rows_read
    if words:
        rows.add_encoded(parsed.words, parsed.values, parsed.lines.tolist())
        return
    if names is not None:
        batch = names[first:first + len(parsed.lines)]
    else:
        batch = [str(i) for i in range(first, first + len(parsed.lines))]
    rows.add(batch, parsed.values, parsed.lines.tolist())


def _too_many_rows(path: Path, layout: Layout, names: list[str] | None,
                   line: int) -> VectorFileError:
    if layout.vocab is not None:
        return VectorFileError(path, f"has more rows than the {layout.vocab:,} its header "
                               "promises.", "Fix line 1 to the real '<words> <dimensions>'.",
                               line=line)
    return VectorFileError(path, f"has more rows than its metadata has words ({len(names):,}).",
                           "Give the metadata file written with these vectors.", line=line)


def _read_binary(path: Path, layout: Layout, limit: int | None, tracker: _Progress,
                 chunk_bytes: int | None = None) -> VectorFile:
    """word2vec binary: per word, its bytes, a space, d little-endian float32, an optional
    newline. One Python step per word finds its end; the vectors are copied in bulk."""
    vocab, dim = layout.vocab, layout.dim
    width = 4 * dim
    wanted = vocab if limit is None else min(limit, vocab)
    rows = Rows(path, dim, wanted, limit, unit="word")
    record = 0  # records read
    last_word = ""
    with open(path, "rb") as stream:
        stream.seek(layout.data_start)
        offset = layout.data_start  # file offset of data[0]
        data = b""
        eof = False
        while record < vocab and not rows.full:
            tracker.report(offset)
            more = stream.read(max(chunk_bytes or CHUNK_BYTES, width + MAX_BINARY_WORD + 2))
            eof = not more
            data = data + more if data else more
            position = 0
            words: list[bytes] = []
            starts: list[int] = []
            size = len(data)
            find, add_word, add_start = data.find, words.append, starts.append
            for _ in range(vocab - record):  # one step per record
                while position < size and data[position] == 10:  # newlines between records
                    position += 1
                space = find(b" ", position, position + MAX_BINARY_WORD + 1)
                if space < 0 or space + 1 + width > size:
                    if space < 0 and size - position > MAX_BINARY_WORD:
                        raise _misaligned(path, layout) or VectorFileError(
                            path, f"word {record + len(words) + 1:,} (byte "
                            f"{offset + position:,}) has no space after it within "
                            f"{MAX_BINARY_WORD} bytes: the binary records do not line up.",
                            "The file is damaged or not word2vec binary; re-save it.")
                    break
                add_word(data[position:space])
                add_start(space + 1)
                position = space + 1 + width
            if words:
                matrix = np.lib.stride_tricks.sliding_window_view(
                    np.frombuffer(data, dtype=np.uint8), width)
                block = matrix[np.asarray(starts, dtype=np.int64)].view("<f4")
                rows.add_encoded(words, block, range(record + 1, record + 1 + len(words)))
                record += len(words)
                last_word = words[-1].decode("utf-8", errors="replace")
            data = data[position:]
            offset += position
            if eof:
                break
        if record < vocab and not rows.full:
            after = f" after word {record:,} ('{last_word}')" if record else ""
            raise _misaligned(path, layout) or VectorFileError(
                path, f"ends inside word {record + 1:,} of the {vocab:,} its header promises"
                f"{after}: it is cut off.", "Re-save or re-download the file.")
        if not rows.full:
            rest = data.strip() or stream.read(64).strip()
            if rest:
                raise _misaligned(path, layout) or VectorFileError(
                    path, f"has more data after the {counted(vocab, 'word')} its header "
                    f"promises (at byte {offset:,}).", "Fix line 1 to the real '<words> "
                    "<dimensions>', or re-save the file.")
    rows.check_not_empty()
    notes = rows.notes()
    if limit is not None and rows.full and limit < vocab:
        notes.append(limit_note(len(rows.words), vocab))
    return VectorFile(Embeddings(rows.words, rows.matrix()), "word2vec-binary", path, {}, notes)


def _misaligned(path: Path, layout: Layout) -> VectorFileError | None:
    """When a binary file does not read to its end: the error naming a wrong dimension in
    its header, if its first records line up with another one (not a cut-off file)."""
    with open(path, "rb") as stream:
        stream.seek(layout.data_start)
        body = stream.read(HEAD_BYTES)
        whole = not stream.read(1)
    return binary_dimension_error(path, body, layout.vocab, layout.dim, whole)
