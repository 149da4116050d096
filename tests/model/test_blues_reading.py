"""A blues is read as a blues: where a major-key tune sounds its tonic's blue notes (the minor third
and seventh) beside its major third, the chords estimated for an added part are the dominant
sevenths on I, IV and V, each chord's own minor third a blue note over it. Read as triads, the
12-bar blues tune of tests/commands/test_blues_bass.py (a riff on the fifth, seventh and root of
each chord, then on its blue third) was Cm | Bbm | Cm | Fm | Fm | Bbm | Cm | Fm | Gm | Bbm | Cm | Cm:
the roots of 4 bars of 12."""

from __future__ import annotations

import numpy as np

from composer.model.encoding import notes_to_array
from composer.model.priors import blues_tonic, estimate_chords
from composer.music import Note
from composer.music.chords import QUALITY_INDEX
from composer.music.scales import Key, estimate_key
from tests.commands.test_blues_bass import BLUES, ROOTS, blues_tune


def test_a_blues_tune_is_read_as_the_dominant_sevenths_of_its_form():
    tune = blues_tune()
    array = notes_to_array(tune.notes)
    key = estimate_key(tune.notes)
    tonic = blues_tonic(array[:, 1], array[:, 2], key)
    assert tonic == 5  # F
    rows = estimate_chords(array[:, 0], array[:, 1], array[:, 2], None, key.pitch_classes, blues=tonic)
    assert [(root, quality) for root, quality in rows[:, 2:].tolist()] == \
        [(ROOTS[chord] % 12, QUALITY_INDEX["dom7"]) for chord in BLUES]
    triads = estimate_chords(array[:, 0], array[:, 1], array[:, 2], None, key.pitch_classes)
    assert sum(root == ROOTS[chord] % 12 for (root, _), chord in zip(triads[:, 2:].tolist(), BLUES)) <= 6


def _line(pitches, beats=1):
    return notes_to_array([Note(p, i * 480 * beats, 480 * beats - 10) for i, p in enumerate(pitches)])


def test_no_blues_without_both_blue_notes_and_the_major_third():
    # A mixolydian folk tune in G (its F natural a seventh, no B flat): no blues.
    folk = _line([67, 71, 74, 72, 71, 69, 65, 67, 69, 71, 72, 74, 65, 67, 71, 67] * 2)
    assert blues_tonic(folk[:, 1], folk[:, 2], Key(7, "mixolydian")) is None
    # A C major tune with one passing E flat and one B flat: too little to be blue.
    passing = _line([60, 62, 63, 64, 65, 67, 69, 70, 71, 72, 71, 69, 67, 65, 64, 62] * 2 + [60] * 16)
    assert blues_tonic(passing[:, 1], passing[:, 2], Key(0, "major")) is None
    # The same notes in a minor key are a minor tune's, not a blues.
    blue = _line([60, 63, 64, 67, 70, 67, 64, 63, 60, 58, 60, 64] * 2)
    assert blues_tonic(blue[:, 1], blue[:, 2], Key(0, "major")) == 0
    assert blues_tonic(blue[:, 1], blue[:, 2], Key(0, "minor")) is None
    # A triad with nothing blue in its bar stays a triad in a blues.
    rows = estimate_chords(np.array([0, 0, 0]), np.array([1920] * 3), np.array([60, 64, 67]), None,
                           Key(0, "major").pitch_classes, blues=0)
    assert tuple(rows[0, 2:]) == (0, QUALITY_INDEX["maj"])
