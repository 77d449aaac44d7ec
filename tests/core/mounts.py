"""Places that cannot be written, for tests: a small tmpfs (full or read-only; mounted where
the tests run as root and `mount` works, skipped otherwise; always unmounted afterwards)
and a folder without write permission (skipped where this user may write there anyway)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_tmpfs(folder: Path, size: str = "64k", read_only: bool = False) -> Iterator[Path]:
    """Mount a tmpfs of `size` on `folder` (created), read-only if asked; yield `folder`."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                                 capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"cannot run mount: {error}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the disk holding `folder` with one file, leaving about `leave` bytes free."""
    handle = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        while True:
            usage = os.statvfs(folder)
            free = usage.f_bavail * usage.f_frsize
            if free <= leave:
                return
            try:
                os.write(handle, bytes(min(4096, free - leave)))
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                return
    finally:
        os.close(handle)


@contextmanager
def read_only_folder(parent: Path) -> Iterator[Path]:
    """A folder made 0555 in `parent`; skipped where this user (root) may still write in it;
    writable again afterwards, so that the test's folder can be removed."""
    folder = parent / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user (root) may write into a 0555 folder")
        yield folder
    finally:
        folder.chmod(0o755)
