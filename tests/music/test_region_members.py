"""Which notes a region rewrites, when the music was played rather than written
(composer.music.region.Region.members).

QA qa21 MED-1: a rolled piano chord starting 2 ticks before a fill's last bar line lost its bass
note to the fill, which kept its other four notes and wrote nothing in the bass's place."""

from __future__ import annotations

from composer.music import Note
from composer.music.region import EARLY, Region

BAR = 1920


def rolled(onset: int, pitches=(41, 53, 57, 60, 65), gap: int = 17) -> list[Note]:
    return [Note(p, onset + k * gap, 900, 80, 0) for k, p in enumerate(pitches)]


def test_a_roll_from_just_before_the_end_is_left_whole():
    region = Region(4 * BAR, 7 * BAR, (0,))
    chord = rolled(7 * BAR - 2)
    assert [n.onset < region.end for n in chord] == [True, False, False, False, False]
    assert region.members(chord) == [False] * 5  # before: the first note only


def test_a_roll_from_just_before_the_start_is_rewritten_whole():
    region = Region(4 * BAR, 7 * BAR, (0,))
    assert region.members(rolled(4 * BAR - 20)) == [True] * 5


def test_a_note_played_a_little_early_belongs_to_the_beat_after():
    region = Region(4 * BAR, 7 * BAR, (0, 1))
    early_end, early_start = Note(72, 7 * BAR - 6, 400, 80, 0), Note(60, 4 * BAR - 9, 400, 80, 1)
    assert region.members([early_end, early_start]) == [False, True]


def test_written_notes_stay_where_they_are_written():
    region = Region(4 * BAR, 7 * BAR, (0,))
    sixty_fourths = [Note(60 + k, 7 * BAR - 30 * (4 - k), 30, 80, 0) for k in range(4)]  # a run into the bar line
    before = Note(59, 4 * BAR - 30, 30, 80, 0)  # a 64th before the start
    block = [Note(p, 7 * BAR - 240, 240, 80, 0) for p in (48, 52, 55)]
    assert EARLY == 30  # less than a 64th early counts as played early
    assert region.members([*sixty_fourths, before, *block]) == [True] * 4 + [False] + [True] * 3


def test_a_pianist_s_early_chord_and_a_drummer_s_drag_belong_to_the_beat_after():
    region = Region(4 * BAR, 7 * BAR, (0, 1))
    chord = [Note(p, 4 * BAR - 27 + k, 400, 80, 0) for k, p in enumerate((48, 52, 55))]  # ~27 ms early
    drag = [Note(38, 7 * BAR - 20 * k, 10, 50, 1) for k in (3, 2, 1)] + [Note(38, 7 * BAR, 60, 110, 1)]
    assert region.members(chord + drag) == [True] * 3 + [False] * 4  # before: the drag's last grace note was the fill's
    late_run = [Note(60 + k, 7 * BAR - 30 * (4 - k), 30, 80, 0) for k in range(4)]  # written: 64ths, not graces
    assert region.members(late_run) == [True] * 4


def test_strums_of_a_fast_pattern_are_told_apart_at_an_edge():
    """A down-strum on the last sixteenth, 28 ticks a string, still ringing when the next bar's
    strum begins on its bar line: read as one chord, its median fell inside the fill, which took
    the next bar's bass string with it (QA qa23)."""
    region = Region(4 * BAR, 6 * BAR, (0,))
    late = [Note(p, 6 * BAR - 120 + 28 * k, 200, 80, 0) for k, p in enumerate((43, 47, 50, 55, 59, 67))]
    next_bar = [Note(p, 6 * BAR + 1 + 28 * k, 400, 80, 0) for k, p in enumerate((45, 52, 57, 60, 64))]
    assert region.members(late + next_bar) == [True] * 6 + [False] * 5


def test_other_voices_and_continuations():
    fill = Region(4 * BAR, 6 * BAR, (1,))
    notes = [Note(60, 5 * BAR, 400, 80, 0), Note(48, 5 * BAR, 400, 80, 1), Note(50, 4 * BAR - 5, 400, 80, 1)]
    assert fill.members(notes) == [False, True, True]
    # a continuation starts where the music ends: a last short hit or roll just before it stays
    continuation = Region(4 * BAR, None, (0, 1))
    hits = [Note(42, 4 * BAR - 10, 10, 80, 0), *(n.with_(voice=1) for n in rolled(4 * BAR - 40, gap=8))]
    assert continuation.members([*hits, Note(60, 4 * BAR, 100, 80, 1)]) == [False] * 6 + [True]
