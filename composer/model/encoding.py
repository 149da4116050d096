"""Score <-> step arrays (numpy). One step per note; see composer.model.vocab for the fields.

A note array is int (N, 5) with columns onset, duration, pitch, velocity, voice in score ticks,
the same layout the corpus cache stores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from composer.model import vocab as V
from composer.music.score import Note, Score

ONSET, DURATION, PITCH, VELOCITY, VOICE = range(5)


def notes_to_array(notes) -> np.ndarray:
    array = np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in notes], dtype=np.int64)
    return array.reshape(-1, 5)


def array_to_notes(array: np.ndarray, *, generated: bool = False) -> list[Note]:
    return [Note(int(p), int(o), int(d), int(v), int(voice), generated)
            for o, d, p, v, voice in np.asarray(array).tolist()]


@dataclass
class Steps:
    """Per-note model attributes, all int64 arrays of equal length, plus each note's grid onset."""

    pitch: np.ndarray
    delta: np.ndarray
    duration: np.ndarray
    velocity: np.ndarray
    interval: np.ndarray
    position: np.ndarray
    onset: np.ndarray  # grid ticks, absolute

    def __len__(self) -> int:
        return len(self.pitch)

    def slice(self, start: int, stop: int, *, fresh_start: bool = True) -> "Steps":
        """A window; with fresh_start its first step forgets the note before the window, as a
        user's seed has no note before it."""
        part = Steps(*(getattr(self, f)[start:stop].copy() for f in _FIELDS))
        if fresh_start and len(part):
            part.delta[0] = 0
            part.interval[0] = V.NO_INTERVAL
        return part

    def matrix(self, fields=V.FEATURES) -> np.ndarray:
        return np.stack([getattr(self, f) for f in fields], axis=-1)


_FIELDS = ("pitch", "delta", "duration", "velocity", "interval", "position", "onset")


def derive_interval(pitch: np.ndarray) -> np.ndarray:
    interval = np.full(len(pitch), V.NO_INTERVAL, dtype=np.int64)
    if len(pitch) > 1:
        interval[1:] = np.clip(np.diff(pitch), -V.MAX_INTERVAL, V.MAX_INTERVAL) + V.MAX_INTERVAL
    return interval


def encode(array: np.ndarray, bar_length: int = 48) -> Steps:
    """Quantise a note array to the grid and turn it into steps, sorted by onset, then pitch from
    the top down (so the melody note of a chord comes first). Duplicate (onset, pitch) notes go."""
    array = np.asarray(array, dtype=np.int64).reshape(-1, 5)
    onset = np.rint(array[:, ONSET] / V.TICKS_PER_GRID).astype(np.int64)
    duration = np.clip(np.rint(array[:, DURATION] / V.TICKS_PER_GRID).astype(np.int64), 1, V.MAX_DURATION)
    pitch = array[:, PITCH]
    order = np.lexsort((-pitch, onset))
    onset, duration, pitch, velocity = onset[order], duration[order], pitch[order], array[order, VELOCITY]
    if len(onset) > 1:
        keep = np.ones(len(onset), dtype=bool)
        keep[1:] = (np.diff(onset) != 0) | (np.diff(pitch) != 0)
        onset, duration, pitch, velocity = onset[keep], duration[keep], pitch[keep], velocity[keep]
    delta = np.zeros(len(onset), dtype=np.int64)
    if len(onset) > 1:
        delta[1:] = np.minimum(np.diff(onset), V.MAX_DELTA)
    velocity_bins = np.minimum(V.VELOCITY_BINS - 1, np.maximum(0, (velocity - 1) * V.VELOCITY_BINS // 127))
    return Steps(
        pitch=pitch.copy(),
        delta=delta,
        duration=duration - 1,
        velocity=velocity_bins.astype(np.int64),
        interval=derive_interval(pitch),
        position=onset % bar_length,
        onset=onset,
    )


def bar_length_of(score: Score) -> int:
    return V.bar_grid(score.time_signature.numerator, score.time_signature.denominator)


def encode_score(score: Score, notes=None) -> Steps:
    """Steps of a score's notes (or of the given subset of them), drums left out."""
    drums = {i for i, v in enumerate(score.voices) if v.is_drum}
    chosen = [n for n in (score.notes if notes is None else notes) if n.voice not in drums]
    return encode(notes_to_array(chosen), bar_length_of(score))


def decode(pitch, delta, duration, velocity, *, start_onset: int, voice: int = 0) -> list[Note]:
    """Predicted steps -> Notes. `start_onset` is the score-tick onset of the note before the first
    step (the last seed note): each delta counts from the previous onset."""
    notes, onset = [], start_onset
    for p, d, u, v in zip(pitch, delta, duration, velocity):
        onset += int(d) * V.TICKS_PER_GRID
        notes.append(Note(int(p), onset, (int(u) + 1) * V.TICKS_PER_GRID, V.bin_velocity(int(v)), voice, True))
    return notes
