"""What the first bytes of a file that is not UTF-8 text say it is (an image, an archive,
compressed data, a program, a fastText model, UTF-16 text), and the command that makes it
readable. The vectors and the corpus readers both use it, so they name a file alike.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import math
import re
import shlex
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

FASTTEXT_MAGIC = 793712314  # the int32 that starts a fastText model since 2017 (0.1.0)


@dataclass(frozen=True)
class Signature:
    """What a file is by its first bytes."""

    description: str  # "a PNG image", "gzip-compressed", "a fastText model", ...
    compression: str | None = None  # the tool that decompresses it: "gzip", "bzip2", "xz"
    fasttext: bool = False


# first bytes -> kind; the ones made of letters are matched in full, so that a text file
# that happens to start with "BZh" or "GIF8" is not taken for one
_MAGIC = (
    (re.compile(rb"\x89PNG\r\n\x1a\n"), Signature("a PNG image")),
    (re.compile(rb"\xff\xd8\xff"), Signature("a JPEG image")),
    (re.compile(rb"GIF8[79]a"), Signature("a GIF image")),
    (re.compile(rb"%PDF-\d"), Signature("a PDF document")),
    (re.compile(rb"\x1f\x8b\x08"), Signature("gzip-compressed", "gzip")),
    (re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)"), Signature("bzip2-compressed", "bzip2")),
    (re.compile(rb"\xfd7zXZ\x00"), Signature("xz-compressed", "xz")),
    (re.compile(rb"\x7fELF"), Signature("a program")),
    (re.compile(rb"PK\x03\x04"), Signature("a zip archive")),
    (re.compile(re.escape(struct.pack("<i", FASTTEXT_MAGIC))),
     Signature("a fastText model", fasttext=True)),
)
_COMPRESSED_SUFFIXES = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz"}


def signature(head: bytes) -> Signature | None:
    """What `head`, a file's first bytes, says the file is; None for anything else (text,
    or binary data of no known kind)."""
    for magic, found in _MAGIC:
        if magic.match(head):
            return found
    if _old_fasttext_header(head):
        return Signature("a fastText model", fasttext=True)
    return None


def _old_fasttext_header(head: bytes) -> bool:
    """A fastText model from before its magic number: it starts with the training arguments,
    12 int32 (dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
    lrUpdateRate) and a double (t). With dim = 10 its first byte is 0x0a, a newline."""
    if len(head) < 56:
        return False
    (dim, window, epochs, min_count, negative, ngrams, loss, model, bucket, minn, maxn,
     update_rate, sampling) = struct.unpack("<12id", head[:56])
    return (1 <= dim <= 100_000 and 1 <= window <= 10_000 and 1 <= epochs <= 1_000_000
            and 0 <= min_count and 0 <= negative <= 10_000 and 1 <= ngrams <= 100
            and 1 <= loss <= 4 and 1 <= model <= 3 and 0 <= bucket and 0 <= minn <= 1000
            and 0 <= maxn <= 1000 and 1 <= update_rate and math.isfinite(sampling)
            and 0 <= sampling <= 1)


def utf16_encoding(head: bytes) -> str | None:
    """The encoding to name to iconv if `head` is UTF-16 text: "UTF-16" when it starts with
    a byte-order mark, "UTF-16LE" or "UTF-16BE" when it has none (ASCII-range text in
    UTF-16 has a zero byte in every other place); None when it is not UTF-16."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and not head.startswith(b"\xff\xfe\x00\x00"):
        sample = head[2:402]
        try:
            sample[:len(sample) // 2 * 2].decode(
                "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be")
        except UnicodeDecodeError as error:
            if error.start < len(sample) - 4:  # not a character cut at the end
                return None
        return "UTF-16"
    sample = head[:400]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    for codec, name, high, low in (("utf-16-le", "UTF-16LE", sample[1::2], sample[0::2]),
                                   ("utf-16-be", "UTF-16BE", sample[0::2], sample[1::2])):
        if high[:pairs].count(0) < 0.7 * pairs or low[:pairs].count(0) > 0.1 * pairs:
            continue  # not mostly characters below U+0100
        text = sample[:2 * pairs].decode(codec, errors="replace")
        if sum(c.isprintable() or c in "\t\n\r" for c in text) >= 0.95 * len(text):
            return name
    return None


def decode_utf16(head: bytes, encoding: str) -> bytes:
    """The UTF-8 bytes of the text `head` holds in `encoding` (see `utf16_encoding`); a
    character cut at the end is dropped."""
    codec = {"UTF-16": "utf-16", "UTF-16LE": "utf-16-le", "UTF-16BE": "utf-16-be"}[encoding]
    return head[:len(head) // 2 * 2].decode(codec, errors="ignore").encode("utf-8")


def decompressed_head(path: Path, compression: str, size: int) -> bytes:
    """Up to `size` bytes of the decompressed content of `path` (b"" if it cannot be read)."""
    opener = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}[compression]
    try:
        with opener(path, "rb") as stream:
            return stream.read(size)
    except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError):
        return b""


def _quoted(path: Path) -> str:
    return shlex.quote(path.name)


def _decompressed_name(path: Path, compression: str) -> Path:
    suffix = _COMPRESSED_SUFFIXES[compression]
    if path.suffix.lower() == suffix and path.stem:
        return path.with_suffix("")
    return path.with_name(path.name + ".out")


def decompress_command(path: Path, compression: str) -> tuple[str, Path]:
    """(a shell command that decompresses `path` beside it, the file it writes)."""
    target = _decompressed_name(path, compression)
    return f"{compression} -dc {_quoted(path)} > {_quoted(target)}", target


def convert_command(path: Path, encoding: str) -> tuple[str, Path]:
    """(a shell command that writes a UTF-8 copy of the `encoding` text `path` holds (a
    compressed one is decompressed on the way), the file it writes)."""
    compression = next((tool for tool, suffix in _COMPRESSED_SUFFIXES.items()
                        if path.suffix.lower() == suffix), None)
    plain = _decompressed_name(path, compression) if compression else path
    target = plain.with_name(f"{plain.stem}-utf8{plain.suffix}")
    source = (f"{compression} -dc {_quoted(path)} | iconv -f {encoding} -t UTF-8"
              if compression else f"iconv -f {encoding} -t UTF-8 {_quoted(path)}")
    return f"{source} > {_quoted(target)}", target


def fasttext_fix(path: Path) -> str:
    """How to get word vectors from a fastText model."""
    vec = path.with_suffix(".vec").name
    return ("Open the .vec file fastText saved beside it, or write one with gensim (it reads "
            "old models too): python -c \"from gensim.models.fasttext import "
            f"load_facebook_model; load_facebook_model({path.name!r}).wv."
            f"save_word2vec_format({vec!r})\", or with fastText, for the words listed one a "
            "line in words.txt: "
            f"fasttext print-word-vectors {_quoted(path)} < words.txt > {shlex.quote(vec)}")
