"""Small, learnable corpora made by the tests themselves."""

from __future__ import annotations

import numpy as np
import pytest

from composer.model.encoding import notes_to_array
from composer.music import Note, Score

MAJOR = [0, 2, 4, 5, 7, 9, 11]


def phrase(tonic: int, pattern: list[int], step: int = 240, velocity: int = 90, repeats: int = 4) -> list[Note]:
    """A melody that repeats a scale-degree pattern: easy to learn, easy to check."""
    notes, onset = [], 0
    for _ in range(repeats):
        for degree in pattern:
            octave, index = divmod(degree, 7)
            notes.append(Note(tonic + 12 * octave + MAJOR[index], onset, step, velocity))
            onset += step
    return notes


@pytest.fixture
def phrases() -> list[Score]:
    patterns = [[0, 1, 2, 3, 4, 3, 2, 1], [0, 2, 4, 7, 4, 2], [4, 3, 2, 1, 0, 1, 2, 4]]
    return [Score(notes=phrase(60 + shift, pattern)) for pattern in patterns for shift in (0, 5)]


@pytest.fixture
def piece_arrays(phrases) -> list[np.ndarray]:
    return [notes_to_array(score.notes) for score in phrases]


@pytest.fixture(scope="session")
def cowriter():
    """The shipped model, loaded once (a module may define its own `cowriter`, e.g. a random one)."""
    from composer.generate import CoWriter, default_model_path

    if not default_model_path().exists():
        pytest.fail(f"the shipped model {default_model_path()} is missing")
    return CoWriter.load(None)
