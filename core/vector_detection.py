"""Which format a vectors file holds, from its first megabyte, and where its rows start.

`detect` tells every format in `FORMATS` apart (and names what a file that is not vectors
seems to be); `layout_for` reads only the header when the format is given. word2vec text
and binary, both after a "V d" header, are told apart by reading the first records both
ways (`_decide_text_or_binary`).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.number_parsing import is_number
from core.vector_types import MAX_BINARY_WORD, VectorFileError, unreadable

HEAD_BYTES = 1 << 20  # bytes examined to tell the format
SESSION_SUFFIX = ".w2vsession"  # the same as core.session's; not imported, to stay light


@dataclass
class Layout:
    """What detection learnt: the format, where the rows start, and the header's numbers."""

    format: str
    data_start: int = 0  # byte offset of the first row
    first_line: int = 1  # line number of the first row
    vocab: int | None = None  # the header's V
    dim: int | None = None


_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"\x1f\x8b", "gzip-compressed"), (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ", "xz-compressed"), (b"\x7fELF", "a program"),
    (b"\xba\x16\x4f\x2f", "a fastText .bin model"),
)


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
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            fix = ("Open the .vec file saved beside it." if "fastText" in kind
                   else "Decompress it first." if "compressed" in kind
                   else "Choose a file of word vectors.")
            raise VectorFileError(path, f"is {kind}, not a file of word vectors.", fix)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        raise VectorFileError(path, "is UTF-16 text, not UTF-8.",
                              "Save it as UTF-8 and open it again.")
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0  # a UTF-8 byte-order mark
    first_end = head.find(b"\n", start)
    first = head[start:first_end if first_end >= 0 else len(head)]
    fields = first.split()
    size = path.stat().st_size
    if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit():
        vocab, dim = int(fields[0]), int(fields[1])
        data_start = first_end + 1 if first_end >= 0 else len(head)
        return Layout(_decide_text_or_binary(path, head, data_start, vocab, dim, size),
                       data_start, 2, vocab, dim)
    if not fields:
        raise VectorFileError(path, "starts with an empty line.",
                              "Remove it; line 1 should be a header or a word and its vector.",
                              line=1)
    lines = _sample_lines(head, start)
    if all(is_number(f) for f in fields) and (b"\t" in first or path.suffix == ".tsv"):
        _check_sample(path, lines, len(fields), words=0)
        return Layout("projector", start, 1, None, len(fields))
    dim = _glove_dimension(lines)
    if 1 <= dim < len(fields):
        _check_sample(path, lines, dim, words=1)
        return Layout("glove", start, 1, None, dim)
    problem, line = _not_vectors(head, first)
    raise VectorFileError(path, problem, _not_vectors_fix(path), line=line)


def _looks_utf16(head: bytes) -> bool:
    """ASCII text in UTF-16 has a zero byte in every other place."""
    sample = head[:400]
    sample = sample[:len(sample) // 2 * 2]
    if len(sample) < 8 or sample.count(0) < len(sample) // 3:
        return False
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if sum(" " <= c <= "~" or c in "\t\n\r" for c in text) >= 0.9 * len(text):
            return True
    return False


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


def _sample_lines(head: bytes, start: int, count: int = 8) -> list[bytes]:
    """Up to `count` complete non-blank lines of `head` from `start`."""
    complete = head.rfind(b"\n") + 1 if len(head) >= HEAD_BYTES else len(head)
    lines = [line for line in head[start:complete].split(b"\n")[:count + 1] if line.strip()]
    return lines[:count]


def _trailing_numbers(fields: list[bytes]) -> int:
    """How many of the last fields are numbers (a GloVe row: all but the word)."""
    count = 0
    for token in reversed(fields):
        if not is_number(token):
            break
        count += 1
    return count


def _glove_dimension(lines: list[bytes]) -> int:
    """d of headerless rows: the commonest field count minus the word, among counts line 1
    allows (a word may hold spaces, so line 1 alone cannot tell); ties go to the smaller."""
    if not lines:
        return 0
    most = _trailing_numbers(lines[0].split())
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
            path, f"is not a vectors file: line 1 has {dim} numbers but line {number} "
            f"reads '{shown}'.", _not_vectors_fix(path), line=number)


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


def _decide_text_or_binary(path: Path, head: bytes, data_start: int, vocab: int, dim: int,
                           size: int) -> str:
    """word2vec text or binary after a "V d" header, by reading the first records both ways.

    Text: each sampled line is a word and exactly d numbers (and, when the whole file is in
    the sample, there are V such lines). Binary: each record is a word without a newline,
    a space and 4·d bytes, the records line up one after another, and the file is large
    enough for V of them. If only one reading works, it wins; if both do, text wins unless
    the whole file was sampled and only the binary reading used it exactly.
    """
    if dim <= 0 or dim > 10_000_000:
        raise VectorFileError(path, f"has an impossible header: {vocab:,} words of dimension "
                              f"{dim:,}.", "Line 1 should be '<words> <dimensions>'.", line=1)
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
        raise VectorFileError(
            path, f"has a header promising {vocab:,} words of {dim:,} numbers, more than its "
            f"{size:,} bytes can hold.", "Fix line 1 to the real '<words> <dimensions>', or "
            "re-download the file if it is cut off.", line=1)
    text_ok, text_exact = _text_sample_fits(body, vocab, dim, whole)
    lined_up, binary_exact, newlines = _binary_sample_fits(body, vocab, dim, whole)
    if text_ok and not (whole and binary_exact and not text_exact):
        return "word2vec"
    if text_ok or not _looks_like_text(body):
        return "word2vec-binary"  # its reader names what is wrong, if anything
    if lined_up and (binary_exact or newlines) and vocab * (4 * dim + 2) <= size - data_start:
        return "word2vec-binary"
    return "word2vec"  # read as text: its reader names the first line that is wrong


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


def _binary_sample_fits(body: bytes, vocab: int, dim: int,
                        whole: bool) -> tuple[bool, bool, bool]:
    """(the first records line up as binary, the whole file is exactly V records, every
    record seen ends with a newline). A record: a word without a newline, a space, 4·d bytes.
    """
    width = 4 * dim
    position = 0
    newlines = True
    records = 0
    while records < (vocab if whole else min(vocab, 8)):
        while position < len(body) and body[position] == 10:
            position += 1
        space = body.find(b" ", position, position + MAX_BINARY_WORD + 1)
        if space <= position or b"\n" in body[position:space]:
            return records > 0 and not whole and space < 0, False, newlines
        end = space + 1 + width
        if end > len(body):
            return records > 0 and not whole, False, newlines
        records += 1
        newlines = newlines and body[end:end + 1] in (b"\n", b"")
        position = end
    exact = whole and not body[position:].strip()
    return records > 0 and (exact or not whole), exact, newlines


def _looks_like_text(body: bytes) -> bool:
    sample = body[:65536]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:
            return False
    return not any(b < 32 and b not in b"\t\n\r" for b in sample)


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
        _decide_text_or_binary(path, head, data_start, vocab, dim, size)
        return Layout(format, data_start, 2, vocab, dim)
    words = 1 if format == "glove" else 0
    if len(first) <= words or not all(is_number(f) for f in first[words:]):
        shown = b" ".join(first)[:60].decode("utf-8", errors="replace")
        raise VectorFileError(path, f"line 1 is not a row of {format} vectors: '{shown}'.",
                              "Choose the format the file was written in.", line=1)
    return Layout(format, start, 1, None, len(first) - words)
