"""Helpers for the sound tests: the render rate, listening to an offline engine, a test melody.

Kept out of conftest.py so tests import them by a unique module name: `from conftest import …`
picks whichever conftest pytest imported last when several test folders run together.
"""

from __future__ import annotations

import numpy as np

from composer.music.score import Note, Score, Voice

RATE = 44100


def listen(engine: SoundEngine, seconds: float, block: int = 1024) -> np.ndarray:
    """Advance an offline engine by `seconds` and return the audio, int16 (frames, 2)."""
    frames = int(round(seconds * RATE))
    chunks = []
    while frames > 0:
        chunks.append(engine.render(min(block, frames)))
        frames -= len(chunks[-1])
    return np.concatenate(chunks)


def melody(pitches: list[int], program: int = 0, step: int = 480, length: int = 240,
           velocity: int = 100) -> Score:
    return Score(notes=[Note(p, i * step, length, velocity) for i, p in enumerate(pitches)],
                 voices=[Voice("melody", program)])
