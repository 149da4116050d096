"""A bass (or inner) line of single notes keeps its context's rhythm when it is continued beside a
tune (composer.model.priors.LineRhythm). Before, the model, which learnt mostly melodies, moved a
whole-note bass in quarters and eighths: 1.7-3.9 notes a bar over 4 variations."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from composer.music import Note, Score, Voice
from composer.request import continue_request

Q = 480
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67, 64, 66, 67, 69, 71, 69, 67, 66]
ROOTS = [43, 40, 36, 38]


def _tune_over_bass(bass_length: int, bars: int = 12) -> Score:
    """A quarter-note tune in 4/4 over a bass of notes `bass_length` ticks long (root, then fifth)."""
    melody = [Note(p, i * Q, Q, 90, 0) for i, p in enumerate((TUNE * 2)[: bars * 4])]
    bass = [Note(ROOTS[b % 4] + (7 if k % 2 else 0), b * 4 * Q + k * bass_length, bass_length, 80, 1)
            for b in range(bars) for k in range(4 * Q // bass_length)]
    return Score(notes=melody + bass, voices=[Voice("melody", 73), Voice("bass", 33)])


@pytest.mark.parametrize("bass_length", [4 * Q, 2 * Q, Q])
def test_a_continued_bass_keeps_its_rhythm(cowriter, bass_length):
    per_bar = 4 * Q // bass_length
    for variation in cowriter.generate(continue_request(_tune_over_bass(bass_length), bars=4, variations=4, seed=1)):
        bass = [n for n in variation.notes if n.generated and n.voice == 1]
        melody = [n for n in variation.notes if n.generated and n.voice == 0]
        assert melody and bass
        bars = len({n.onset // (4 * Q) for n in melody + bass})
        assert abs(len(bass) / bars - per_bar) <= 0.5, (len(bass), bars)
        lengths = Counter(n.duration for n in bass)
        assert lengths.most_common(1)[0][0] == bass_length, lengths
        assert statistics.mean(n.onset % bass_length == 0 for n in bass) >= 0.9
