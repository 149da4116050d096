"""The auto key lock takes the minor or mode the music is in (composer.music.scales.fitted_scale):
Krumhansl's estimate says only major or minor, and minor locked to the natural minor forbade the
G# of an A minor tune's own E major chords (an added harmony part played E G B under its G#s), and
D minor the B naturals of a D dorian tune (a G minor chord, Bb, under its B), QA."""

from __future__ import annotations

from composer.music import Key, Note, Score, Voice
from composer.music.scales import fitted_scale
from composer.request import add_part

Q = 480
A_MINOR_WALTZ = [69, 72, 76, 77, 77, 74, 76, 68, 71, 69, 69, 69, 72, 71, 69, 69, 67, 65, 64, 68, 71, 69, 69, 69]
D_DORIAN = [62, 65, 69, 67, 65, 64, 64, 62, 60, 62, 65, 69, 72, 71, 69, 67, 67, 65, 64, 62]


def _score(pitches: list[int]) -> Score:
    return Score(notes=[Note(p, i * Q, Q, 80, 0) for i, p in enumerate(pitches * 2)], voices=[Voice("Flute", 73)])


def test_the_auto_lock_keeps_the_minor_keys_leading_tone():
    key = add_part(_score(A_MINOR_WALTZ), "harmony").resolved_key()
    assert key == Key(9, "harmonic_minor")
    assert 8 in key.pitch_classes  # G#


def test_the_auto_lock_keeps_a_modes_own_note():
    key = add_part(_score(D_DORIAN), "harmony").resolved_key()
    assert key == Key(2, "dorian")
    assert 11 in key.pitch_classes  # B natural


def test_a_diatonic_tune_keeps_its_estimated_key():
    notes = [Note(p, i * Q, Q, 80) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72] * 2)]
    assert fitted_scale(Key(0, "major"), notes) == Key(0, "major")
    assert fitted_scale(None, notes) is None
    assert fitted_scale(Key(9, "minor"), [Note(p, 0, Q, 80) for p in (69, 72, 76)]) == Key(9, "minor")  # a tie


def test_a_passing_note_is_no_mode():
    # A C major tune that never sounds B, with one passing Bb (1 % of its time): C major, not C
    # mixolydian, whose lock turned its cadences' V into G minor (QA qa35). Three Bbs (6 %) are.
    tune = [60, 62, 64, 62, 64, 64, 62, 60, 65, 69, 65, 62, 64, 62, 62, 55] * 4
    passing = [Note(p, i * Q, Q, 80) for i, p in enumerate(tune)] + [Note(70, 64 * Q, Q // 2, 80)]
    assert fitted_scale(Key(0, "major"), passing) == Key(0, "major")
    # three passing eighths (2.3 %, QA qa36) are none either; three more quarters (6.6 %) are
    eighths = passing + [Note(70, (16 * k + 8) * Q + Q // 2, Q // 2, 80) for k in (1, 2)]
    assert fitted_scale(Key(0, "major"), eighths) == Key(0, "major")
    flat_sevenths = passing + [Note(70, (65 + i) * Q, Q, 80) for i in range(3)]
    assert fitted_scale(Key(0, "major"), flat_sevenths) == Key(0, "mixolydian")


def test_a_minor_keys_leading_tone_needs_no_margin():
    # G# for 4 beats against G for 3 in 60 (QA qa36's Greensleeves): the harmonic minor, whose E
    # major chords had become G# B D# under a 2 % margin.
    body = [69, 72, 74, 76, 77, 76, 74, 71, 69, 72, 71, 69, 64, 65, 64, 62, 60, 62, 64, 65] * 2
    leading = [67, 69, 71, 72, 68, 69, 67, 65, 64, 68, 69, 67, 64, 68, 69, 68, 69, 69, 69, 69]
    tune = [Note(p, i * Q, Q, 80) for i, p in enumerate(body + leading)]
    assert fitted_scale(Key(9, "minor"), tune) == Key(9, "harmonic_minor")
