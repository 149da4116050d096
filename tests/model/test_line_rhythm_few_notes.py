"""A whole-note bass keeps its rhythm when its context holds fewer than 8 notes but several bars.

QA: an 8-bar sketch (a quarter-note tune over a whole-note bass) with bars 5-6 refilled: the bass has
6 notes around the region, one a bar, and the line-rhythm prior needed 8 notes, so the model wrote
the bass in quarters and eighths (3-4.5 notes a bar, 6 variations of 6) between whole notes."""

from __future__ import annotations

from collections import Counter

from composer.music import Note, Score, Voice
from composer.request import bar_span, fill_request

Q = 480
TUNE = [72, 74, 76, 77, 79, 77, 76, 74]
ROOTS = [48, 43, 45, 41]


def _sketch(bars: int = 8) -> Score:
    """bars of 4/4: a quarter-note tune (C5-G5) over a whole-note bass (C3, G2, A2, F2)."""
    notes = []
    for b in range(bars):
        notes += [Note(TUNE[(b * 4 + i) % 8], b * 4 * Q + i * Q, Q, 80, 0) for i in range(4)]
        notes.append(Note(ROOTS[b % 4], b * 4 * Q, 4 * Q, 80, 1))
    return Score(notes=notes, voices=[Voice("Melody", 0), Voice("Bass", 32)])


def test_a_filled_whole_note_bass_with_six_notes_around_stays_in_whole_notes(cowriter):
    score = _sketch()
    start, end = bar_span(score, 5, 6)
    variations = cowriter.generate(fill_request(score, start, end, variations=4, seed=5))
    per_bar = []
    for variation in variations:
        bass = [n for n in variation.notes if n.generated and n.voice == 1]
        assert bass
        per_bar.append(len(bass) / 2)
        assert Counter(n.duration for n in bass).most_common(1)[0][0] >= 2 * Q, [(n.onset, n.duration) for n in bass]
    assert max(per_bar) <= 2, per_bar
