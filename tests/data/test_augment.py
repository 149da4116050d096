"""Augmentation properties on random note arrays (hypothesis) and on a known melody."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.data.augment import AugmentConfig, Augmenter, transpose_shift

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def note_arrays(draw, max_groups=40):
    """Sorted (N, 5) arrays: onset groups (chords) at increasing onsets, 1-4 notes each."""
    groups = draw(st.integers(1, max_groups))
    onset, rows = draw(st.integers(0, 50)), []
    for _ in range(groups):
        size = draw(st.integers(1, 4))
        pitches = draw(st.lists(st.integers(21, 108), min_size=size, max_size=size, unique=True))
        duration = draw(st.integers(1, 960))
        for voice, pitch in enumerate(sorted(pitches)):
            rows.append((onset, duration, pitch, draw(st.integers(1, 127)), voice))
        onset += draw(st.integers(1, 960))
    return np.array(rows, dtype=np.int32)


def _groups(notes):
    """Onset groups as tuples of row indices in order."""
    out, start = [], 0
    for i in range(1, len(notes) + 1):
        if i == len(notes) or notes[i, 0] != notes[start, 0]:
            out.append(len(range(start, i)))
            start = i
    return out


@SETTINGS
@given(note_arrays(), st.integers(0, 2**32 - 1))
def test_augmented_notes_stay_valid_and_chords_stay_together(notes, seed):
    before = notes.copy()
    out = Augmenter(AugmentConfig(swap_probability=0.3))(notes, np.random.default_rng(seed))
    assert np.array_equal(notes, before)  # input untouched
    assert out.dtype == np.int32 and out.shape == notes.shape
    assert out[:, 0].min() >= 0 and out[:, 1].min() >= 1
    assert out[:, 2].min() >= 21 and out[:, 2].max() <= 108
    assert out[:, 3].min() >= 1 and out[:, 3].max() <= 127
    assert _groups(out) == _groups(notes)  # same chords (sizes, order): none split, none merged
    assert np.all(np.diff(out[:, 0]) >= 0)  # still sorted by onset
    assert np.all(np.abs(out[:, 0] - notes[:, 0]) <= 15)


@SETTINGS
@given(note_arrays(), st.integers(0, 2**32 - 1))
def test_same_seed_same_result(notes, seed):
    augment = Augmenter()
    first = augment(notes, np.random.default_rng(seed))
    assert np.array_equal(first, augment(notes, np.random.default_rng(seed)))


@SETTINGS
@given(note_arrays(), st.integers(0, 2**32 - 1))
def test_transposition_alone_moves_every_pitch_by_one_shift(notes, seed):
    config = AugmentConfig(timing=False, velocity=False, order=False)
    out = Augmenter(config)(notes, np.random.default_rng(seed))
    shifts = set((out[:, 2] - notes[:, 2]).tolist())
    assert len(shifts) == 1 and abs(shifts.pop()) <= 6
    assert np.array_equal(out[:, [0, 1, 3]], notes[:, [0, 1, 3]])


def test_transposition_picks_only_shifts_that_fit_the_range():
    config = AugmentConfig()
    rng = np.random.default_rng(0)
    shifts = {transpose_shift(np.array([100, 105]), rng, config) for _ in range(300)}
    assert shifts == set(range(-6, 4))  # 105 + 3 = 108 is the top
    assert transpose_shift(np.array([20, 110]), rng, config) == 0  # nothing fits: leave it


def test_all_off_returns_the_same_notes():
    notes = np.array([[0, 480, 60, 80, 0], [0, 480, 64, 80, 1], [480, 240, 62, 80, 0]], dtype=np.int32)
    out = Augmenter(AugmentConfig.off())(notes, np.random.default_rng(1))
    assert np.array_equal(out, notes) and out is not notes


def test_order_noise_swaps_neighbouring_pitches_and_keeps_the_rhythm():
    melody = np.array([[i * 240, 240, 30 + i, 80, 0] for i in range(80)], dtype=np.int32)
    config = AugmentConfig(transpose=False, timing=False, velocity=False, swap_probability=0.2)
    out = Augmenter(config)(melody, np.random.default_rng(3))
    assert np.array_equal(out[:, [0, 1, 3, 4]], melody[:, [0, 1, 3, 4]])
    moved = np.flatnonzero(out[:, 2] != melody[:, 2])
    assert 6 < len(moved) < 50  # about 0.2 of the 79 pairs, two notes each, no overlaps
    assert np.all(np.abs(out[moved, 2] - melody[moved, 2]) == 1)  # only neighbours swap: one semitone here
    assert sorted(out[:, 2].tolist()) == melody[:, 2].tolist()


def test_drums_are_neither_transposed_nor_swapped():
    rows = []
    for i in range(50):
        rows += [[i * 240, 120, 36 + (i % 3), 100, 1], [i * 240, 240, 60 + i % 12, 80, 0]]
    notes = np.array(rows, dtype=np.int32)
    notes = notes[np.lexsort((notes[:, 4], notes[:, 2], notes[:, 0]))]
    config = AugmentConfig(timing=False, velocity=False, swap_probability=0.5)
    for seed in range(5):
        out = Augmenter(config)(notes, np.random.default_rng(seed), drum_voices=(1,))
        assert np.array_equal(out[out[:, 4] == 1], notes[notes[:, 4] == 1])


def test_velocity_noise_varies_a_flat_velocity_within_bounds():
    flat = np.array([[i * 480, 480, 60, 80, 0] for i in range(100)], dtype=np.int32)
    config = AugmentConfig(transpose=False, timing=False, order=False)
    out = Augmenter(config)(flat, np.random.default_rng(5))
    assert len(set(out[:, 3].tolist())) > 3 and np.all(np.abs(out[:, 3] - 80) <= 16)
