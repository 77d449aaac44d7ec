"""The entries of a NumPy .npz archive read without trusting them: each .npy header
(dtype, shape) is read on its own, its length bounded, and checked against what the entry
can hold before any data is read; Python objects (pickles) are never read. Also the
compact form of a word list: one UTF-8 block with offsets.

Failures are EntryProblem (not a ValueError, so that no handler for I/O errors swallows
it); the reader above (core.train.saved_arrays) turns it into its own error.
"""

from __future__ import annotations

import io
import math
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np

from core.storage.files import format_bytes

# Deflate codes a 258-byte match in as little as 2 bits, so one compressed byte never
# stands for more than ~1032 bytes: an entry claiming more than that is damaged or a bomb.
DEFLATE_MAX_RATIO = 1032
# NumPy's own limit for np.load; a header is a short Python dict literal.
MAX_HEADER_BYTES = 10_000
NPY_MAGIC = b"\x93NUMPY"


class EntryProblem(Exception):
    """What is wrong with an entry (the message names it and says what)."""



def shape_text(shape: tuple[int | None, ...]) -> str:
    """(300, 50) -> "300 × 50"; None (any length) -> "n"; () -> "a single value"."""
    if not shape:
        return "a single value"
    return " × ".join("n" if n is None else f"{n:,}" for n in shape)


def dtype_text(dtype: np.dtype) -> str:
    if dtype.hasobject:
        return "Python objects"
    if dtype.names is not None:
        return "structured records"
    return {"U": "text", "S": "byte strings", "b": "true/false", "O": "Python objects",
            "V": "raw bytes"}.get(dtype.kind, dtype.name)


@dataclass(frozen=True)
class ArrayInfo:
    """What an array's header says: name (without .npy), dtype and shape; no data."""

    name: str
    dtype: np.dtype
    shape: tuple[int, ...]

    @property
    def nbytes(self) -> int:
        """Bytes the data claims (Python ints: a forged shape cannot overflow)."""
        return math.prod(self.shape) * self.dtype.itemsize

    def describe(self) -> str:
        return f"{shape_text(self.shape)} {dtype_text(self.dtype)} ({format_bytes(self.nbytes)})"


def available_memory() -> int | None:
    """Bytes this process can still allocate (the smaller of the machine's MemAvailable
    and a cgroup v2 limit), or None when the system does not say."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (AttributeError, ValueError, OSError):
            pass
    try:  # a container's limit is what counts, not the host's free memory
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as stream:
            limit = stream.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as stream:
            used = int(stream.read().strip())
        if limit != "max":
            found.append(max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def pack_words(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A word list as (B,) uint8 UTF-8 bytes and (V+1,) int64 byte offsets: word i is
    block[offsets[i]:offsets[i+1]]. Unlike a fixed-width text array, each word costs its
    own length, so one very long token does not inflate every other word."""
    encoded = [word.encode("utf-8") for word in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)),
              out=offsets[1:])
    block = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return block, offsets


def unpack_words(block: np.ndarray, offsets: np.ndarray) -> list[str]:
    """The word list of `pack_words(...)`: block (B,) uint8, offsets (V+1,) integers.

    Raises ValueError saying what is wrong (offsets out of order, invalid UTF-8, a word
    boundary inside a character)."""
    size = int(block.size)
    if offsets.size == 0 or int(offsets[0]) != 0 or int(offsets[-1]) != size:
        raise ValueError(f"word_offsets must start at 0 and end at {size:,}, the length of "
                         "the words block")
    if np.any(np.diff(offsets) < 0):
        raise ValueError("word_offsets go backwards")
    try:
        text = block.tobytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"the words are not valid UTF-8 (at byte {error.start:,})") from None
    continuation = (block & 0xC0) == 0x80
    inner = offsets[offsets < size]
    if np.any(continuation[inner]):
        raise ValueError("a word starts in the middle of a UTF-8 character")
    # characters before each byte position turn byte offsets into string offsets
    characters_before = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(~continuation, out=characters_before[1:])
    starts = characters_before[offsets].tolist()
    return [text[start:end] for start, end in zip(starts[:-1], starts[1:], strict=True)]



def inspect_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo,
                    file_size: int) -> ArrayInfo:
    """One entry's header (dtype, shape), checked against what the entry can hold."""
    name = member.filename[:-len(".npy")]
    if member.flag_bits & 0x1:
        raise EntryProblem(f"{name} is encrypted")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise EntryProblem(f"{name} is compressed with zip method {member.compress_type}, "
                     "which Word2Vec Studio does not read (np.savez and "
                     "np.savez_compressed write methods 0 and 8)")
    try:
        with archive.open(member) as stream:
            header_size, dtype, shape = read_header(stream, name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, zlib.error, struct.error) as failure:
        raise EntryProblem(f"{name} cannot be read ({failure_text(failure)})") from None
    if dtype.hasobject:
        # np.load would unpickle these, which can run any code: they are never read
        raise EntryProblem(f"{name} holds Python objects (pickled data), which are never read")
    info = ArrayInfo(name, dtype, shape)
    # What the entry can deliver: never more than its recorded size, nor more than its
    # compressed bytes can expand to; and its compressed bytes are inside the file.
    compressed = min(member.compress_size, file_size)
    ratio = 1 if member.compress_type == zipfile.ZIP_STORED else DEFLATE_MAX_RATIO
    capacity = max(0, min(member.file_size, compressed * ratio) - header_size)
    if info.nbytes > capacity:
        raise EntryProblem(f"{name} claims {info.describe()}, but the whole file is "
                     f"{format_bytes(file_size)} and this entry can hold at most "
                     f"{format_bytes(capacity)}: the file is damaged")
    return info


def read_header(stream: io.BufferedIOBase, name: str) -> tuple[int, np.dtype, tuple[int, ...]]:
    """(header bytes, dtype, shape) of a .npy stream, reading the header only.

    The header's length is checked before it is read: format 2.0 allows a 4 GiB header,
    which NumPy would read whole before its own size check."""
    prefix = stream.read(len(NPY_MAGIC) + 2)
    if len(prefix) < len(NPY_MAGIC) + 2 or not prefix.startswith(NPY_MAGIC):
        raise EntryProblem(f"{name} is not a NumPy array")
    version = (prefix[-2], prefix[-1])
    layouts = {(1, 0): ("<H", np.lib.format.read_array_header_1_0),
               (2, 0): ("<I", np.lib.format.read_array_header_2_0)}
    if version not in layouts:
        raise EntryProblem(f"{name} is in .npy format {version[0]}.{version[1]}, which Word2Vec "
                     "Studio does not read")
    length_format, read_header = layouts[version]
    length_bytes = stream.read(struct.calcsize(length_format))
    if len(length_bytes) < struct.calcsize(length_format):
        raise EntryProblem(f"{name} is cut off in its header")
    (length,) = struct.unpack(length_format, length_bytes)
    if length > MAX_HEADER_BYTES:
        raise EntryProblem(f"{name} has a header of {length:,} bytes (at most "
                     f"{MAX_HEADER_BYTES:,} are allowed)")
    header = stream.read(length)
    if len(header) < length:
        raise EntryProblem(f"{name} is cut off in its header")
    buffer = io.BytesIO(prefix + length_bytes + header)
    np.lib.format.read_magic(buffer)
    try:
        shape, _fortran_order, dtype = read_header(buffer, max_header_size=MAX_HEADER_BYTES)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError) as failure:
        raise EntryProblem(f"{name} has a damaged header ({failure})") from None
    if any(not isinstance(n, int) or n < 0 for n in shape):
        raise EntryProblem(f"{name} has an impossible shape {shape}")
    return len(prefix) + len(length_bytes) + length, dtype, tuple(shape)


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo,
                 info: ArrayInfo) -> np.ndarray:
    """The data of one entry, whose header `info` was checked at open."""
    try:
        with archive.open(member) as stream:
            array = np.lib.format.read_array(stream, allow_pickle=False,
                                             max_header_size=MAX_HEADER_BYTES)
            # reading to the end makes zipfile compare the checksum, and an entry longer
            # than its header says is as damaged as a shorter one
            if stream.read(1):
                raise EntryProblem(f"{info.name} holds more data than its header describes")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, zlib.error, struct.error) as failure:
        raise EntryProblem(f"{info.name} cannot be read ({failure_text(failure)})") from None
    if array.dtype != info.dtype or array.shape != info.shape:
        raise EntryProblem(f"{info.name} changed while it was read")
    return array


def failure_text(failure: Exception) -> str:
    """An exception as a cause in a message (some zip and zlib errors have no text)."""
    return str(failure) or type(failure).__name__
