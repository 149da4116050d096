from __future__ import annotations

import itertools
from pathlib import Path

import pytest


@pytest.fixture
def file_of(tmp_path: Path):
    """file_of(bytes, suffix) -> a fresh file holding those bytes."""
    counter = itertools.count()

    def make(data: bytes, suffix: str = ".mid") -> Path:
        path = tmp_path / f"case{next(counter)}{suffix}"
        path.write_bytes(data)
        return path

    return make
