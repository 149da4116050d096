"""Writing a file so that nothing is lost and nothing is redirected.

A partial file is created beside the target with O_EXCL under an unpredictable name (so a symlink
planted under the name cannot send the bytes elsewhere), flushed to disk with fsync, given the
existing file's permissions (a new file follows the umask), and renamed over the target: a crash
or a kill at any moment leaves either the old file or the new one. The partial's name carries the
writer's process id, so partials left by a killed process are recognised and removed later
(clean_stale_partials).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

_PARTIAL = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{16}\.part$")


def partial_path(path: Path) -> Path:
    """A fresh, unpredictable name for the partial file of `path` (created by open_exclusive)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(8)}.part")


@contextmanager
def replacing(path: str | Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """Yields a binary handle to a new partial file; on a clean exit the data is fsynced and the
    partial renamed over `path`; on any exception the partial is removed and the exception
    propagates (OSError for the caller to word). mode: the permission bits for a new file
    (default: the umask's, as any program's files); an existing file's bits are always kept."""
    path = Path(path)
    partial = partial_path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(partial, flags, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            try:
                os.fchmod(handle.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            except FileNotFoundError:
                pass
        os.replace(partial, path)
        _fsync_folder(path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes, *, mode: int | None = None) -> None:
    """Atomically replace `path` with `data` (see replacing). Raises OSError."""
    with replacing(path, mode=mode) as handle:
        handle.write(data)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but not ours
    return True


def clean_stale_partials(folder: str | Path) -> list[Path]:
    """Remove partial files in `folder` left by processes that no longer run (a kill mid-save);
    returns what was removed. Only names this module makes are touched, and only regular files."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _PARTIAL.match(entry.name)
        if not match or _alive(int(match["pid"])):
            continue
        try:
            if stat.S_ISREG(entry.lstat().st_mode):
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed
