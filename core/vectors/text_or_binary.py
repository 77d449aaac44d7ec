"""word2vec text or binary after a "V d" header, told apart by reading the first records both
ways, and the dimension a binary file's records really have when its header's does not fit;
with the line helpers that format detection (core.vectors.detection) shares.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.vectors.number_parsing import is_number
from core.vectors.rows import counted
from core.vectors.types import MAX_BINARY_WORD, VectorFileError

HEAD_BYTES = 1 << 20  # bytes examined to tell the format
MAX_DIMENSION_SEARCH = 10_000  # the dimensions tried when a binary header's does not fit
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")


def sample_lines(head: bytes, start: int, count: int = 8,
                 whole: bool | None = None) -> list[bytes]:
    """Up to `count` complete non-blank lines of `head` from `start`; `whole`: `head` is the
    whole file, its last line complete (by default: it is shorter than HEAD_BYTES)."""
    if whole is None:
        whole = len(head) < HEAD_BYTES
    complete = len(head) if whole else head.rfind(b"\n") + 1
    lines = [line for line in head[start:complete].split(b"\n")[:count + 1] if line.strip()]
    return lines[:count]


def trailing_numbers(fields: list[bytes]) -> int:
    """How many of the last fields are numbers (a GloVe row: all but the word)."""
    count = 0
    for token in reversed(fields):
        if not is_number(token):
            break
        count += 1
    return count


def text_dimension(lines: list[bytes]) -> int | None:
    """The d of rows that are each a word and d numbers, the same d for every line (None if
    there are no lines, or they are not all such rows of one d)."""
    widths = set()
    for line in lines:
        fields = line.split()
        if len(fields) < 2 or trailing_numbers(fields) < len(fields) - 1:
            return None
        widths.add(len(fields) - 1)
    return widths.pop() if len(widths) == 1 else None


def decide_text_or_binary(path: Path, head: bytes, data_start: int, vocab: int, dim: int,
                          size: int) -> str:
    """word2vec text or binary after a "V d" header, by reading the first records both ways.

    Text: each sampled line is a word and exactly d numbers (and, when the whole file is in
    the sample, there are V such lines). Binary: each record is a word without a newline,
    a space and 4·d bytes, the records line up one after another, and the file is large
    enough for V of them. If only one reading works, it wins; if both do, text wins unless
    the whole file was sampled and only the binary reading used it exactly. If neither
    does, but the rows or records fit another dimension, the header's is wrong.
    """
    if dim <= 0 or dim > 10_000_000:
        raise VectorFileError(path, f"has an impossible header: {counted(vocab, 'word')} of "
                              f"dimension {dim:,}.", "Line 1 should be '<words> <dimensions>'.",
                              line=1)
    body = head[data_start:]
    whole = len(head) >= size  # the sample is the whole file
    if vocab == 0:
        if body.strip():
            raise VectorFileError(path, "has a header promising 0 words, but rows follow.",
                                  "Fix line 1 to '<words> <dimensions>'.", line=1)
        raise VectorFileError(path, "holds no vectors (its header says 0 words).",
                              "Choose a file with at least one word and its vector.", line=1)
    if vocab * (2 * dim + 2) > 2 * (size - data_start) + (1 << 20):
        # far more than the file can hold (a cut-off file is reported when reading)
        wrong = _wrong_dimension(path, body, vocab, dim, whole, _looks_like_text(body))
        if wrong is not None:
            raise wrong
        raise VectorFileError(
            path, f"has a header promising {counted(vocab, 'word')} of "
            f"{counted(dim, 'number')}, more than its {counted(size, 'byte')} can hold.",
            "Fix line 1 to the real '<words> <dimensions>', or re-download the file if it "
            "is cut off.", line=1)
    text_ok, text_exact = _text_sample_fits(body, vocab, dim, whole)
    lined_up, binary_exact, newlines = binary_sample_fits(body, vocab, dim, whole)
    if text_ok and not (whole and binary_exact and not text_exact):
        return "word2vec"
    if text_ok:
        return "word2vec-binary"
    text_like = _looks_like_text(body)
    if not text_like:
        if lined_up:
            return "word2vec-binary"  # its reader names what is wrong, if anything
        wrong = _wrong_dimension(path, body, vocab, dim, whole, text_like)
        if wrong is not None:
            raise wrong
        if _walk_records(body, dim, vocab if whole else min(vocab, 8))[3] != "misaligned":
            return "word2vec-binary"  # cut off, or more after V records: its reader says so
        raise VectorFileError(
            path, f"is word2vec binary whose records do not line up with the header's "
            f"{counted(dim, 'number')} per word, nor with any other dimension.",
            "The file is damaged or not word2vec binary; re-save it.")
    if lined_up and (binary_exact or newlines) and vocab * (4 * dim + 2) <= size - data_start:
        return "word2vec-binary"
    wrong = _wrong_dimension(path, body, vocab, dim, whole, text_like)
    if wrong is not None:
        raise wrong
    return "word2vec"  # read as text: its reader names the first line that is wrong


def _wrong_dimension(path: Path, body: bytes, vocab: int, dim: int, whole: bool,
                     text_like: bool) -> VectorFileError | None:
    """The error for a header whose dimension is not the rows' (text) or the records'
    (binary), when they fit one other dimension; None when they do not."""
    if not text_like:
        return binary_dimension_error(path, body, vocab, dim, whole)
    lines = sample_lines(body, 0, len(body) if whole else 8, whole)
    found = text_dimension(lines) if len(lines) >= 2 else None  # one row proves little
    return _dimension_error(path, vocab, dim, found, len(lines) if whole else vocab,
                            "rows have")


def binary_dimension_error(path: Path, body: bytes, vocab: int, dim: int,
                           whole: bool) -> VectorFileError | None:
    """The error for a word2vec binary header whose dimension is wrong: its records, from
    body[0], line up with another one (see `binary_dimension`); None if they do not."""
    found = binary_dimension(body, vocab, whole)
    if found is None:
        return None
    found_dim, records = found
    return _dimension_error(path, vocab, dim, found_dim, records if whole else vocab,
                            "records line up as")


def _dimension_error(path: Path, vocab: int, dim: int, found: int | None, rows: int,
                     kind: str) -> VectorFileError | None:
    """`rows`: how many the file holds (the header's V unless the whole file was read)."""
    if found is None or found == dim:
        return None
    return VectorFileError(
        path, f"has a header saying {counted(dim, 'number')} per word, but its {kind} "
        f"{counted(found, 'number')} per word: the header's dimension is wrong.",
        f"Fix line 1 to '{rows} {found}'.", line=1)


def binary_dimension(body: bytes, vocab: int, whole: bool) -> tuple[int, int] | None:
    """(d, records read) for the dimension d that word2vec binary records starting at
    body[0] line up with (None if none up to MAX_DIMENSION_SEARCH): each record a word of
    text, a space and 4·d bytes; the first min(V, 8) of them, or, when `body` is the whole
    file, all of them up to its end (V of them, or fewer if the header's V is wrong too)."""
    most = vocab if whole else min(vocab, 8)
    position = 0
    while position < len(body) and body[position] == 10:
        position += 1
    space = body.find(b" ", position, position + MAX_BINARY_WORD + 1)
    if space <= position:
        return None
    largest = min(MAX_DIMENSION_SEARCH, (len(body) - space - 1) // 4)
    for dim in range(1, largest + 1):
        after = space + 1 + 4 * dim  # the next record's first byte (or a newline)
        if after < len(body) and body[after] != 10 and not 32 < body[after] != 127:
            continue
        records, end, _, stopped = _walk_records(body, dim, most, text_words=True)
        if stopped == "misaligned" or records < min(most, 2):
            continue
        if not whole or not body[end:].strip():  # whole: nothing is left over
            return dim, records
    return None


def _text_sample_fits(body: bytes, vocab: int, dim: int, whole: bool) -> tuple[bool, bool]:
    """(the sampled lines are word2vec text rows of d numbers, the whole file has V rows)."""
    complete = len(body) if whole else body.rfind(b"\n") + 1
    lines = body[:complete].split(b"\n")
    rows = 0
    for line in lines:
        fields = line.split()
        if not fields:
            continue
        if len(fields) < dim + 1 or not all(is_number(f) for f in fields[-dim:]):
            return False, False
        if len(fields) > dim + 1 and all(is_number(f) for f in fields[1:-dim]):
            return False, False
        rows += 1
        if not whole and rows >= 8:
            break
    return rows > 0, whole and rows == vocab


def _walk_records(body: bytes, dim: int, most: int,
                  text_words: bool = False) -> tuple[int, int, bool, str]:
    """Read up to `most` word2vec binary records of d numbers from body[0]: (records read,
    the position after them, every one ended with a newline, why it stopped: "done", "end"
    (`body` ran out) or "misaligned" (no word where one should start)). A record: a word
    without a newline (with `text_words`, UTF-8 without control characters), a space, 4·d
    bytes."""
    width = 4 * dim
    position = 0
    newlines = True
    records = 0
    while records < most:
        while position < len(body) and body[position] == 10:
            position += 1
        space = body.find(b" ", position, position + MAX_BINARY_WORD + 1)
        if space < 0:
            return records, position, newlines, (
                "end" if len(body) - position <= MAX_BINARY_WORD else "misaligned")
        word = body[position:space]
        if not word or b"\n" in word or (text_words and not _is_text_word(word)):
            return records, position, newlines, "misaligned"
        end = space + 1 + width
        if end > len(body):
            return records, position, newlines, "end"
        records += 1
        newlines = newlines and body[end:end + 1] in (b"\n", b"")
        position = end
    return records, position, newlines, "done"


def _is_text_word(word: bytes) -> bool:
    if _CONTROL_BYTES.search(word):
        return False
    try:
        word.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def binary_sample_fits(body: bytes, vocab: int, dim: int,
                       whole: bool) -> tuple[bool, bool, bool]:
    """(the first records line up as binary, the whole file is exactly V records, every
    record seen ends with a newline). A record: a word without a newline, a space, 4·d bytes.
    """
    records, position, newlines, stopped = _walk_records(
        body, dim, vocab if whole else min(vocab, 8))
    if stopped != "done":
        return records > 0 and not whole and stopped == "end", False, newlines
    exact = whole and not body[position:].strip()
    return records > 0 and (exact or not whole), exact, newlines


def is_binary(body: bytes) -> bool:
    """Binary data rather than text that may hold a stray control character (a form feed):
    a NUL byte, or bytes that are not UTF-8, in its first 64 KB."""
    sample = body[:65536]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:
            return True
    return b"\x00" in sample


def _looks_like_text(body: bytes) -> bool:
    sample = body[:65536]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:
            return False
    return not any(b < 32 and b not in b"\t\n\r" for b in sample)


