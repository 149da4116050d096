"""A line that holds each bar's note through the bar keeps holding it in a shorter bar. QA: a waltz
whose bass plays a dotted half a bar, with one 2/4 bar (a meter change), refilled there: the bass's
context length (3 beats) does not fit the 2/4 bar, so the model chose among lengths its context
never plays and wrote a quarter in 2 of 3 variations, leaving beat 2 of the bar empty. The mass of
the lengths that do not fit now goes to the longest that does (to the region's end)."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.meter import MeterChange
from composer.request import bar_span, fill_request

Q = 480
TUNE = [72, 71, 69, 67, 65, 64]


def _waltz() -> Score:
    """Bars 1-4 and 6-9 of 3/4, bar 5 of 2/4: quarter notes over a bass of one note a bar."""
    notes, meters, t = [], [MeterChange(0, 3, 4)], 0
    for k, beats in enumerate([3, 3, 3, 3, 2, 3, 3, 3, 3]):
        if beats != (meters[-1].numerator):
            meters.append(MeterChange(t, beats, 4))
        notes += [Note(TUNE[(k + i) % 6], t + i * Q, Q, 70, 0) for i in range(beats)]
        notes.append(Note(48 if k % 2 == 0 else 43, t, beats * Q, 60, 1))
        t += beats * Q
    return Score(notes=notes, voices=[Voice("Melody", 73), Voice("Bass", 42)], meters=meters)


def test_a_bass_of_whole_bars_fills_a_short_bar_with_one_note_to_its_end(cowriter):
    score = _waltz()
    start, end = bar_span(score, 5, 5)
    assert end - start == 2 * Q
    held = 0
    variations = cowriter.generate(fill_request(score, start, end, variations=8, seed=3))
    for variation in variations:
        bass = [n for n in variation.notes if n.generated and n.voice == 1]
        held += [(n.onset, n.end) for n in bass] == [(start, end)]
    assert held >= 6, held
