"""Add part > Drums starts with its whole beat: the first downbeat of a new drum part had its kick
and no hi-hat (0 of 12 variations in 5/4, 3/4 and 2/4, QA), often the hats entering a beat or two
late. Keys at a drum voice's new onset are written top-down, and its first onset (the last note
written being another voice's) got the odds of any key there, not of its top key."""

from __future__ import annotations

import pytest

from composer.music import Note, Score, Voice
from composer.music.score import TimeSignature
from composer.request import add_part

Q = 480
TUNE = [62, 65, 69, 67, 65, 64, 64, 62, 60, 62, 65, 69, 72, 71, 69, 67, 67, 65, 64, 62] * 2


@pytest.mark.parametrize("numerator", [3, 5])
def test_a_new_drum_part_plays_kick_and_hat_on_its_first_downbeat(cowriter, numerator):
    pitches = TUNE[: len(TUNE) // numerator * numerator]
    score = Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(pitches)], voices=[Voice("Flute", 73)],
                  time_signature=TimeSignature(numerator, 4))
    firsts = [{n.pitch for n in variation.notes if n.generated and n.onset == 0}
              for variation in cowriter.generate(add_part(score, "drums", variations=4, seed=5))]
    # (the hi-hat, or the crash that opens the first phrase in its place: composer.music.drum_phrasing)
    assert sum(36 in keys and bool(keys & {42, 49}) for keys in firsts) >= 3, firsts
