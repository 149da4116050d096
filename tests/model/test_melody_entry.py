"""A melody refilled beside another part starts where its context's notes fall. The model, after
the other part's long note (the last note of the stream before the gap), waited for that note to
end: a fill of an oboe tune that plays every downbeat, over a cello of dotted halves, began two
beats late in 32 of 32 variations (QA). Now where the tune's rhythm says (priors.LineRhythm as the
melody's entry)."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.meter import MeterChange
from composer.request import bar_span, fill_request

Q = 480
# (voice, pitch, onset, duration): 3/4 with a one-beat pickup, oboe over a cello (as a MusicXML
# duet reads), then 2/4 from tick 6240.
DUET = [(0, 72, 0, Q), (0, 77, 480, Q), (0, 76, 960, Q), (0, 74, 1440, Q), (1, 41, 1440, 3 * Q),
        (0, 72, 1920, 2 * Q), (0, 69, 2880, Q), (1, 45, 2880, 3 * Q), (0, 70, 3360, Q), (0, 72, 3840, Q),
        (0, 74, 4320, Q), (1, 46, 4320, 3 * Q), (0, 72, 4800, 3 * Q), (1, 48, 5760, 3 * Q), (0, 78, 6240, Q),
        (0, 76, 6720, Q), (0, 74, 7200, Q), (1, 50, 7200, 2 * Q), (0, 69, 7680, Q), (0, 71, 8160, Q),
        (1, 42, 8160, 2 * Q), (0, 73, 8640, Q), (0, 74, 9120, 2 * Q), (1, 43, 9120, Q), (1, 45, 9600, Q),
        (1, 38, 10080, 2 * Q)]


def test_a_refilled_tune_starts_on_its_downbeat_beside_a_held_bass_note(cowriter):
    score = Score(notes=[Note(p, t, d, 80, v) for v, p, t, d in DUET], voices=[Voice("Oboe", 68), Voice("Cello", 42)],
                  meters=[MeterChange(-2 * Q, 3, 4), MeterChange(6240, 2, 4)])
    for bar in (2, 3, 4):
        start, end = bar_span(score, bar, bar)
        for variation in cowriter.generate(fill_request(score, start, end, (0,), variations=4, seed=bar)):
            new = sorted(n.onset for n in variation.notes if n.generated)
            assert new and new[0] == start, (bar, start, new)
