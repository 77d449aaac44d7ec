"""The Embedding Projector's two files are replaced together: a failure leaves the pair that
was there before, still matching."""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from core.open_vectors import read_vectors
from core.storage.files import is_partial_name
from core.vectors import writing as vector_writing
from core.vectors.embeddings import Embeddings
from core.vectors.reading import write_vectors
from core.vectors.writing import least_written_bytes, projector_metadata_path


def embeddings(words: list[str]) -> Embeddings:
    rng = np.random.default_rng(len(words))
    return Embeddings(words, rng.standard_normal((len(words), 3)).astype(np.float32),
                      np.arange(len(words), 0, -1))


@pytest.fixture
def earlier(tmp_path) -> tuple[Path, Path]:
    """A Projector pair of three words, written before the export that fails."""
    target = tmp_path / "v.tsv"
    write_vectors(embeddings(["red", "green", "blue"]), target, "projector")
    return target, projector_metadata_path(target)


def contents(paths) -> list[bytes]:
    return [path.read_bytes() for path in paths]


def test_the_metadata_file_is_named_beside_the_vectors(tmp_path):
    assert projector_metadata_path(tmp_path / "run.tsv") == tmp_path / "run_metadata.tsv"
    assert write_vectors(embeddings(["a"]), tmp_path / "run.tsv", "projector") == [
        tmp_path / "run.tsv", tmp_path / "run_metadata.tsv"]


def test_a_failing_metadata_write_leaves_the_earlier_pair(earlier, monkeypatch):
    before = contents(earlier)
    real_pair = vector_writing.atomic_write_pair

    class FullDisk:
        """The metadata stream of a disk that fills up after the vectors were written."""

        def __init__(self, stream):
            self.stream = stream

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    @contextmanager
    def pair_on_a_full_disk(first, second):
        with real_pair(first, second) as (vectors_stream, metadata_stream):
            yield vectors_stream, FullDisk(metadata_stream)

    monkeypatch.setattr(vector_writing, "atomic_write_pair", pair_on_a_full_disk)
    with pytest.raises(OSError):
        write_vectors(embeddings(["one", "two", "three", "four"]), earlier[0], "projector")
    assert contents(earlier) == before
    assert not [name for name in os.listdir(earlier[0].parent) if is_partial_name(name)]


def test_a_failing_metadata_rename_puts_the_earlier_vectors_back(earlier, monkeypatch):
    before = contents(earlier)
    real_replace = os.replace

    def replace(source, destination):
        if Path(destination) == earlier[1]:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(source), str(destination))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        write_vectors(embeddings(["one", "two", "three", "four"]), earlier[0], "projector")
    monkeypatch.undo()
    assert contents(earlier) == before
    assert read_vectors(earlier[0]).embeddings.words == ["red", "green", "blue"]


def test_a_folder_in_the_metadata_files_place_changes_neither_file(earlier):
    vectors, metadata = earlier
    before = vectors.read_bytes()
    metadata.unlink()
    metadata.mkdir()  # renaming onto a folder fails for real
    with pytest.raises(OSError):
        write_vectors(embeddings(["one", "two"]), vectors, "projector")
    assert vectors.read_bytes() == before and metadata.is_dir()


@pytest.mark.parametrize("format,suffix", [("word2vec", ".txt"), ("word2vec-binary", ".bin"),
                                           ("glove", ".txt"), ("projector", ".tsv")])
def test_least_written_bytes_is_at_most_what_is_written(tmp_path, format, suffix):
    vectors = embeddings([f"word{i}" for i in range(200)])
    written = write_vectors(vectors, tmp_path / f"v{suffix}", format)
    size = sum(path.stat().st_size for path in written)
    least = least_written_bytes(vectors.words, vectors.dim, format)
    assert least <= size
    assert least >= 0.6 * size  # close enough to refuse a disk that is clearly too small
