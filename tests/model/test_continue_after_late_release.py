"""A continuation starts at the bar line its last notes were let go just after: rolled piano
chords whose top notes were held 25 ticks past bar 17 were continued from beat 3 of it in 3 of 3
takes (QA qa21 M2), the downbeat being before the region's start."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.request import LATE_RELEASE, continuation_start, continue_request

BAR = 1920
PROGRESSION = [(48, (60, 64, 67)), (53, (60, 65, 69)), (55, (59, 62, 67)), (48, (60, 64, 67))] * 2


def late_piece(overhang: int) -> Score:
    """Half-note chords, bass and triad, each let go `overhang` ticks after the next half bar."""
    notes = []
    for b, (bass, triad) in enumerate(PROGRESSION):
        for half in (0, 1):
            onset = b * BAR + half * BAR // 2
            notes += [Note(p, onset, BAR // 2 + overhang, 70) for p in (bass, *triad)]
    return Score(notes=notes, voices=[Voice("Piano", 0)])


def test_a_late_release_is_no_music_in_the_next_bar():
    assert continuation_start(late_piece(25)) == 8 * BAR
    assert continuation_start(late_piece(0)) == 8 * BAR
    assert continuation_start(late_piece(LATE_RELEASE + 1)) == 8 * BAR + LATE_RELEASE + 1  # held on: music
    after = late_piece(25)
    after.notes.append(Note(72, 8 * BAR + 10, 10, 70))  # a note of its own in the new bar stays the person's
    assert continuation_start(after) == 8 * BAR + 25


def test_a_continuation_after_a_late_release_starts_on_the_downbeat(cowriter):
    score = late_piece(25)
    downbeats = bars = 0
    for variation in cowriter.generate(continue_request(score, (0,), bars=2, variations=3, seed=4)):
        new = [n for n in variation.notes if n.generated]
        downbeats += any(n.onset == 8 * BAR for n in new)
        bars = max(bars, max(n.onset for n in new) // BAR - 7)
        assert min(n.onset for n in new) >= 8 * BAR
    # before: the region began 25 ticks into bar 9: no take started on its downbeat (0 of 3), and
    # the 2 bars asked were counted from there, writing into a third
    assert downbeats == 3 and bars == 2, (downbeats, bars)
