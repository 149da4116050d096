"""The one error type every file reader and writer raises."""

from __future__ import annotations

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
