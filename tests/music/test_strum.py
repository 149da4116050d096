"""Strums and rolled chords are told from broken chords and runs (composer.music.strum)."""

from __future__ import annotations

from composer.music import Note
from composer.music.meter import MeterChange, MeterMap
from composer.music.strum import destrummed, strum_styles, strummed

METERS = MeterMap([MeterChange(0, 4, 4)])


def strum(onset: int, pitches, gap: int = 8, length: int = 400, voice: int = 0) -> list[Note]:
    return [Note(p, onset + k * gap, length - k * gap, 80, voice) for k, p in enumerate(pitches)]


def test_a_strum_is_read_as_one_chord_ending_where_its_strings_did():
    notes = strum(0, (40, 47, 52, 55, 59, 64)) + strum(480, (64, 59, 55), gap=12)
    read, moved = destrummed(notes)
    assert moved == 7
    assert {n.onset for n in read[:6]} == {0} and {n.onset for n in read[6:]} == {480}
    assert [n.end for n in read] == [n.end for n in notes]


def test_runs_ornaments_and_drum_flams_are_not_strums():
    run = [Note(60 + k, 20 * k, 20, 80, 0) for k in range(6)]  # 64th notes, each let go
    grace = [Note(61, 1000, 10, 80, 1), Note(62, 1015, 400, 80, 1), Note(55, 1015, 400, 80, 1)]
    two_voices = [Note(60, 2000, 400, 80, 2), Note(64, 2008, 400, 80, 3), Note(67, 2016, 400, 80, 4)]
    notes = run + grace + two_voices
    read, moved = destrummed(notes)
    assert moved == 0 and read == notes


def test_a_strumming_part_has_its_written_chords_strummed_its_way():
    # down on the beats, up between them, 10 ticks a string
    played = []
    for beat in range(8):
        played += strum(beat * 480, (48, 52, 55, 60, 64), gap=10)
        played += strum(beat * 480 + 240, (64, 60, 55), gap=10)
    played += [Note(36, 0, 1920, 80, 1), Note(38, 480, 100, 80, 1), Note(43, 960, 100, 80, 1)]  # a bass: no strums
    styles = strum_styles(played, METERS)
    assert set(styles) == {0}
    assert styles[0].gap == 10 and styles[0].down_on_beat and not styles[0].down_off_beat
    block = [Note(p, 3840, 480, 80, 0) for p in (45, 52, 57, 60, 64)] + [Note(p, 4080, 240, 80, 0) for p in (57, 60, 64)]
    out = strummed(block + [Note(33, 3840, 960, 80, 1)], styles, METERS)
    down, up = out[:5], out[5:8]
    assert [n.onset for n in sorted(down, key=lambda n: n.pitch)] == [3840, 3850, 3860, 3870, 3880]
    assert [n.onset for n in sorted(up, key=lambda n: -n.pitch)] == [4080, 4090, 4100]
    assert all(n.end == b.end for n, b in zip(out, block)) and out[8] == Note(33, 3840, 960, 80, 1)


def test_block_chords_are_no_strumming_part():
    chords = [Note(p, beat * 480, 400, 80, 0) for beat in range(8) for p in (48, 52, 55)]
    assert strum_styles(chords, METERS) == {}
    assert destrummed(chords) == (chords, 0)


def test_a_chord_written_just_before_a_region_end_is_strummed_before_it():
    from composer.music.strum import StrumStyle

    chord = [Note(p, 1860, 400, 80, 0) for p in (40, 47, 52, 55, 59, 64)]
    free = strummed(chord, {0: StrumStyle(16)}, METERS)
    assert max(n.onset for n in free) == 1860 + 5 * 16  # past 1920 = the end below
    inside = strummed(chord, {0: StrumStyle(16)}, METERS, end=1920)
    assert max(n.onset for n in inside) < 1920 and len({n.onset for n in inside}) == 6
    assert [n.end for n in inside] == [n.end for n in chord]


def test_a_played_guitar_strums_down_on_the_beat_and_up_between():
    """Played, not quantised: no strum lies exactly on a beat (each is up to 25 ticks early or
    late), the downstrokes 14 ticks a string, the upstrokes 7. Read as all between beats, its
    written chords had all been downstrokes at one gap (QA qa24); now down on the beat at 14 and
    up between at 7, as played."""
    import random

    rng = random.Random(5)
    played = []
    for beat in range(1, 9):
        played += strum(beat * 480 + (rng.randint(-25, 25) or 3), (40, 47, 52, 55, 59, 64), gap=14)
        played += strum(beat * 480 + 240 + (rng.randint(-25, 25) or 3), (64, 59, 55), gap=7)
    styles = strum_styles(played, METERS)
    assert styles[0].down_on_beat and not styles[0].down_off_beat
    assert (styles[0].gap, styles[0].up_gap) == (14, 7)
    written = [Note(p, 5760 + 40, 400, 80, 0) for p in (40, 47, 52, 55)] + \
        [Note(p, 6000 - 40, 200, 80, 0) for p in (64, 59, 55)]  # a grid step late, and early
    out = strummed(written, styles, METERS)
    assert [n.onset for n in out[:4]] == [5800, 5814, 5828, 5842]  # from the lowest string
    assert [n.onset for n in out[4:]] == [5960, 5967, 5974]  # from the highest


def test_a_chord_played_unevenly_in_any_order_is_one_chord():
    """A pianist's chord whose notes land up to 30 ticks apart in no order (here F2 F5 A2 F1 C3,
    as a QA take played them) is one chord: its order turned back at its fourth note, and its
    last note had been read as a note of its own, a grid step later (QA qa25). A strum's order,
    once two spread steps keep it, still parts two strums (below)."""
    chord = [Note(41, 935, 880, 80), Note(77, 938, 430, 80), Note(45, 942, 890, 80), Note(29, 951, 870, 80),
             Note(48, 965, 870, 80)]
    read, moved = destrummed(chord)
    assert {n.onset for n in read} == {935} and moved == 4
    # two downstrokes of a fast pattern, the second begun while the first rings: two chords
    first, second = strum(0, (40, 47, 52, 55, 59, 64), gap=8), strum(60, (43, 50, 57), gap=8)
    read, _ = destrummed(first + second)
    assert {n.onset for n in read} == {0, 60}
