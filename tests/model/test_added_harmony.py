"""Add part > Harmony writes block chords (composer.model.region_writer.default_comping): the model,
which learnt lines, wrote an added harmony part as a single line (about one onset in 20 a chord,
QA), sometimes doubling the tune. And its chords stand on the bass: with a tune G A B C over a G
bass, the bar's chord is estimated as G major, not C (priors.estimate_chords' bass root)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from composer.model.priors import estimate_chords
from composer.music import Note, Score, Voice
from composer.music.score import TimeSignature
from composer.request import add_part

Q = 480
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 2


def _tune_and_bass(numerator: int) -> Score:
    bass = [Note(43 if b % 2 == 0 else 38, b * numerator * Q, numerator * Q, 80, 1)
            for b in range(len(TUNE) // numerator)]
    return Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(TUNE)] + bass,
                 voices=[Voice("Flute", 73), Voice("Bass", 33)], time_signature=TimeSignature(numerator, 4))


@pytest.mark.parametrize("numerator", [4, 3])
def test_an_added_harmony_part_comps_in_chords_under_the_tune(cowriter, numerator):
    score = _tune_and_bass(numerator)
    for variation in cowriter.generate(add_part(score, "harmony", variations=2, seed=1)):
        notes = [n for n in variation.notes if n.generated]
        chords = Counter(n.onset for n in notes)
        assert sum(size >= 3 for size in chords.values()) >= 0.8 * len(chords), chords
        per_bar = len(chords) / (len(TUNE) // numerator)
        assert per_bar == pytest.approx(2 if numerator == 4 else 1, abs=0.3)
        assert max(n.pitch for n in notes) < np.median(TUNE)  # under the tune, not doubling it


def test_the_bass_note_breaks_a_tie_between_chords():
    notes = np.array([(i * Q, Q, p) for i, p in enumerate([67, 69, 71, 72])] + [(0, 4 * Q, 43)])
    (row,) = estimate_chords(notes[:, 0], notes[:, 1], notes[:, 2], np.array([[0, 4, 4]]), None)
    assert (row[2], row[3]) == (7, 0)  # G major (C major and E minor tied before)
