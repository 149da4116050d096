"""A band's loop continued keeps its progression: with no chord symbols, the parts going on after
the piece follow its last bars' chords cycled on (region_writer.progression_loop). A 4-bar
Am | F | G | E loop (piano, bass, drums) had been continued with the piano on G major for 8 of 8
chords and the bass leaving the roots (QA F2). The shipped model on a loop the test writes."""

from __future__ import annotations

import numpy as np

from composer.model.region_writer import progression_loop
from composer.music import Note, Score, Voice
from composer.request import continue_request

BAR = 1920
LOOP = [(9, (57, 60, 64)), (5, (57, 60, 65)), (7, (55, 59, 62)), (4, (56, 59, 64))]  # Am F G E: root, triad


def band_loop() -> Score:
    notes = []
    for bar, (root, triad) in enumerate(LOOP):
        start = bar * BAR
        for half in (0, BAR // 2):
            notes += [Note(p, start + half, BAR // 2 - 20, 70, 0) for p in triad]
        bass = 36 + (root - 36) % 12 + 12 * (root < 4)
        notes += [Note(bass, start, 480, 90, 1), Note(bass, start + 720, 240, 80, 1),
                  Note(bass + 7, start + 960, 480, 85, 1), Note(bass + 12, start + 1440, 480, 85, 1)]
        notes += [Note(42, start + i * 240, 120, 70, 2) for i in range(8)]
        notes += [Note(36, start, 120, 100, 2), Note(38, start + 480, 120, 90, 2), Note(36, start + 1200, 120, 90, 2),
                  Note(38, start + 1440, 120, 90, 2)]
    return Score(notes=notes, voices=[Voice("Piano", 4), Voice("Bass", 33), Voice("Drums", 0, is_drum=True)])


def test_the_progression_of_a_loop_is_cycled_on():
    score = band_loop()
    pitched = np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in score.notes if n.voice < 2])
    meters = np.array([(0, 4, 4)])
    rows = progression_loop(pitched, meters, 4 * BAR, None)
    assert rows[0, 0] == 4 * BAR and (np.diff(rows[:, 0]) == BAR).all()
    assert [int(r) for r in rows[:8, 2]] == [9, 5, 7, 4] * 2  # A F G E, A F G E
    # A piece going somewhere (12 bars, its last 4 not a repeat of the 4 before) is not a loop;
    # a piece of 2, 4 or 8 bars is taken round again.
    ascending = np.array([(b * BAR, BAR, 48 + b, 80, 0) for b in range(12)] +
                         [(b * BAR, BAR, 52 + b, 80, 0) for b in range(12)] +
                         [(b * BAR, BAR, 55 + b, 80, 0) for b in range(12)])
    assert progression_loop(ascending, meters, 12 * BAR, None) is None


def test_a_continued_band_loop_keeps_its_chords(cowriter):
    score = band_loop()
    follows = total = 0
    for version in cowriter.generate(continue_request(score, bars=4, variations=3, seed=2)):
        for bar in range(4, 8):
            classes = {n.pitch % 12 for n in version.notes
                       if n.generated and n.voice == 0 and bar * BAR <= n.onset < (bar + 1) * BAR}
            chord = {p % 12 for p in LOOP[bar % 4][1]}
            total += 1
            follows += bool(classes) and len(classes & chord) >= 0.75 * len(classes)
    assert follows >= 0.75 * total, f"the piano played the loop's chord in {follows} of {total} bars"
