"""Every voice of a long continuation runs to the end of the span its first voice sets: a voice
written after the first was capped at 256 new notes, and a drum part stopped at bar 36 of a
56-bar continuation, 20 bars of tune without drums (QA). The shipped model; a piece written here."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.limits import VOICE_FILL_NOTES
from composer.request import continue_request

Q = 480
BAR = 4 * Q


def test_the_drums_go_on_to_the_end_of_a_long_tune(cowriter):
    tune = [72, 74, 76, 77, 79, 77, 76, 74]
    notes = []
    for bar in range(4):
        notes += [Note(tune[i], bar * BAR + i * Q // 2, Q // 2, 90, 0) for i in range(8)]
        notes += [Note(42, bar * BAR + i * Q // 2, Q // 4, 70, 1) for i in range(8)]  # hats in eighths
        notes += [Note(36 if beat % 2 == 0 else 38, bar * BAR + beat * Q, Q // 4, 100, 1) for beat in range(4)]
    score = Score(notes=notes, voices=[Voice("Tune", 73), Voice("Drums", 0, is_drum=True)])
    (variation,) = cowriter.generate(continue_request(score, length=200, variations=1, seed=1))
    new = [n for n in variation.notes if n.generated]
    tune_end = max(n.onset for n in new if n.voice == 0) // BAR
    drums = [n for n in new if n.voice == 1]
    assert len(drums) > VOICE_FILL_NOTES  # the old cap, which this span needs more than
    assert max(n.onset for n in drums) // BAR >= tune_end - 1, (max(n.onset for n in drums) // BAR, tune_end)
