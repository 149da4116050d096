"""Data augmentation on note arrays (numpy only): transposition, timing noise, velocity noise and a
small local change of note order, as the seed asks. Each part can be switched off; every random
choice comes from the np.random.Generator the caller passes, so a seeded run is repeatable.

Input: an (N, 5) note array (composer.data.cache.NOTE_COLUMNS) sorted by onset. Output: a new
int32 array, sorted the same way (onset, pitch, voice). The input is never changed. Notes of
drum voices are neither transposed nor swapped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from composer.data.cache import DURATION, ONSET, PITCH, VELOCITY, VOICE

LOWEST_PITCH, HIGHEST_PITCH = 21, 108  # the piano's range: what the model learns to play


@dataclass(frozen=True, slots=True)
class AugmentConfig:
    transpose: bool = True
    max_transpose: int = 6  # semitones either way; only shifts that keep every note in range
    low: int = LOWEST_PITCH
    high: int = HIGHEST_PITCH
    timing: bool = True
    onset_jitter: int = 15  # ticks (480 per quarter), per onset group, never reorders groups
    duration_jitter: int = 15  # ticks, per onset group, durations stay >= 1
    velocity: bool = True
    velocity_shift: int = 12  # one offset for the whole piece: louder or softer playing
    velocity_jitter: int = 4  # per note on top of the shift
    order: bool = True
    swap_probability: float = 0.03  # per pair of adjacent onset groups of equal size

    @classmethod
    def off(cls) -> "AugmentConfig":
        return cls(transpose=False, timing=False, velocity=False, order=False)


def _group_starts(onsets: np.ndarray) -> np.ndarray:
    """Index of the first note of each onset group (notes sorted by onset), plus len at the end."""
    change = np.flatnonzero(np.diff(onsets)) + 1
    return np.concatenate([[0], change, [len(onsets)]])


def transpose_shift(pitches: np.ndarray, rng: np.random.Generator, config: AugmentConfig) -> int:
    """A random shift in +-max_transpose that keeps every pitch inside [low, high] (0 if none does)."""
    if len(pitches) == 0:
        return 0
    lowest = max(-config.max_transpose, config.low - int(pitches.min()))
    highest = min(config.max_transpose, config.high - int(pitches.max()))
    if lowest > highest:
        return 0
    return int(rng.integers(lowest, highest + 1))


def jitter_timing(notes: np.ndarray, rng: np.random.Generator, config: AugmentConfig) -> None:
    """In place: move each onset group by a few ticks and stretch its durations by a few ticks.

    A group moves less than half the gap to either neighbour, so groups keep their order and
    never merge, and the notes of a chord stay together.
    """
    starts = _group_starts(notes[:, ONSET])
    first = notes[starts[:-1], ONSET].astype(np.int64)
    groups = len(first)
    sizes = np.diff(starts)
    gaps = np.diff(first)
    big = np.int64(1 << 40)
    before = np.concatenate([[big], gaps])
    after = np.concatenate([gaps, [big]])
    reach = np.minimum(np.minimum((before - 1) // 2, (after - 1) // 2), config.onset_jitter).clip(min=0)
    moved = first + rng.integers(-reach, reach + 1)
    notes[:, ONSET] = np.repeat(np.maximum(moved, 0), sizes)
    stretch = rng.integers(-config.duration_jitter, config.duration_jitter + 1, size=groups)
    notes[:, DURATION] = np.maximum(notes[:, DURATION] + np.repeat(stretch, sizes), 1)


def jitter_velocity(notes: np.ndarray, rng: np.random.Generator, config: AugmentConfig) -> None:
    shift = int(rng.integers(-config.velocity_shift, config.velocity_shift + 1))
    noise = rng.integers(-config.velocity_jitter, config.velocity_jitter + 1, size=len(notes))
    notes[:, VELOCITY] = np.clip(notes[:, VELOCITY] + shift + noise, 1, 127)


def swap_neighbours(notes: np.ndarray, rng: np.random.Generator, config: AugmentConfig) -> None:
    """In place: with a small probability, two adjacent onset groups of the same size exchange
    their pitches (the rhythm stays; a melody plays two notes in the other order). A group takes
    part in at most one swap, so no note travels further than one step."""
    starts = _group_starts(notes[:, ONSET])
    sizes = np.diff(starts)
    pairs = np.flatnonzero((sizes[:-1] == sizes[1:]) & (rng.random(len(sizes) - 1) < config.swap_probability))
    last = -2
    for g in pairs.tolist():
        if g == last + 1:
            continue
        a, b, c = starts[g], starts[g + 1], starts[g + 2]
        notes[a:b, PITCH], notes[b:c, PITCH] = notes[b:c, PITCH].copy(), notes[a:b, PITCH].copy()
        last = g


class Augmenter:
    """`Augmenter(config)(notes, rng)` -> an augmented copy of notes."""

    def __init__(self, config: AugmentConfig | None = None):
        self.config = config or AugmentConfig()

    def __call__(self, notes: np.ndarray, rng: np.random.Generator,
                 drum_voices: tuple[int, ...] = ()) -> np.ndarray:
        config = self.config
        out = np.array(notes, dtype=np.int64)  # a copy, wide enough that the arithmetic cannot wrap
        if len(out) == 0:
            return out.astype(np.int32)
        out = out[np.argsort(out[:, ONSET], kind="stable")]
        pitched = ~np.isin(out[:, VOICE], drum_voices) if drum_voices else np.ones(len(out), bool)
        if config.order and config.swap_probability > 0 and pitched.any():
            melodic = out[pitched]
            swap_neighbours(melodic, rng, config)
            out[pitched] = melodic
        if config.transpose and pitched.any():
            out[pitched, PITCH] += transpose_shift(out[pitched, PITCH], rng, config)
        if config.timing:
            jitter_timing(out, rng, config)
        if config.velocity:
            jitter_velocity(out, rng, config)
        out = out[np.lexsort((out[:, VOICE], out[:, PITCH], out[:, ONSET]))]
        return out.astype(np.int32)
