"""Reading a corpus as a stream of sentences: the files of a path (a file, a folder,
.gz/.bz2/.xz), their lines decoded without ever holding more than a chunk as one string,
and the tokenizers.

Tokenizer (plain text): lower-case; a token is a run of letters and digits, which may
contain inner apostrophes or hyphens ("don't", "well-known") and, between digits, dots or
commas ("3.14", "1,000"); all other punctuation separates tokens and is dropped.
The Stanford Sentiment Treebank file (recognised by its `sentence_index<TAB>sentence`
header) is tokenized as the CS224n handout does: split on white space, lower-cased,
punctuation tokens kept.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from core.storage.signatures import (
    convert_command,
    decompress_command,
    fasttext_fix,
    signature,
    utf16_encoding,
)

TOKEN_PATTERN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’-][^\W_]+)*")
SST_HEADER = "sentence_index\tsentence"
CHUNK_BYTES = 1 << 20
# A "line" longer than this (text8 is one 100 MB line) is cut at white space, so that
# no more than a chunk of text is ever held as one string.
MAX_LINE_CHARS = 1 << 20
TEXT_SUFFIXES = {".txt", ".text", ".gz", ".bz2", ".xz", ".tok"}
Progress = Callable[[int, int], None]  # (bytes read, total bytes) -> None



class CorpusError(ValueError):
    """A corpus could not be read or used; the message names the file and the fix."""


class NotUtf8Error(CorpusError):
    """A text corpus with bytes that are not UTF-8: reading it leniently would do."""


def tokenize(line: str) -> list[str]:
    """Split one line of plain text into lower-case tokens (see the module docstring)."""
    return TOKEN_PATTERN.findall(line.lower())


def tokenize_sst(line: str) -> list[str]:
    """The handout's tokenization of one SST sentence: white space, lower-cased."""
    return line.lower().split()


def _open_binary(path: Path):
    """(stream of decompressed bytes, the raw file) — the raw file's position is progress."""
    raw = open(path, "rb")
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    if suffix == ".bz2":
        return bz2.BZ2File(raw, "rb"), raw
    if suffix == ".xz":
        return lzma.LZMAFile(raw, "rb"), raw
    return raw, raw


def corpus_files(path: str | os.PathLike) -> list[Path]:
    """The files a corpus path stands for: the file itself, or a folder's text files, sorted."""
    root = Path(path)
    if not root.exists():
        raise CorpusError(f"{root}: no such file or folder. Check the path.")
    if root.is_dir():
        files = sorted(
            entry
            for entry in root.rglob("*")
            if entry.is_file() and entry.suffix.lower() in TEXT_SUFFIXES
        )
        if not files:
            raise CorpusError(
                f"{root}: the folder has no text files (.txt, .gz, .bz2, .xz). "
                "Put the corpus in .txt files, or open one file directly."
            )
        return files
    return [root]


def read_lines(
    path: Path,
    *,
    lenient: bool = False,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[str]:
    """Yield the lines of one (possibly compressed) UTF-8 file, streaming 1 MiB at a time.

    Invalid UTF-8 raises CorpusError naming the byte offset, unless `lenient`, where bad
    bytes become U+FFFD. UTF-16 text is refused (also when `lenient`), with the command
    that converts it; a NUL byte marks the file as binary, named by its kind where its
    first bytes tell it (`core.storage.signatures`: a fastText model, compressed data, an
    image...). Over-long lines are cut at white space (see MAX_LINE_CHARS).
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace" if lenient else "strict")
    total = path.stat().st_size
    offset = 0
    carry = ""
    first = True
    try:
        stream, raw = _open_binary(path)
    except OSError as error:
        raise CorpusError(f"{path}: cannot open ({error.strerror or error}).") from error
    with raw, stream:
        while True:
            if should_stop is not None and should_stop():
                return
            try:
                chunk = stream.read(CHUNK_BYTES)
            except (OSError, EOFError, lzma.LZMAError) as error:
                raise CorpusError(
                    f"{path}: the compressed data is damaged ({error}). "
                    "Decompress it by hand to check, or use an intact copy."
                ) from error
            if first:
                _refuse_utf16(path, chunk)
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise _known_kind(path, chunk if first else b"") or CorpusError(
                    f"{path} looks like a binary file (NUL byte at offset {offset + nul}), "
                    "not text. Open a plain-text corpus."
                )
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise _known_kind(path, chunk if first else b"") or NotUtf8Error(
                    f"{path} is not valid UTF-8 at byte {offset + error.start} "
                    f"({error.reason}). Convert it to UTF-8, or read it leniently, which "
                    "replaces the bytes that cannot be decoded with \ufffd."
                ) from error
            if first:
                text = text.removeprefix("\ufeff")
                first = False
            offset += len(chunk)
            if progress is not None and total:
                progress(min(raw.tell(), total), total)
            text = carry + text
            lines = text.split("\n")
            carry = lines.pop()
            yield from lines
            if len(carry) > MAX_LINE_CHARS:
                cut = max(carry.rfind(" ", 0, MAX_LINE_CHARS), 0) or MAX_LINE_CHARS
                yield carry[:cut]
                carry = carry[cut:]
            if not chunk:
                break
    if carry:
        yield carry


def _refuse_utf16(path: Path, head: bytes) -> None:
    """UTF-16 text (with or without a byte-order mark) is refused with the command that
    converts it: read as UTF-8 it would be NUL bytes or garbage."""
    encoding = utf16_encoding(head)
    if encoding is not None:
        command, target = convert_command(path, encoding)
        raise CorpusError(f"{path} is UTF-16 text; a corpus must be UTF-8. Convert it "
                          f"({command}) and open {target.name}.")


def _known_kind(path: Path, head: bytes) -> CorpusError | None:
    """The error for a file that is not text, when its first bytes say what it is."""
    found = signature(head)
    if found is None:
        return None
    if found.fasttext:
        return CorpusError(f"{path} is a fastText model, not a text corpus. To explore its "
                           f"vectors: {fasttext_fix(path)}")
    if found.compression is not None:
        command, target = decompress_command(path, found.compression)
        return CorpusError(f"{path} is {found.description}, but its name does not say so. "
                           f"Decompress it ({command}) and open {target.name}.")
    return CorpusError(f"{path} is {found.description}, a binary file, not text. Open a "
                       "plain-text corpus.")


def is_sst_file(path: Path) -> bool:
    """True if the file starts with the Stanford Sentiment Treebank's header line."""
    try:
        stream, raw = _open_binary(path)
        with raw, stream:
            head = stream.read(len(SST_HEADER) + 2)
    except (OSError, EOFError, lzma.LZMAError):
        return False
    return head.decode("utf-8", "replace").lstrip("\ufeff").startswith(SST_HEADER)


def iter_sentences(
    path: str | os.PathLike,
    *,
    lenient: bool = False,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[list[str]]:
    """Yield each non-empty sentence (a list of tokens) of a file or folder."""
    files = corpus_files(path)
    sizes = [f.stat().st_size for f in files]
    total = sum(sizes)
    done = 0
    for file, size in zip(files, sizes, strict=True):

        def file_progress(read: int, _size: int, base: int = done) -> None:
            if progress is not None:
                progress(base + read, total)

        sst = is_sst_file(file)
        lines = read_lines(file, lenient=lenient, progress=file_progress, should_stop=should_stop)
        if sst:
            next(lines, None)  # header
        for line in lines:
            if sst:
                _, _, sentence = line.partition("\t")
                tokens = tokenize_sst(sentence)
            else:
                tokens = tokenize(line)
            if tokens:
                yield tokens
        done += size
