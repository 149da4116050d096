"""A tune continued beside a left hand keeps moving (QA qa14 W2): a hymn's right hand in quarters
over a left hand of bass and triads, continued 4 bars, rested for up to 8 beats and wrote 4-15 notes
of 16 (the model reads the voices interleaved, and in company its sense of the tune's rhythm
slips). The melody now keeps to its own rhythm, loosely (sampling.MELODY_RHYTHM_SHARE). The shipped
model; a score the test writes."""

from __future__ import annotations

import numpy as np

from composer.music import Note, Score, Voice
from composer.request import continue_request

Q, BAR = 480, 1920
# G major, a quarter each from a one-beat pickup; the left hand's bass held from each downbeat
# (after the pickup) and a short triad of the bar's chord on the other three beats: G | C | D | G.
TUNE = [74, 79, 78, 76, 74, 72, 74, 76, 71, 74, 72, 71, 69, 67]
CHORDS = [(43, (67, 62, 59)), (48, (67, 64, 60)), (50, (66, 62, 57)), (43, (67, 62, 59))]


def hymn() -> Score:
    notes = [Note(p, i * Q, Q, 80, 0) for i, p in enumerate(TUNE)]
    for bar, (bass, triad) in enumerate(CHORDS):
        downbeat = Q + bar * BAR
        notes.append(Note(bass, downbeat, BAR, 80, 1))  # held under the pedal
        notes += [Note(p, downbeat + beat * Q, 400, 80, 1) for beat in (1, 2, 3) for p in triad]
    return Score(notes=notes, voices=[Voice("Right Hand", 0), Voice("Left Hand", 0)])


def test_a_hymns_tune_continued_beside_its_left_hand_keeps_moving(cowriter):
    counts, rests = [], []
    for seed in (1, 2):
        for variation in cowriter.generate(continue_request(hymn(), (0, 1), bars=4, variations=4, seed=seed)):
            new = sorted((n for n in variation.notes if n.generated and n.voice == 0), key=lambda n: n.onset)
            counts.append(len(new))
            # the longest rest, in beats: from the end of one note (the tune's last, then each new
            # one) to the next onset or the end of the 4 bars (a held note is no rest)
            ends = [4 * BAR + Q, *(n.end for n in new)]
            rests.append(max(later - end for end, later in zip(ends, [n.onset for n in new] + [8 * BAR + Q])) / Q)
    # 19 quarters from the tune's last note to the end of the 4 bars: without the rhythm kept,
    # 10.9 notes and rests of up to 8 beats (seeds 1-2), with it 18.1 and at most 4 (the tune's
    # repeats held to its own: one variation of 8 holds an A for 6 beats instead of repeating it)
    assert np.mean(counts) >= 15, counts
    assert max(rests) <= 5, rests
