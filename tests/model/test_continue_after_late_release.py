"""A continuation starts at the bar line its last notes were let go just after: rolled piano
chords whose top notes were held 25 ticks past bar 17 were continued from beat 3 of it in 3 of 3
takes (QA qa21 M2), the downbeat being before the region's start."""

from __future__ import annotations

from composer.music import Note, Score, TimeSignature, Voice
from composer.request import LATE_RELEASE, continuation_start, continue_request

BAR = 1920
PROGRESSION = [(48, (60, 64, 67)), (53, (60, 65, 69)), (55, (59, 62, 67)), (48, (60, 64, 67))] * 2


def late_piece(overhang: int) -> Score:
    """Half-note chords, bass and triad, each let go `overhang` ticks after the next half bar (before it, where negative)."""
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


def test_an_early_release_is_the_end_of_the_bar():
    """Notes let go a little before the bar line, as played, end the bar: a played tune's last
    quarters let go 40-120 ticks early had a continuation's --chords laid from its own last bar, a
    bar early (QA qa27 H1; tests/commands/test_chords_after_early_note_off.py), and a waltz whose
    last "pah" was let go 147 ticks early began its continuation a grid step before the downbeat.
    A last note on an earlier beat, held half its time, leaves the beats after it empty: the
    continuation starts there."""
    assert continuation_start(late_piece(-60)) == 8 * BAR
    assert continuation_start(late_piece(-240)) == 8 * BAR  # (a half note let go a quarter of it early)
    assert continuation_start(late_piece(-480)) == 8 * BAR - 480  # (half of it: beat 4 is empty)
    tune = Score(notes=[Note(60 + i % 5, i * 480, 480 - 120, 80) for i in range(16)], voices=[Voice("Flute", 73)])
    assert continuation_start(tune) == 8 * 960  # quarters let go a sixteenth early
    tune.notes[-1] = Note(64, 15 * 480, 240, 80)  # ... the last one staccato, on the last beat
    assert continuation_start(tune) == 8 * 960
    tune.notes[-2:] = [Note(64, 14 * 480, 240, 80)]  # ... on beat 3, beat 4 empty
    assert continuation_start(tune) == 14 * 480 + 240
    waltz = Score(notes=[Note(41, 0, 1380, 80), Note(53, 480, 340, 60), Note(57, 960 - 7, 340, 60)],
                  voices=[Voice("Piano", 0)], time_signature=TimeSignature(3, 4))
    assert continuation_start(waltz) == 1440
