"""The one error type every file reader and writer raises."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class ScoreFileError(Exception):
    """A file could not be read or written. The message names the file and what is wrong."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def checked_size(path: Path, limit: int, what: str, hint: str = "") -> int:
    """The file's size, or ScoreFileError when it cannot be opened, is empty or exceeds `limit`."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ScoreFileError(path, f"cannot open it ({error.strerror or error})") from error
    if size == 0:
        raise ScoreFileError(path, "the file is empty")
    if size > limit:
        raise ScoreFileError(path, f"the file is {size / 2**20:.0f} MB; Composer reads {what} up to "
                                   f"{limit // 2**20} MB{hint}")
    return size


def require_regular_file(path: Path, what: str = "file") -> os.stat_result:
    """The file's stat, or ScoreFileError saying why it is not a regular file: missing, a folder,
    a FIFO or device (reading would block forever or never end: `/dev/zero`), a symlink loop.
    Symlinks to regular files are followed, as a user expects."""
    try:
        info = path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ScoreFileError(path, "it is a symbolic link that loops back on itself") from None
        if isinstance(error, FileNotFoundError):
            broken = " (a broken symbolic link)" if path.is_symlink() else ""
            raise ScoreFileError(path, f"cannot open it: no such file{broken}") from None
        raise ScoreFileError(path, f"cannot open it ({error.strerror or error})") from error
    if stat.S_ISDIR(info.st_mode):
        raise ScoreFileError(path, f"it is a folder, not a {what} file")
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
        raise ScoreFileError(path, f"it is a pipe or socket, not a {what} file (reading it could wait forever)")
    if not stat.S_ISREG(info.st_mode):
        raise ScoreFileError(path, f"it is a device, not a {what} file")
    return info
