"""A fill of a short piece's tune enters on the downbeat when the tune plays every beat: in a
4-bar piano piece (right hand in quarters on every beat, left hand a bass note and chords), the
right hand's bars 2-3 refilled started one or two beats late in 5 of 10 variations (QA F3): with
fewer than 8 notes in fewer than 4 bars around the fill there was no entry prior at all. The
shipped model on a piece the test writes."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.meter import MeterChange
from composer.request import bar_span, fill_request

Q = 480


def piano_piece() -> Score:
    """A one-beat pickup, bars 1-3 in quarters, a whole note in bar 4 (its cadence); the left hand a
    whole-note bass and a chord on beats 2-4, G C D G. Outside bars 2-3 the right hand has 5 notes
    in 2 bars, and its final whole note is its ending, not its rhythm."""
    notes = [Note(74, 0, Q, 80, 0)]
    for bar, pitches in enumerate([[79, 78, 76, 74], [72, 74, 76, 71], [74, 72, 71, 69]]):
        notes += [Note(p, Q + bar * 4 * Q + i * Q, Q, 80, 0) for i, p in enumerate(pitches)]
    notes.append(Note(67, 13 * Q, 4 * Q, 80, 0))
    for bar, (bass, triad) in enumerate([(43, (59, 62, 67)), (48, (60, 64, 67)), (50, (57, 62, 66)),
                                         (43, (59, 62, 67))]):
        onset = Q + bar * 4 * Q
        notes.append(Note(bass, onset, 4 * Q, 80, 1))
        notes += [Note(p, onset + beat * Q, 400, 80, 1) for beat in (1, 2, 3) for p in triad]
    return Score(notes=notes, voices=[Voice("Right Hand", 0), Voice("Left Hand", 0)],
                 meters=[MeterChange(-3 * Q, 4, 4)])  # a one-beat pickup


def test_a_fill_of_a_tune_that_plays_every_beat_enters_on_the_downbeat(cowriter):
    score = piano_piece()
    start, end = bar_span(score, 2, 3)
    late = []
    for k, version in enumerate(cowriter.generate(fill_request(score, start, end, (0,), variations=10, seed=11)), 1):
        first = min(n.onset for n in version.notes if n.generated)
        if first != start:
            late.append((k, (first - start) / Q))
    assert len(late) <= 1, f"variations entering late (beats after the downbeat): {late}"
