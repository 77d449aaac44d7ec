"""Writing files so that an interrupted write never destroys what was there before, and
saying in words why a file could not be written.

A save goes to a hidden temporary file beside its target, named ``.NAME.xxxxxxxx.partial``
(eight characters of ``[a-z0-9_]``), is flushed and synced to disk, and is then renamed over
the target; the folder is synced after the rename, so a power cut leaves either the old file
or the new one. Saving over a file keeps its permission bits (and, where allowed, its owner
and group); a new file gets the usual mode for the process's umask (0644 under umask 022).
Temporaries left by a killed save are removed once they are an hour old.

Also here, because the command line must not import Qt: `data_dir`, the folder for the
app's own files (logs, recovery copies, runs that could not be saved where asked).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shlex
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

APP_NAME = "Word2Vec Studio"
DATA_DIR_VARIABLE = "WORD2VEC_STUDIO_DATA"

# A partial file untouched for this long belongs to no live writer: a save streams its
# bytes without pausing for minutes, and one that was killed never touches it again.
STALE_AFTER_SECONDS = 3600.0

_TAG_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # as tempfile.mkstemp's names
_PARTIAL_NAME = re.compile(r"\A\..+\.[a-z0-9_]{8}\.partial\Z", re.DOTALL)
_LONGEST_NAME_KEPT = 200  # bytes of the target's name kept in a partial's name (limit 255)
_PROBE_BYTES = 4096  # one block: enough for a full disk to refuse it


# ------------------------------------------------------------------------------ saving
@contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Yield a binary stream whose content replaces `path` only once it is complete.

    The stream writes to ``.NAME.xxxxxxxx.partial`` beside `path`; when the block ends
    without an exception it is flushed, synced (`os.fsync`), renamed over `path`, and the
    folder is synced. On any exception (KeyboardInterrupt too) the partial file is removed,
    `path` is left as it was, and the exception propagates; an `OSError` about the partial
    file is re-labelled with `path`, so a message never names a hidden file.

    Saving over a file keeps its permission bits (its owner and group too where the process
    may set them); a new file's mode follows the umask. Stale partial files in the folder
    are removed first (`remove_stale_partials`).
    """
    with _write_together([Path(path)]) as (stream,):
        yield stream


@contextmanager
def atomic_write_pair(first: str | os.PathLike,
                      second: str | os.PathLike) -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """Yield two binary streams whose contents replace `first` and `second` together:
    both files change, or neither does.

    Each stream writes to a partial file as in `atomic_write`. Only when the block has
    ended without an exception and both are synced, `first` is renamed into place, then
    `second`. Until both renames are done an earlier `first` is kept as a hard link (a copy
    where the file system has no hard links); if renaming `second` fails, the earlier
    `first` is put back (or the new `first` removed, if there was none), the partial files
    are removed and the exception propagates. Only a crash between the two renames (a few
    microseconds) can leave the new `first` beside the old `second`.
    """
    with _write_together([Path(first), Path(second)]) as (first_stream, second_stream):
        yield first_stream, second_stream


@contextmanager
def _write_together(targets: list[Path]) -> Iterator[list[BinaryIO]]:
    """The streams of `atomic_write` / `atomic_write_pair`, renamed into place in order."""
    folders = list(dict.fromkeys(target.parent for target in targets))
    for folder in folders:
        remove_stale_partials(folder)
    partials: list[Path] = []
    try:
        with ExitStack() as open_files:
            streams = []
            for target in targets:
                handle, partial = _create_partial(target)
                partials.append(partial)
                stream = open_files.enter_context(os.fdopen(handle, "wb"))
                _copy_permissions(target, stream.fileno())
                streams.append(stream)
            yield streams
            for stream in streams:  # the data on disk before the name points to it
                stream.flush()
                os.fsync(stream.fileno())
        _replace_in_order(partials, targets)
    except BaseException as error:
        for partial in partials:
            partial.unlink(missing_ok=True)
        if isinstance(error, OSError):
            named = _name_the_target(error, partials, targets)
            if named is not error:
                raise named from error
        raise
    for folder in folders:
        _sync_folder(folder)


def _partial_path(target: Path) -> Path:
    """A new random name ``.NAME.xxxxxxxx.partial`` beside `target`."""
    name = target.name
    if len(os.fsencode(name)) > _LONGEST_NAME_KEPT:
        name = name[:_LONGEST_NAME_KEPT // 4]  # at most 4 bytes per character
    tag = "".join(secrets.choice(_TAG_CHARACTERS) for _ in range(8))
    return target.with_name(f".{name}.{tag}.partial")


def _create_partial(target: Path) -> tuple[int, Path]:
    """Open a new partial file beside `target` for writing, mode 0666 less the umask (the
    kernel applies it, as for any new file; mkstemp would make it 0600). An OSError names
    `target`."""
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0))
    for _ in range(100):
        partial = _partial_path(target)
        try:
            return os.open(partial, flags, 0o666), partial
        except FileExistsError:
            continue
        except OSError as error:
            raise _naming(target, error) from error
    raise FileExistsError(errno.EEXIST, "no unused name for a temporary file", str(target))


def _copy_permissions(target: Path, handle: int) -> None:
    """Give the open file `handle` the permission bits (and, if allowed, the owner and
    group) of an existing `target`; nothing when there is none."""
    try:
        existing = os.stat(target)
    except OSError:
        return  # a new file: the mode the umask gave it
    if hasattr(os, "fchown") and hasattr(os, "getuid"):
        mine = os.fstat(handle)
        if (mine.st_uid, mine.st_gid) != (existing.st_uid, existing.st_gid):
            try:  # root may give the file back to its owner; others may keep its group
                os.fchown(handle, existing.st_uid, existing.st_gid)
            except OSError:
                try:
                    os.fchown(handle, -1, existing.st_gid)
                except OSError:
                    pass
    if hasattr(os, "fchmod"):  # after fchown, which clears set-user-ID bits
        os.fchmod(handle, stat.S_IMODE(existing.st_mode))


def _replace_in_order(partials: list[Path], targets: list[Path]) -> None:
    """Rename each partial over its target; if one rename fails, put every target renamed
    before it back as it was and raise."""
    # (target, backup of its earlier file or None when there was none), for those replaced
    replaced: list[tuple[Path, Path | None]] = []
    backups: list[Path] = []
    try:
        for number, (partial, target) in enumerate(zip(partials, targets, strict=True)):
            backup = None
            if number < len(targets) - 1 and os.path.lexists(target):
                backup = _keep_backup(target)
                backups.append(backup)
            os.replace(partial, target)
            replaced.append((target, backup))
    except BaseException as error:
        for target, backup in reversed(replaced):
            try:
                if backup is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(backup, target)
            except OSError as undo:
                kept = f"; the earlier file is in {backup}" if backup is not None else ""
                error.add_note(f"{target} could not be put back ({undo.strerror}){kept}.")
                if backup is not None:
                    backups.remove(backup)
        raise
    finally:
        for backup in backups:
            backup.unlink(missing_ok=True)


def _keep_backup(target: Path) -> Path:
    """A second name for `target`'s current file (a hard link, else a copy), named as a
    partial file so that one a crash leaves behind is removed in time. Linking changes the
    file's status-change time, which keeps `remove_stale_partials` off it meanwhile."""
    for _ in range(100):
        backup = _partial_path(target)
        try:
            os.link(target, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            break
    else:
        raise FileExistsError(errno.EEXIST, "no unused name for a backup", str(target))
    handle, backup = _create_partial(target)
    os.close(handle)
    try:
        shutil.copy2(target, backup)
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
    return backup


def _sync_folder(folder: Path) -> None:
    """Sync a folder's entries to disk, so that a rename in it survives a power cut."""
    if os.name == "nt":
        return  # Windows cannot open a folder as a file; NTFS journals renames itself
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        # the file is already in place; some file systems refuse to sync a folder (EINVAL)
        pass
    finally:
        os.close(handle)


def _name_the_target(error: OSError, partials: list[Path],
                     targets: list[Path]) -> OSError:
    """The error about a partial file (renaming it) relabelled with its target; with one
    target, also an error that names no file (a write or a sync failed); else `error`
    itself. `partials` are those of the first targets that were created."""
    created = dict(zip(map(str, partials), targets[:len(partials)], strict=True))
    target = created.get(str(error.filename))
    if target is None and len(targets) == 1 and error.filename is None:
        target = targets[0]
    return _naming(target, error) if target is not None else error


def _naming(target: Path, error: OSError) -> OSError:
    """The same error naming `target` alone (an OSError's second file name cannot be
    cleared, and would print as "-> None")."""
    return type(error)(error.errno, error.strerror, str(target))


# ------------------------------------------------------------------ partial files left
def is_partial_name(name: str) -> bool:
    """Whether a file name is one `atomic_write` gives its temporary files."""
    return _PARTIAL_NAME.match(name) is not None


def remove_stale_partials(folder: str | os.PathLike,
                          older_than_seconds: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Remove the temporary files killed saves left in `folder`; return their paths.

    Only regular files (not links, not folders) named as `atomic_write` names its
    temporaries (``.NAME.xxxxxxxx.partial``) whose last change, the later of their
    modification and status-change times, is at least `older_than_seconds` ago: a live
    writer keeps changing its file. Files that vanish meanwhile or cannot be removed, and
    a folder that cannot be listed, are passed over silently.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_partial_name(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
            # ctime too: a hard-linked backup keeps an old mtime but a fresh ctime
            if now - max(info.st_mtime, info.st_ctime) < older_than_seconds:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


# -------------------------------------------------------------------- before writing
def check_writable(path: str | os.PathLike) -> None:
    """Raise the `OSError` that `atomic_write(path)` would meet, before any work is done.

    Creates a probe file beside `path`, named as `atomic_write`'s temporaries, writes one
    block (4 KB) to it, syncs and removes it; stale partial files are removed first. So a
    missing folder (`FileNotFoundError`), a part of the path that is a file
    (`NotADirectoryError`), a folder without write permission (`PermissionError`), a
    read-only file system (EROFS) and a full disk (ENOSPC) are all found; `path` being a
    folder raises `IsADirectoryError`. The error's filename is `path`. Whether the disk has
    room for the whole file is `free_bytes`'s question.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    remove_stale_partials(target.parent)
    handle, probe = _create_partial(target)
    try:
        written = os.write(handle, bytes(_PROBE_BYTES))
        if written < _PROBE_BYTES:  # a short write: the disk filled up
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        os.fsync(handle)
    except OSError as error:
        raise _naming(target, error) from error
    finally:
        os.close(handle)
        probe.unlink(missing_ok=True)


def free_bytes(folder: str | os.PathLike) -> int | None:
    """The bytes free for this process's user on the disk holding `folder` (None when
    that cannot be found out)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def format_bytes(size: int) -> str:
    """A byte count as people read it: "845 bytes", "1.5 MiB", "3.64 TiB" (of 1024)."""
    if size < 1024:
        return f"{size:,} bytes"
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        size /= 1024
        if size < 1024 or unit == "EiB":
            return f"{size:.3g} {unit}"
    raise AssertionError("unreachable")


def describe_write_error(path: str | os.PathLike, error: OSError) -> str:
    """What went wrong writing `path` and what to do, as one lower-case sentence naming
    `path` (the real target, whatever the error's own filename says), e.g. "cannot write
    out/v.txt: the folder out does not exist. Create it (mkdir -p out) or choose another
    place." """
    target = Path(path)
    folder = target.parent
    shown = shlex.quote(str(folder))
    reason = {
        errno.ENOENT: f"the folder {folder} does not exist. Create it (mkdir -p {shown}) or "
                      "choose another place.",
        errno.ENOTDIR: f"{folder} is not a folder (a part of that path is a file). Choose "
                       "another place.",
        errno.EACCES: f"there is no permission to create files in {folder}. Choose a folder "
                      f"you can write to, or make this one writable (chmod u+w {shown}).",
        errno.EROFS: f"{folder} is on a read-only file system. Choose another place.",
        errno.EISDIR: "that is a folder. Name a file inside it.",
        errno.ENAMETOOLONG: "the name is too long. Choose a shorter one.",
    }
    reason[errno.EPERM] = reason[errno.EACCES]
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        free = free_bytes(folder if folder.exists() else Path.cwd())
        room = f" ({format_bytes(free)} free)" if free is not None else ""
        full = ("your disk quota is used up" if error.errno != errno.ENOSPC
                else f"the disk holding {folder} has no room for it{room}")
        return (f"cannot write {target}: {full}. Free some space there or choose another "
                "place.")
    if error.errno in reason:
        return f"cannot write {target}: {reason[error.errno]}"
    return f"cannot write {target}: {error.strerror or error}."


# ------------------------------------------------------------------------ data folder
def data_dir() -> Path:
    """The folder for the app's own files (logs, recovery copies, kept runs), created if
    missing; the same folder whether the app or the command line asks.

    `$WORD2VEC_STUDIO_DATA` when set; otherwise what Qt's AppDataLocation gives when the
    organization and application names are both "Word2Vec Studio": on Linux and other
    Unix systems ``$XDG_DATA_HOME`` (when an absolute path, else ``~/.local/share``), on
    macOS ``~/Library/Application Support``, on Windows ``%APPDATA%``, each followed by
    ``Word2Vec Studio/Word2Vec Studio``. A folder that cannot be created is still
    returned: whoever writes there gets the OSError and reports it.
    """
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        folder = Path(configured).expanduser()
    else:
        folder = _user_data_location() / APP_NAME / APP_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return folder


def _user_data_location() -> Path:
    """The platform's folder for an application's data, before the app's own names."""
    if sys.platform == "win32":
        roaming = os.environ.get("APPDATA")
        return Path(roaming) if roaming else Path.home() / "AppData" / "Roaming"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    configured = os.environ.get("XDG_DATA_HOME", "")
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".local" / "share"
