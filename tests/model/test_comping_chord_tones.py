"""Add part > Harmony plays each bar's chord: its block chords (region_writer.default_comping) are
voiced in every inversion and every note of them gets a firm chord-tone bonus
(priors.COMPING_CHORD_STRENGTH). With root-position shapes only and the melody's weak chord-tone
bonus, the model's own pitches won: G B D under a bar of A minor in a waltz (QA); on this tune's
chords only 9 of 16 chords in 3/4, 5 of 32 in 6/8 and 6 of 32 in 4/4 were the bar's chord."""

from __future__ import annotations

import numpy as np
import pytest

from composer.model.priors import estimate_chords
from composer.music import Note, Score, Voice
from composer.music.score import TimeSignature
from composer.request import add_part

Q = 480
# A tune in C major outlining one chord a bar: C F G C Am Dm G C (each bar's notes its chord's tones)
BARS = [(72, 76, 79), (77, 72, 69), (74, 71, 67), (72, 79, 76), (69, 72, 76), (74, 77, 69), (71, 74, 79), (72, 67, 72)]


def _tune(meter: tuple[int, int]) -> Score:
    numerator, denominator = meter
    bar = numerator * 4 * Q // denominator
    step = bar // 3
    notes = [Note(p, b * bar + i * step, step, 90, 0) for b, tones in enumerate(BARS * 2) for i, p in enumerate(tones)]
    return Score(notes=notes, voices=[Voice("Flute", 73)], time_signature=TimeSignature(numerator, denominator))


@pytest.mark.parametrize("meter", [(3, 4), (6, 8), (4, 4)])
def test_added_chords_are_the_bars_chords(cowriter, meter):
    score = _tune(meter)
    tune = np.array([(n.onset, n.duration, n.pitch) for n in score.notes])
    estimated = estimate_chords(tune[:, 0], tune[:, 1], tune[:, 2], np.array([[0, *meter]]))
    for variation in cowriter.generate(add_part(score, "harmony", variations=2, seed=3)):
        chords: dict[int, set[int]] = {}
        for n in variation.notes:
            if n.generated:
                chords.setdefault(n.onset, set()).add(n.pitch % 12)
        fits = 0
        for onset, classes in chords.items():
            row = estimated[np.searchsorted(estimated[:, 0], onset, side="right") - 1]
            tones = {(row[2] + t) % 12 for t in ((0, 4, 7) if row[3] == 0 else (0, 3, 7))}
            fits += classes <= tones
        assert fits >= 0.85 * len(chords), (fits, len(chords), sorted(chords.items())[:8])
