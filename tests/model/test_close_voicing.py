"""Close voicings and the shortest way between chords (composer.model.close_voicing)."""

from __future__ import annotations

import numpy as np

from composer.model.close_voicing import VOICE_LEADING, VOICE_LEADING_CAP, close_voicings, movement, voice_leading_prior
from composer.model.priors import chord_tones
from composer.music.chords import QUALITY_INDEX

C = chord_tones(0, QUALITY_INDEX["maj"])
G7 = chord_tones(7, QUALITY_INDEX["dom7"])


def test_close_voicings_are_every_inversion_within_an_octave_from_c3():
    found = close_voicings(C)
    assert (48, 52, 55) in found and (52, 55, 60) in found and (55, 60, 64) in found
    assert all(v[-1] - v[0] < 12 and len(v) == 3 and v[0] >= 48 for v in found)
    assert all(len(v) == 4 and v[-1] - v[0] < 12 for v in close_voicings(G7))


def test_movement_is_the_sum_of_the_steps():
    assert movement((52, 55, 60), (53, 55, 59)) == 2  # G7's F and B resolve to E and C by step
    assert movement((48, 52, 55), (48, 52, 55)) == 0
    assert movement((55, 60, 64), (48, 52, 55)) == 12  # C E G to G C E: an inversion flipped
    assert movement((52, 55, 60), (53, 55, 59, 62)) == 3  # any sizes: each note to its nearest, both ways


def test_the_nearest_top_and_the_notes_under_it():
    g7 = (53, 55, 59, 62)  # F3 G3 B3 D4
    tops = voice_leading_prior(C, g7, ())
    # C4 on top (E3 G3 C4, 3 semitones from G7) is nearest; E4 (G3 C4 E4) 4; C5 an octave up far off
    assert tops[60] == 0 and tops[64] == -VOICE_LEADING and tops[72] <= -VOICE_LEADING * 6
    assert tops[61] == -VOICE_LEADING_CAP  # C#4: no C major voicing has it on top
    under = voice_leading_prior(C, g7, (60,))
    assert under[55] == 0 and under[52] == -VOICE_LEADING_CAP  # under C4 a close C major has only G3
    # No chord before: any top of the chord's, and under it only what keeps the chord close (D3
    # under G3 C4, a Gsus4, had opened an added part under "C" in 1 of 9 variations)
    first = voice_leading_prior(C, (), ())
    assert first[[60, 64, 67, 72]].tolist() == [0, 0, 0, 0] and first[62] == -VOICE_LEADING_CAP
    under = voice_leading_prior(C, (), (60, 55))
    assert under[52] == 0 and under[50] == -VOICE_LEADING_CAP
