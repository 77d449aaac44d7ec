"""Which format a vectors file holds, from its first megabyte, and where its rows start.

`detect` tells every format in `FORMATS` apart (and names what a file that is not vectors
seems to be: by its first bytes, `core.storage.signatures`); `layout_for` reads only the header
when the format is given. word2vec text and binary, both after a "V d" header, are told
apart by reading the first records both ways (`core.vectors.text_or_binary`); when neither
reading fits the header's dimension, the rows or records are tried against every other one,
so that a wrong header is named as such. `looks_like_vectors` says whether a file seems
meant as vectors at all, readable or not (`core.vectors.reading.classify_file` uses it).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.storage.signatures import (
    convert_command,
    decode_utf16,
    decompress_command,
    decompressed_head,
    fasttext_fix,
    signature,
    utf16_encoding,
)
from core.vectors.number_parsing import is_number
from core.vectors.rows import counted
from core.vectors.text_or_binary import (
    HEAD_BYTES,
    binary_dimension,
    binary_dimension_error,
    binary_sample_fits,
    decide_text_or_binary,
    is_binary,
    sample_lines,
    text_dimension,
    trailing_numbers,
)
from core.vectors.types import VectorFileError, unreadable

# the text-or-binary rules are core.vectors.text_or_binary's; readers take them from here
__all__ = ["HEAD_BYTES", "SESSION_SUFFIX", "VECTOR_SUFFIXES", "Layout",
           "binary_dimension", "binary_dimension_error", "detect", "layout_for",
           "looks_like_vectors"]
_binary_sample_fits = binary_sample_fits  # its rule is tested alone, through core.vectors.reading

SESSION_SUFFIX = ".w2vsession"  # the same as core.session's; not imported, to stay light
# names that say "vectors": such a file is never taken for a corpus
VECTOR_SUFFIXES = (".vec", ".bin", ".tsv", ".npz", SESSION_SUFFIX)


@dataclass
class Layout:
    """What detection learnt: the format, where the rows start, and the header's numbers."""

    format: str
    data_start: int = 0  # byte offset of the first row
    first_line: int = 1  # line number of the first row
    vocab: int | None = None  # the header's V
    dim: int | None = None


def _read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(size)
    except IsADirectoryError:
        raise VectorFileError(path, "is a folder, not a vectors file.",
                              "Choose a file of word vectors.") from None
    except OSError as error:
        raise unreadable(path, error) from error


def detect(path: Path) -> Layout:
    head = _read_head(path)
    if not head:
        raise VectorFileError(path, "is empty.", "Choose a file of word vectors.")
    if head.startswith(b"PK\x03\x04") or path.suffix in (".npz", SESSION_SUFFIX):
        return Layout(_archive_kind(path, head))
    _refuse_signature(path, head)
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0  # a UTF-8 byte-order mark
    first_end = head.find(b"\n", start)
    first = head[start:first_end if first_end >= 0 else len(head)]
    fields = first.split()
    size = path.stat().st_size
    if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit():
        vocab, dim = int(fields[0]), int(fields[1])
        data_start = first_end + 1 if first_end >= 0 else len(head)
        return Layout(decide_text_or_binary(path, head, data_start, vocab, dim, size),
                       data_start, 2, vocab, dim)
    if not fields:
        if _head_looks_like_vectors(head):
            raise VectorFileError(
                path, "starts with an empty line.",
                "Remove it; line 1 should be a header or a word and its vector.", line=1)
        rest = head[start:].lstrip()
        text = rest.split(b"\n", 1)[0]
        problem, line = _not_vectors(rest, text)
        if line == 1:  # text: name what follows the blank lines
            shown = text[:60].decode("utf-8", errors="replace")
            problem = f"is not a vectors file: it starts with an empty line, then reads '{shown}'."
        raise VectorFileError(path, problem, _not_vectors_fix(path))
    lines = sample_lines(head, start)
    if all(is_number(f) for f in fields) and (b"\t" in first or path.suffix == ".tsv"):
        _check_sample(path, lines, len(fields), words=0)
        return Layout("projector", start, 1, None, len(fields))
    _refuse_header_of_many_fields(path, fields, lines)
    dim = _glove_dimension(lines)
    if 1 <= dim < len(fields):
        _check_sample(path, lines, dim, words=1)
        return Layout("glove", start, 1, None, dim)
    problem, line = _not_vectors(head, first)
    raise VectorFileError(path, problem, _not_vectors_fix(path), line=line)


def _refuse_signature(path: Path, head: bytes) -> None:
    """A file whose first bytes say it is not vectors text (an image, compressed data, a
    fastText model, UTF-16 text) is refused, saying what it is and what to do."""
    found = signature(head)
    if found is not None and found.fasttext:
        raise VectorFileError(path, "is a fastText model, not a file of word vectors.",
                              fasttext_fix(path))
    if found is not None and found.compression is not None:
        command, target = decompress_command(path, found.compression)
        if _head_looks_like_vectors(decompressed_head(path, found.compression, HEAD_BYTES)):
            raise VectorFileError(
                path, f"holds {found.description} word vectors, which must be decompressed "
                "first.", f"Decompress it ({command}) and open {target.name}.")
        raise VectorFileError(
            path, f"is {found.description} and does not hold word vectors.",
            "Choose a file of word vectors (a compressed corpus opens as a corpus).")
    if found is not None:
        raise VectorFileError(path, f"is {found.description}, not a file of word vectors.",
                              "Choose a file of word vectors.")
    encoding = utf16_encoding(head)
    if encoding is not None:
        command, target = convert_command(path, encoding)
        raise VectorFileError(path, "is UTF-16 text, not UTF-8.",
                              f"Convert it ({command}) and open {target.name}.")


def _refuse_header_of_many_fields(path: Path, fields: list[bytes], lines: list[bytes]) -> None:
    """Line 1 starts with two whole numbers and has more fields, but is not a row like the
    rows below (they have another count of numbers): a header that is not '<words>
    <dimensions>' (e.g. three fields)."""
    if len(fields) < 3 or not (fields[0].isdigit() and fields[1].isdigit()):
        return
    dimension = text_dimension(lines[1:])
    if dimension is None or (dimension == len(fields) - 1
                             and all(is_number(f) for f in fields[1:])):
        return
    shown = b" ".join(fields)[:60].decode("utf-8", errors="replace")
    words = fields[0].decode() if fields[0].isdigit() else "<words>"
    raise VectorFileError(
        path, f"reads '{shown}', which looks like a header, but a header is two whole "
        "numbers, '<words> <dimensions>', and the rows below have "
        f"{counted(dimension, 'number')} each.",
        f"Fix line 1 to '{words} {dimension}', or remove it.", line=1)


def looks_like_vectors(path: Path) -> bool:
    """Whether `path` seems meant as word vectors, readable or not: its name (.vec, .bin,
    .tsv, .npz, a session; also inside .gz/.bz2/.xz), a zip archive, a fastText model, or
    text (also compressed or UTF-16) whose lines are mostly a word and numbers, or a
    '<words> <dimensions>' header over binary records. Raises VectorFileError if the file
    cannot be read."""
    suffix = path.suffix.lower()
    if suffix in VECTOR_SUFFIXES or (suffix in (".gz", ".bz2", ".xz")
                                     and Path(path.stem).suffix.lower() in VECTOR_SUFFIXES):
        return True
    head = _read_head(path)
    found = signature(head)
    if found is not None and found.compression is not None:
        head = decompressed_head(path, found.compression, HEAD_BYTES)
    return _head_looks_like_vectors(head)


def _head_looks_like_vectors(head: bytes) -> bool:
    """`looks_like_vectors` for a file's first bytes (decompressed)."""
    found = signature(head)
    if found is not None:
        return found.fasttext or found.description == "a zip archive"
    encoding = utf16_encoding(head)
    if encoding is not None:
        head = decode_utf16(head, encoding)
    whole = len(head) < HEAD_BYTES
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()  # blank lines too
    first_end = text.find(b"\n")
    first = text[:first_end if first_end >= 0 else len(text)].split()
    body = text
    if 2 <= len(first) <= 3 and first[0].isdigit() and first[1].isdigit():  # a header
        body = text[first_end + 1:] if first_end >= 0 else b""
        if len(first) == 2 and (not body.strip() or is_binary(body)):
            return True  # nothing, or binary records, after the header
    lines = sample_lines(body, 0, 32, whole)
    if not lines:
        return False
    rows = sum(_is_row(line) for line in lines)
    return 4 * rows >= 3 * len(lines)


def _is_row(line: bytes) -> bool:
    """A line of vectors, readable or not: at least two numbers, half its fields or more."""
    fields = line.split()
    numbers = sum(is_number(f) for f in fields[-1000:])  # the end of a long row tells
    return numbers >= 2 and 2 * numbers >= min(len(fields), 1000)


def _not_vectors(head: bytes, first: bytes) -> tuple[str, int | None]:
    """What a file that is not vectors seems to be, and the line that shows it (if text)."""
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < min(len(head), 4096) - 4 or len(head) < 4096:
            if sum(b < 32 and b not in b"\t\n\r" for b in head[:4096]) > 8:
                return "holds binary data, not word vectors.", None
            line = head.count(b"\n", 0, error.start) + 1
            return ("is not UTF-8 text (it may be mis-encoded), and not word vectors.", line)
    shown = first[:60].decode("utf-8", errors="replace")
    return (f"is not a vectors file: line 1 should be a '<words> <dimensions>' header or a "
            f"word and its numbers, but it reads '{shown}'.", 1)


def _not_vectors_fix(path: Path) -> str:
    if path.suffix == ".tsv":
        return ("If this is an Embedding Projector metadata file, open the vectors TSV "
                "beside it (the metadata is found by name).")
    return ("Choose word2vec (text or binary), fastText .vec, GloVe, Embedding Projector "
            "TSV, a saved model (.npz) or a session.")


def _glove_dimension(lines: list[bytes]) -> int:
    """d of headerless rows: the commonest field count minus the word, among counts line 1
    allows (a word may hold spaces, so line 1 alone cannot tell); ties go to the smaller."""
    if not lines:
        return 0
    most = trailing_numbers(lines[0].split())
    candidates = [len(line.split()) - 1 for line in lines]
    candidates = [d for d in candidates if 1 <= d <= most]
    if not candidates:
        return 0
    return min(set(candidates), key=lambda d: (-candidates.count(d), d))


def _check_sample(path: Path, lines: list[bytes], dim: int, words: int) -> None:
    """The first lines must be rows of `words` word fields and `dim` numbers, or it is not a
    vectors file. A later line with the right number of fields passes if one of its values
    is a number (its reader then names a bad value); with d = 1 every value must be one."""
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        values = fields[-dim:] if len(fields) >= dim + words else []
        if values and (all(is_number(f) for f in values) or (
                number > 1 and dim > 1 and len(fields) == dim + words
                and any(is_number(f) for f in values))):
            continue
        shown = line[:60].decode("utf-8", errors="replace")
        raise VectorFileError(
            path, f"is not a vectors file: line 1 has {counted(dim, 'number')} but line "
            f"{number} reads '{shown}'.", _not_vectors_fix(path), line=number)


def _archive_kind(path: Path, head: bytes) -> str:
    if not head.startswith(b"PK\x03\x04"):
        raise VectorFileError(path, f"is not a readable {path.suffix} file (it is not a "
                              "NumPy archive).", "It may be damaged; choose another file.")
    try:
        with np.load(path, allow_pickle=False) as data:
            names = set(data.files)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise VectorFileError(path, f"is a zip archive that cannot be read ({error}).",
                              "If it holds vectors, extract them first.") from error
    if "session_version" in names:
        return "session"
    if "center_vectors" in names and "words" in names:
        return "model"
    raise VectorFileError(path, "is an archive but not a Word2Vec Studio model or session.",
                          "If it holds vectors (e.g. glove.6B.zip), extract them first.")


def layout_for(path: Path, format: str) -> Layout:
    """The layout when the caller names the format: only the header is read."""
    if format in ("model", "session"):
        return Layout(format)
    head = _read_head(path)
    if not head.strip():
        raise VectorFileError(path, "is empty.", "Choose a file of word vectors.")
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    first_end = head.find(b"\n", start)
    first = head[start:first_end if first_end >= 0 else len(head)].split()
    if format in ("word2vec", "word2vec-binary"):
        if len(first) != 2 or not (first[0].isdigit() and first[1].isdigit()):
            shown = b" ".join(first)[:60].decode("utf-8", errors="replace")
            raise VectorFileError(
                path, f"has no '<words> <dimensions>' header: line 1 reads '{shown}'.",
                "If it is GloVe (no header), open it as GloVe.", line=1)
        vocab, dim = int(first[0]), int(first[1])
        size = path.stat().st_size
        data_start = first_end + 1 if first_end >= 0 else len(head)
        # the same checks of the header as detection makes
        decide_text_or_binary(path, head, data_start, vocab, dim, size)
        return Layout(format, data_start, 2, vocab, dim)
    words = 1 if format == "glove" else 0
    if len(first) <= words or not all(is_number(f) for f in first[words:]):
        shown = b" ".join(first)[:60].decode("utf-8", errors="replace")
        raise VectorFileError(path, f"line 1 is not a row of {format} vectors: '{shown}'.",
                              "Choose the format the file was written in.", line=1)
    return Layout(format, start, 1, None, len(first) - words)
