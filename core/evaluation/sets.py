"""Test sets read from files: analogy questions (Google's questions-words.txt) and
word pairs with gold scores (WordSim353, SimLex-999).

File policies (`read_analogies`, `read_pairs`): UTF-8 (a BOM is dropped), gzip and bz2 are
opened as gensim's smart_open does; every unusable file raises EvaluationFileError naming the
file, the line where known, the problem and the fix. Deliberate differences from gensim's
readers, none of which changes gensim's numbers on a file it reads as intended:
- analogies: blank lines and lines starting with "#" are ignored (gensim logs blank lines as
  invalid; a "#" line of exactly 4 words would be a question to gensim); a question line
  before the first ": section" header is an error (gensim raises too).
- pairs: the delimiter is found per file (tab if any data line has one, else comma, else
  whitespace; gensim takes a delimiter argument, tab by default); words are stripped of
  surrounding spaces; lines with more than 3 fields (SimLex-999's own file) are read, the gold
  score being the first number after the two words, where gensim skips them as invalid;
  non-finite scores ("nan") are invalid.
"""

from __future__ import annotations

import bz2
import gzip
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["AnalogySet", "EvaluationFileError", "PairSet", "parse_analogies", "parse_pairs",
           "read_analogies", "read_pairs"]

MAX_FILE_BYTES = 256 << 20  # test sets are kilobytes; anything this big is the wrong file

ANALOGY_FORMAT = ("Expected lines 'a b c d' (like 'Athens Greece Baghdad Iraq') under "
                  "': section' headers, like Google's questions-words.txt.")
PAIR_FORMAT = ("Expected lines 'word1<TAB>word2<TAB>score' (or comma-separated), like "
               "WordSim353's wordsim353.tsv or SimLex-999.")


class EvaluationFileError(ValueError):
    """A test file could not be used; str() names the file, the line (if any), the problem and
    the fix. Attributes: path (as given), problem, fix, line (1-based int or None)."""

    def __init__(self, path: str | os.PathLike, problem: str, fix: str = "",
                 line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        self.line = line
        where = f"{path}, line {line:,}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}" + (f" {fix}" if fix else ""))



# ---------------------------------------------------------------------- test sets
@dataclass(frozen=True, eq=False)
class AnalogySet:
    """Analogy questions read from a questions-words.txt style file.

    name:          file name (for display)
    sections:      (S,) section names in file order (repeats and empty sections kept, as gensim)
    section_of:    (Q,) int64, index into `sections` for each question (read-only)
    questions:     (Q,) (a, b, c, expected) as written in the file
    invalid_lines: lines skipped as malformed (not 4 words; gensim skips them too)
    """

    name: str
    sections: tuple[str, ...]
    section_of: np.ndarray
    questions: tuple[tuple[str, str, str, str], ...]
    invalid_lines: int


@dataclass(frozen=True, eq=False)
class PairSet:
    """Word pairs with gold similarities (WordSim353 / SimLex-999 style).

    pairs:  (P,) (word1, word2) as written; scores: (P,) float64 gold similarities (read-only)
    invalid_lines: data lines skipped (no 'word word number': headers, short lines)
    """

    name: str
    pairs: tuple[tuple[str, str], ...]
    scores: np.ndarray
    invalid_lines: int


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def read_analogies(path: str | os.PathLike) -> AnalogySet:
    """Read an analogy test set (": section" lines, then "a b c d" lines). Raises
    EvaluationFileError for a missing, empty, binary or non-UTF-8 file, a folder, or a file
    with no question."""
    source = Path(path)
    text = _read_text(source, "analogy questions", "questions-words.txt")
    with _naming(source):
        return parse_analogies(text, source.name)


def parse_analogies(text: str, name: str = "analogies") -> AnalogySet:
    """Analogy questions from the text of a questions-words.txt style file (see
    read_analogies). Lines are split on "\\n" only and words on any whitespace, as gensim
    reads them; errors name `name`."""
    sections: list[str] = []
    section_of: list[int] = []
    questions: list[tuple[str, str, str, str]] = []
    invalid = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith(": "):
            sections.append(line.lstrip(": ").strip())  # gensim's own expression for the name
            continue
        if line.startswith("#"):
            continue
        words = line.split()
        if not words:
            continue
        if len(words) != 4:
            invalid += 1
            continue
        if not sections:
            raise EvaluationFileError(
                name, "has a question before the first ': section' line.",
                "Add a section line such as ': capital-common-countries' above it.", number)
        questions.append((words[0], words[1], words[2], words[3]))
        section_of.append(len(sections) - 1)
    if not questions:
        raise EvaluationFileError(name, "holds no analogy questions.", ANALOGY_FORMAT)
    return AnalogySet(name, tuple(sections), _frozen(np.array(section_of, dtype=np.int64)),
                      tuple(questions), invalid)


def read_pairs(path: str | os.PathLike) -> PairSet:
    """Read a word-pair similarity set (word1, word2, score per line; tab or comma; "#"
    comments). Raises EvaluationFileError like read_analogies."""
    source = Path(path)
    text = _read_text(source, "word pairs", "wordsim353.tsv")
    with _naming(source):
        return parse_pairs(text, source.name)


def parse_pairs(text: str, name: str = "pairs") -> PairSet:
    """Word pairs from the text of a WordSim353 / SimLex-999 style file (see the module
    docstring for the delimiter and extra-column rules); errors name `name`."""
    # universal newlines, as gensim's text-mode open reads the file
    lines = [(number, line) for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1)
             if line.strip() and not line.startswith("#")]
    delimiter: str | None = None  # None: any whitespace (MEN-style files)
    if any("\t" in line for _, line in lines):
        delimiter = "\t"
    elif any("," in line for _, line in lines):
        delimiter = ","
    pairs: list[tuple[str, str]] = []
    scores: list[float] = []
    invalid = 0
    for _, line in lines:
        fields = line.split(delimiter)
        first, second = (fields[0].strip(), fields[1].strip()) if len(fields) >= 3 else ("", "")
        score = next((v for v in map(_finite_number, fields[2:]) if v is not None), None)
        if not first or not second or score is None:
            invalid += 1  # a header such as "Word 1<TAB>Word 2<TAB>Human (mean)", a short line
            continue
        pairs.append((first, second))
        scores.append(score)
    if not pairs:
        raise EvaluationFileError(name, "holds no word pairs.", PAIR_FORMAT)
    return PairSet(name, tuple(pairs), _frozen(np.array(scores, dtype=np.float64)), invalid)


@contextmanager
def _naming(source: Path) -> Iterator[None]:
    """Errors of the parsers, which know only the file's name, re-raised with its path."""
    try:
        yield
    except EvaluationFileError as error:
        raise EvaluationFileError(source, error.problem, error.fix, error.line) from None


def _finite_number(field: str) -> float | None:
    try:
        value = float(field)  # what gensim calls on the score field
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _read_text(source: Path, what: str, example: str) -> str:
    """The UTF-8 text of a test file (gzip / bz2 opened), or EvaluationFileError."""
    choose = f"Choose a file of {what}, like {example}."
    if not source.exists():
        raise EvaluationFileError(source, "does not exist.", "Check the name and the folder.")
    if source.is_dir():
        raise EvaluationFileError(source, "is a folder, not a file.",
                                  f"Choose the file of {what} inside it (like {example}).")
    try:
        size = source.stat().st_size
        if size > MAX_FILE_BYTES:
            raise EvaluationFileError(
                source, f"is {size / 2 ** 20:,.0f} MB, far larger than any test set.",
                f"Is it the right file? {choose}")
        data = source.read_bytes()
    except OSError as error:
        raise EvaluationFileError(source, f"cannot be read ({error.strerror or error}).",
                                  "Check that you may read it.") from error
    data = _decompressed(source, data)
    if not data.strip():
        raise EvaluationFileError(source, "is empty.", choose)
    zero = data.find(b"\x00")
    if zero >= 0:
        raise EvaluationFileError(source, "is a binary file, not text (it holds a zero byte).",
                                  f"{choose} If it is text in UTF-16, save it as UTF-8.",
                                  data.count(b"\n", 0, zero) + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EvaluationFileError(
            source, f"is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded).",
            "Save it as UTF-8 (most editors offer this under Save As) and open it again.",
            data.count(b"\n", 0, error.start) + 1) from None
    return text.removeprefix("\ufeff")


def _decompressed(source: Path, data: bytes) -> bytes:
    """gzip (by its magic bytes) and bz2 (by its suffix and magic) are read through, as gensim's
    smart_open does."""
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        elif source.suffix.lower() == ".bz2" and data[:3] == b"BZh":
            data = bz2.decompress(data)
    except (OSError, EOFError, ValueError) as error:
        raise EvaluationFileError(source, f"is a damaged compressed file ({error}).",
                                  "Decompress it again or choose another copy.") from None
    if len(data) > MAX_FILE_BYTES:
        raise EvaluationFileError(source, "decompresses to more than any test set holds.",
                                  "Is it the right file?")
    return data


