"""Add part > Harmony keeps its chords under the tune's low notes, not only a fourth under its
middle (region_writer._comping_top): under a tune of E4-E5 over an E pedal the chords went up to
G4, over the tune's own E4-G4 (6 of 48 chord notes over a tune note sounding, QA)."""

from __future__ import annotations

import pytest

from composer.music import Note, Score, Voice
from composer.request import add_part

Q = 480
TUNE = [64, 67, 71, 76, 74, 71, 69, 67, 66, 69, 74, 72, 71, 71, 71, 71,
        64, 67, 71, 76, 74, 71, 69, 67, 66, 69, 71, 63, 64, 64, 64, 64]


@pytest.mark.parametrize("seed", [1, 2])
def test_added_chords_stay_under_the_tune(cowriter, seed):
    notes = [Note(p, i * Q, Q, 80, 0) for i, p in enumerate(TUNE)]
    notes += [Note(40, b * 4 * Q, 4 * Q, 80, 1) for b in range(len(TUNE) // 4)]  # an E2 pedal
    score = Score(notes=notes, voices=[Voice("Flute", 73), Voice("Bass", 33)])
    (variation,) = cowriter.generate(add_part(score, "harmony", seed=seed))
    new = [n for n in variation.notes if n.generated]
    over = [n for n in new for t in notes if t.voice == 0 and n.pitch > t.pitch
            and t.onset < n.onset + n.duration and n.onset < t.onset + t.duration]
    assert len(new) >= 24
    assert len({(n.onset, n.pitch) for n in over}) <= 0.03 * len(new), sorted({(n.onset, n.pitch) for n in over})


def test_a_chord_stays_under_every_tune_note_sounding_while_it_does():
    """priors.Under: a chord starting at t (a half bar long) sounds with the tune's notes from t
    to t + length, a note held from before included; nothing sounding, no ceiling."""
    import numpy as np

    from composer.model import vocab as V
    from composer.model.priors import UNDER_TUNE_PENALTY, Under

    g = Q // V.TICKS_PER_GRID  # a quarter in grid ticks
    tune = np.array([[0, 4 * g, 72], [4 * g, 5 * g, 71], [5 * g, 6 * g, 63], [8 * g, 9 * g, 70]])
    under = Under(tune, 2 * g)
    assert under.ceiling(np.array([0, 2 * g, 3 * g, 4 * g, 6 * g, 7 * g, 10 * g])).tolist() == \
        [72, 72, 71, 63, V.N_PITCH, 70, V.N_PITCH]  # (2g: the held C5, then B4; 4g: the dip to D#4)
    prior = under.prior(np.array([4 * g]))
    assert prior[63, 0] == 0 and prior[64, 0] == -UNDER_TUNE_PENALTY and prior[40, 0] == 0
