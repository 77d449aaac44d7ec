"""Text rows (word2vec text, GloVe, Projector vectors) split into words and numbers.

A file is read in chunks of whole lines into one reused buffer (`Chunks`); each chunk's
token edges, line edges and numbers are found by NumPy over the whole chunk
(`parse_lines`, with `core.vectors.number_parsing`), and only lines with an unexpected number of
fields are looked at one by one. Lines are split on ``\\n`` only; fields on bytes <= 32.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from core.vectors.number_parsing import BadToken, is_number, parse_number_tokens, unaligned_words
from core.vectors.rows import counted
from core.vectors.types import VectorFileError

NUMBERS_PER_BATCH = 1 << 16  # numbers parsed together: their arrays fit in a core's cache


class Chunks:
    """A binary file read in `chunk_bytes` pieces of whole lines into one reused buffer.

    Each piece sits at buffer[PAD:end] with PAD spare bytes before it, so 32-byte windows
    ending at any token can be read. A line that does not fit makes the buffer grow; a last
    line without a newline gets one.
    """

    PAD = 64

    def __init__(self, stream: BinaryIO, chunk_bytes: int) -> None:
        self.stream = stream
        self.buffer = bytearray(self.PAD + chunk_bytes + 1)
        self.filled = self.PAD
        self.eof = False
        self.added_newline = False  # the file's last line had no newline; one was added
        self.offset = stream.tell()  # file offset of buffer[PAD]

    def __iter__(self):
        """Yields (buffer, end, file offset of buffer[PAD]) with buffer[PAD:end] whole lines."""
        while True:
            if not self.eof:
                if self.filled == len(self.buffer) - 1:
                    grown = bytearray(2 * len(self.buffer))
                    grown[:self.filled] = self.buffer[:self.filled]
                    self.buffer = grown
                view = memoryview(self.buffer)[self.filled:len(self.buffer) - 1]
                read = self.stream.readinto(view)
                view.release()
                self.filled += read
                self.eof = read == 0
            if self.eof:
                if self.filled == self.PAD:
                    return
                if self.buffer[self.filled - 1] != 10:
                    self.buffer[self.filled] = 10
                    self.filled += 1
                    self.added_newline = True
                end = self.filled
            else:
                end = self.buffer.rfind(b"\n", self.PAD, self.filled) + 1
                if end == 0:
                    continue  # no whole line yet: read more (growing the buffer)
            yield self.buffer, end, self.offset
            self.offset += end - self.PAD
            tail = self.filled - end
            self.buffer[self.PAD:self.PAD + tail] = self.buffer[end:self.filled]
            self.filled = self.PAD + tail


@dataclass
class Shape:
    """What every row of a text file must look like, and how to name a wrong one."""

    dim: int
    words: int  # word fields before the numbers: 1, or 0 for Projector vectors
    dim_source: str  # "the header says 300" or "line 1 has 300"


@dataclass
class ParsedLines:
    """The rows of a piece of text: their words (bytes), numbers and line numbers."""

    words: list[bytes | bytearray]
    values: np.ndarray  # (rows, d) float64
    lines: np.ndarray  # (rows,) int64, 1-based
    line_count: int  # lines in the piece, blank ones included

    def head(self, rows: int) -> ParsedLines:
        """The first `rows` rows."""
        return ParsedLines(self.words[:rows], self.values[:rows], self.lines[:rows],
                            self.line_count)


def parse_lines(path: Path, buffer: bytearray, start: int, end: int, shape: Shape,
                 first_line: int, cut: bool) -> ParsedLines:
    """Parse buffer[start:end], whole lines of rows, into words and numbers.

    Fields are separated by bytes <= 32 (space, tab, \\r, ...), lines by \\n only. Token
    edges, line edges and the numbers are found by NumPy over the whole piece; only lines
    with an unexpected number of fields are looked at one by one. `cut`: the piece's last
    line had no newline at the end of the file.
    """
    dim = shape.dim
    data = np.frombuffer(buffer, dtype=np.uint8)
    piece = data[start:end]
    separator = piece <= 32
    changes = np.flatnonzero(separator[1:] != separator[:-1]) + 1
    if not separator[0]:
        changes = np.concatenate(([0], changes))
    token_starts = changes[0::2] + start  # the piece ends with "\\n": every token ends
    token_ends = changes[1::2] + start
    newlines = np.flatnonzero(piece == 10) + start
    line_starts = np.concatenate(([start], newlines[:-1] + 1))
    first_token = np.searchsorted(token_starts, line_starts)
    fields = np.diff(np.append(first_token, len(token_starts)))
    rows = np.flatnonzero(fields > 0)  # blank lines are skipped
    odd = rows[fields[rows] != dim + shape.words]
    word_fields = np.full(len(rows), shape.words, dtype=np.int64)
    if len(odd):
        _odd_lines(path, buffer, token_starts, token_ends, first_token, fields, rows, odd,
                   shape, first_line, cut and odd[-1] == len(newlines) - 1, word_fields)
    row_tokens = first_token[rows]
    numeric = np.ones(len(token_starts), dtype=bool)
    if shape.words:
        numeric[row_tokens] = False
        for row in np.flatnonzero(word_fields > 1).tolist():  # words with spaces
            numeric[row_tokens[row]:row_tokens[row] + word_fields[row]] = False
    number_starts, number_ends = token_starts[numeric], token_ends[numeric]
    words64 = unaligned_words(buffer)
    values = np.empty(len(number_starts))
    for first in range(0, len(values), NUMBERS_PER_BATCH):  # batches that stay in cache
        batch = slice(first, first + NUMBERS_PER_BATCH)
        try:
            values[batch] = parse_number_tokens(data, words64, number_starts[batch],
                                                 number_ends[batch])
        except BadToken as bad:
            shown = bad.token[:40].decode("utf-8", errors="replace")
            raise VectorFileError(
                path, f"'{shown}' is not a number.", "Fix or remove that line.",
                line=first_line + int(rows[(first + bad.index) // dim])) from None
    word_bytes: list[bytes | bytearray] = []
    if shape.words:
        word_starts = token_starts[row_tokens].tolist()
        word_ends = token_ends[row_tokens + word_fields - 1].tolist()
        word_bytes = [buffer[s:e] for s, e in zip(word_starts, word_ends, strict=True)]
    return ParsedLines(word_bytes, values.reshape(len(rows), dim), rows + first_line,
                        len(newlines))


def _odd_lines(path: Path, buffer: bytearray, token_starts: np.ndarray, token_ends: np.ndarray,
               first_token: np.ndarray, fields: np.ndarray, rows: np.ndarray, odd: np.ndarray,
               shape: Shape, first_line: int, last_is_cut: bool,
               word_fields: np.ndarray) -> None:
    """Lines whose field count is not words + d: a word holding spaces (the extra fields
    are not all numbers; `word_fields` is set), else an error naming the line."""
    dim = shape.dim
    for line_index, row in zip(odd.tolist(), np.searchsorted(rows, odd).tolist(), strict=True):
        count = int(fields[line_index])
        line = first_line + line_index
        if shape.words and count > dim + 1:
            first = int(first_token[line_index])
            extra = [bytes(buffer[token_starts[t]:token_ends[t]])
                     for t in range(first + 1, first + count - dim)]
            if not all(is_number(token) for token in extra):
                word_fields[row] = count - dim
                continue
        numbers = count - shape.words
        if last_is_cut and line_index == odd[-1]:
            raise VectorFileError(
                path, f"ends in the middle of line {line:,} ({numbers:,} of "
                f"{counted(dim, 'number')}): "
                f"it is cut off after line {line - 1:,}, the last complete line.",
                "Re-save or re-download the file.", line=line)
        if shape.words and count == 1:
            problem = "has a word but no numbers"
        else:
            problem = f"has {counted(numbers, 'number')}, but {shape.dim_source}"
        raise VectorFileError(path, problem + " (rows of mixed dimensions).",
                              "Fix or remove that line, or re-save the file.", line=line)

