"""Saves that never destroy the previous file: permissions kept, data synced, partial files
cleaned up, two files replaced together, and a message in words when a write cannot happen."""

from __future__ import annotations

import errno
import os
import stat
import types
from pathlib import Path

import pytest

from core.storage import files
from core.storage.files import (
    atomic_write,
    atomic_write_pair,
    check_writable,
    data_dir,
    describe_write_error,
    is_partial_name,
    remove_stale_partials,
)
from tests.core.mounts import fill, read_only_folder, small_tmpfs

needs_posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if is_partial_name(name))


@pytest.fixture
def umask():
    """Set the process's umask for one test, and put the old one back."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield lambda value: os.umask(value)
    os.umask(previous)


# ------------------------------------------------------------------------ atomic_write
def test_a_save_replaces_the_content_and_leaves_no_partial_file(tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"old")
    with atomic_write(target) as stream:
        stream.write(b"new")
        assert target.read_bytes() == b"old"  # nothing changes before the block ends
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_a_failed_save_leaves_the_old_file_and_no_partial_file(tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as stream:
        stream.write(b"half")
        raise RuntimeError("killed")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


@needs_posix
def test_saving_over_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "session.w2vsession"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with atomic_write(target) as stream:
        stream.write(b"new")
    assert mode(target) == 0o640
    target.chmod(0o604)
    with atomic_write(target) as stream:
        stream.write(b"newer")
    assert mode(target) == 0o604


@needs_posix
@pytest.mark.parametrize("mask,expected", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path, umask, mask, expected):
    umask(mask)
    target = tmp_path / "vectors.txt"
    with atomic_write(target) as stream:
        stream.write(b"1 1\nword 0.5\n")
    assert mode(target) == expected


@needs_posix
def test_the_file_is_synced_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(handle):
        kind = "folder" if stat.S_ISDIR(os.fstat(handle).st_mode) else "file"
        events.append(kind)
        real_fsync(handle)

    def replace(source, destination):
        events.append("rename")
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    with atomic_write(tmp_path / "a.txt") as stream:
        stream.write(b"data")
    assert events == ["file", "rename", "folder"]
    events.clear()
    with atomic_write_pair(tmp_path / "v.tsv", tmp_path / "m.tsv") as (first, second):
        first.write(b"1\t2\n")
        second.write(b"word\n")
    assert events == ["file", "file", "rename", "rename", "folder"]


def test_a_write_error_names_the_target_not_the_partial_file(tmp_path):
    target = tmp_path / "v.txt"
    with pytest.raises(OSError) as raised, atomic_write(target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert raised.value.filename == str(target)
    with pytest.raises(FileNotFoundError) as raised, atomic_write(tmp_path / "no" / "v.txt"):
        pass
    assert raised.value.filename == str(tmp_path / "no" / "v.txt")
    assert ".partial" not in str(raised.value)


# ----------------------------------------------------------------------- partial files
def test_partial_names_are_recognised():
    assert is_partial_name(".v.txt.ab_9zq01.partial")
    assert is_partial_name(".model.npz.k2j4h5g6.partial")
    for name in ("v.txt", ".v.txt.partial", ".v.txt.short.partial", "v.txt.abcdefgh.partial",
                 ".v.txt.ABCDEFGH.partial", ".v.txt.abcdefgh.partial.bak"):
        assert not is_partial_name(name), name


def make_partial(folder: Path, name: str = ".model.npz.abcdefgh.partial") -> Path:
    path = folder / name
    path.write_bytes(b"half a save")
    return path


def two_hours_later(monkeypatch):
    later = files.time.time() + 7200
    monkeypatch.setattr(files, "time", types.SimpleNamespace(time=lambda: later))


def test_a_fresh_partial_file_is_kept(tmp_path):
    partial = make_partial(tmp_path)
    assert remove_stale_partials(tmp_path) == []
    assert partial.exists()


def test_a_stale_partial_file_is_removed_and_nothing_else(tmp_path, monkeypatch):
    partial = make_partial(tmp_path)
    others = [tmp_path / "model.npz", tmp_path / ".model.npz.partial",
              tmp_path / ".hidden.abcdefgh.partial.txt"]
    for other in others:
        other.write_bytes(b"keep")
    folder = tmp_path / ".data.abcdefgh.partial"
    folder.mkdir()
    two_hours_later(monkeypatch)
    assert remove_stale_partials(tmp_path) == [partial]
    assert not partial.exists()
    assert all(other.exists() for other in others) and folder.is_dir()


@needs_posix
def test_a_link_named_as_a_partial_file_is_not_followed_or_removed(tmp_path, monkeypatch):
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"keep")
    link = tmp_path / ".x.abcdefgh.partial"
    link.symlink_to(precious)
    two_hours_later(monkeypatch)
    assert remove_stale_partials(tmp_path) == []
    assert link.is_symlink() and precious.read_bytes() == b"keep"


def test_a_save_removes_stale_partial_files_of_its_folder(tmp_path, monkeypatch):
    stale = make_partial(tmp_path, ".other.txt.zzzzzzzz.partial")
    two_hours_later(monkeypatch)
    with atomic_write(tmp_path / "v.txt") as stream:
        stream.write(b"x")
    assert not stale.exists()


# ---------------------------------------------------------------------------- the pair
@pytest.fixture
def old_pair(tmp_path) -> tuple[Path, Path]:
    first, second = tmp_path / "v.tsv", tmp_path / "v_metadata.tsv"
    first.write_bytes(b"old vectors")
    second.write_bytes(b"old words")
    return first, second


def test_a_pair_is_replaced_together(old_pair):
    first, second = old_pair
    with atomic_write_pair(first, second) as (a, b):
        a.write(b"new vectors")
        b.write(b"new words")
    assert (first.read_bytes(), second.read_bytes()) == (b"new vectors", b"new words")
    assert leftovers(first.parent) == []


def test_a_failing_second_write_leaves_both_old_files(old_pair):
    first, second = old_pair
    with pytest.raises(OSError), atomic_write_pair(first, second) as (a, b):
        a.write(b"new vectors")
        b.write(b"new wo")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert (first.read_bytes(), second.read_bytes()) == (b"old vectors", b"old words")
    assert leftovers(first.parent) == []


def fail_renaming_onto(monkeypatch, victim: Path) -> None:
    real_replace = os.replace

    def replace(source, destination):
        if Path(destination) == victim:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(source), str(destination))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)


@needs_posix
def test_a_failing_second_rename_puts_the_first_file_back(old_pair, monkeypatch):
    first, second = old_pair
    first.chmod(0o640)
    inode = first.stat().st_ino
    fail_renaming_onto(monkeypatch, second)
    with pytest.raises(OSError) as raised, atomic_write_pair(first, second) as (a, b):
        a.write(b"new vectors")
        b.write(b"new words")
    assert (first.read_bytes(), second.read_bytes()) == (b"old vectors", b"old words")
    assert first.stat().st_ino == inode and mode(first) == 0o640  # the same file, back
    assert leftovers(first.parent) == []
    assert raised.value.filename == str(second)  # the target, not a hidden partial file


def test_a_failing_second_rename_removes_a_first_file_that_was_new(tmp_path, monkeypatch):
    first, second = tmp_path / "v.tsv", tmp_path / "v_metadata.tsv"
    fail_renaming_onto(monkeypatch, second)
    with pytest.raises(OSError), atomic_write_pair(first, second) as (a, b):
        a.write(b"new vectors")
        b.write(b"new words")
    assert not first.exists() and not second.exists()
    assert leftovers(tmp_path) == []


def test_the_pair_falls_back_to_a_copy_without_hard_links(old_pair, monkeypatch):
    first, second = old_pair

    def no_links(source, destination):
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    fail_renaming_onto(monkeypatch, second)
    with pytest.raises(OSError), atomic_write_pair(first, second) as (a, b):
        a.write(b"new vectors")
        b.write(b"new words")
    assert (first.read_bytes(), second.read_bytes()) == (b"old vectors", b"old words")
    assert leftovers(first.parent) == []


def test_ctrl_c_in_a_pair_leaves_both_old_files(old_pair):
    first, second = old_pair
    with pytest.raises(KeyboardInterrupt), atomic_write_pair(first, second) as (a, b):
        a.write(b"new vectors")
        raise KeyboardInterrupt
    assert (first.read_bytes(), second.read_bytes()) == (b"old vectors", b"old words")
    assert leftovers(first.parent) == []


# ----------------------------------------------------------------------- before writing
def test_check_writable_accepts_a_folder_and_leaves_nothing(tmp_path):
    check_writable(tmp_path / "v.txt")
    assert os.listdir(tmp_path) == []


def test_check_writable_finds_a_missing_folder_a_file_as_folder_and_a_folder_as_file(
        tmp_path):
    with pytest.raises(FileNotFoundError) as raised:
        check_writable(tmp_path / "missing" / "v.txt")
    assert raised.value.filename == str(tmp_path / "missing" / "v.txt")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(NotADirectoryError):
        check_writable(blocker / "v.txt")
    with pytest.raises(IsADirectoryError):
        check_writable(tmp_path)


@needs_posix
def test_check_writable_finds_a_folder_without_write_permission(tmp_path):
    with read_only_folder(tmp_path) as folder, pytest.raises(PermissionError):
        check_writable(folder / "v.txt")


def test_check_writable_finds_a_read_only_file_system(tmp_path):
    with small_tmpfs(tmp_path / "ro", read_only=True) as folder:
        with pytest.raises(OSError) as raised:
            check_writable(folder / "v.txt")
        assert raised.value.errno == errno.EROFS


def test_a_full_disk_is_found_before_and_leaves_an_earlier_file_intact(tmp_path):
    with small_tmpfs(tmp_path / "small") as folder:
        target = folder / "v.txt"
        target.write_bytes(b"old")
        fill(folder)
        with pytest.raises(OSError) as raised:
            check_writable(target)
        assert raised.value.errno == errno.ENOSPC
        with pytest.raises(OSError) as raised, atomic_write(target) as stream:
            stream.write(bytes(64 * 1024))
        assert raised.value.errno == errno.ENOSPC
        assert raised.value.filename == str(target)
        assert target.read_bytes() == b"old" and leftovers(folder) == []
        assert "has no room for it" in describe_write_error(target, raised.value)


@pytest.mark.parametrize("code,words", [
    (errno.ENOENT, ["does not exist", "mkdir -p"]),
    (errno.ENOTDIR, ["is not a folder"]),
    (errno.EACCES, ["no permission", "chmod u+w"]),
    (errno.EPERM, ["no permission"]),
    (errno.EROFS, ["read-only file system"]),
    (errno.ENOSPC, ["has no room for it", "free)"]),
    (errno.EISDIR, ["is a folder"]),
    (errno.EIO, [os.strerror(errno.EIO)]),
])
def test_write_errors_are_described_with_the_target_and_a_fix(tmp_path, code, words):
    target = tmp_path / "out" / "v.txt"
    error = OSError(code, os.strerror(code), str(tmp_path / "out" / ".v.txt.abcdefgh.partial"))
    message = describe_write_error(target, error)
    assert message.startswith(f"cannot write {target}: ")
    assert ".partial" not in message
    for word in words:
        assert word in message


# ------------------------------------------------------------------------ data folder
def test_data_dir_is_the_variable_then_the_platforms_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("WORD2VEC_STUDIO_DATA", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data" and data_dir().is_dir()
    monkeypatch.delenv("WORD2VEC_STUDIO_DATA")
    if os.name != "posix" or files.sys.platform == "darwin":
        return
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "Word2Vec Studio" / "Word2Vec Studio"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # as Qt ignores it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "Word2Vec Studio" / "Word2Vec Studio"
    assert data_dir() == expected and expected.is_dir()
