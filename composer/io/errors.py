"""The one error type every file reader and writer raises."""

from __future__ import annotations

from pathlib import Path


class ScoreFileError(Exception):
    """A file could not be read or written. The message names the file and what is wrong."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
