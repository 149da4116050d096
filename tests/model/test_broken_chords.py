"""A line of broken chords (an Alberti left hand) keeps its figure and plays the chord's tones.

An Alberti left hand (C3 G3 E3 G3 twice a bar, one chord a bar) continued 4 bars beside its tune
kept the figure in 7-10 of 32 bars (QA qa16 M4): its middle note is a major third over C and a
minor third over A, which the bar figure, counted in semitones, could not tell as one (it had no
figure there), and nothing kept the line's notes to one chord a bar (F C D C under F)."""

from __future__ import annotations

import numpy as np

from composer.model.priors import harmonic_rhythm_of, interval_class
from composer.music import Note, Score, Voice
from composer.request import continue_request

Q, E = 480, 240
BAR = 4 * Q
PROGRESSION = [(0, 4), (5, 4), (7, 4), (0, 4), (9, 3), (2, 3), (7, 4), (0, 4)]  # (root, third): C F G C Am Dm G C


def alberti_piece() -> Score:
    notes = []
    for b, (root, third) in enumerate(PROGRESSION):
        t = b * BAR
        low = 48 + root if root <= 7 else 36 + root
        for k, pitch in enumerate([low, low + 7, low + third, low + 7] * 2):
            notes.append(Note(pitch, t + k * E, E, 60, 1))
        top = [(root + third) % 12, (root + 7) % 12]
        notes += [Note(72 + pc if pc < 7 else 60 + pc, t + half * 2 * Q, 2 * Q, 85, 0) for half, pc in enumerate(top)]
    return Score(notes=notes, voices=[Voice("Right Hand", 0), Voice("Left Hand", 0)])


def is_alberti(bar: list[Note]) -> bool:
    """Eight eighths, low-high-middle-high twice."""
    pitches = [n.pitch for n in sorted(bar, key=lambda n: n.onset)]
    if len(pitches) != 8 or pitches[4:] != pitches[:4]:
        return False
    low, high, middle, again = pitches[:4]
    return high == again and low < middle < high


def test_figure_classes_are_generic_intervals():
    assert interval_class(np.array([4]))[0] == interval_class(np.array([3]))[0]  # a major and a minor third
    assert interval_class(np.array([7]))[0] == interval_class(np.array([-5]))[0]  # a fifth up, a fourth down
    assert interval_class(np.array([12]))[0] != interval_class(np.array([0]))[0]  # an octave is not the same note
    assert interval_class(np.array([4]))[0] != interval_class(np.array([7]))[0]


def test_a_line_of_broken_triads_has_a_harmonic_rhythm_that_fits_chords():
    piece = alberti_piece()
    left = sorted((n for n in piece.notes if n.voice == 1), key=lambda n: n.onset)
    onsets = np.array([n.onset for n in left])
    found = harmonic_rhythm_of(onsets, np.array([n.pitch for n in left]), onsets % BAR, np.full(len(left), BAR), 4)
    assert found is not None and (found.divisions, found.size) == (1, 3) and found.fit == 1.0
    # a scale run, three notes a bar: as many pitch classes, but no chord
    run = np.array([60, 62, 64, 62] * 8)
    steps = np.arange(len(run)) * Q
    found = harmonic_rhythm_of(steps, run, steps % BAR, np.full(len(run), BAR), 4)
    assert found is None or found.fit < 0.5


def test_an_alberti_left_hand_keeps_its_figure_when_continued(cowriter):
    piece = alberti_piece()
    for voices in ((0, 1), (1,)):
        kept = total = 0
        for seed in (1, 2):
            for variation in cowriter.generate(continue_request(piece, voices, bars=4, variations=4, seed=seed)):
                new = [n for n in variation.notes if n.generated and n.voice == 1]
                for b in range(4):
                    t = piece.end + b * BAR
                    total += 1
                    kept += is_alberti([n for n in new if t <= n.onset < t + BAR])
        # 7-10 of 32 before; 19-21 with the generic classes and the line's harmonic rhythm
        assert total == 32 and kept >= 16, (voices, kept)
