"""Quantise, transpose and melody extraction."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.music import Note, Score, Voice, grid_ticks, melody, quantise, transpose, transpose_range

notes = st.lists(st.builds(Note, pitch=st.integers(0, 127), onset=st.integers(0, 5000), duration=st.integers(1, 2000),
                           velocity=st.integers(1, 127)), max_size=30)


@pytest.mark.parametrize("division, triplet, ticks", [(4, False, 480), (16, False, 120), (8, True, 160),
                                                      (64, True, 20), (128, False, 15), (1, False, 1920)])
def test_grid_ticks(division, triplet, ticks):
    assert grid_ticks(division, triplet) == ticks


@pytest.mark.parametrize("division, triplet", [(0, False), (-4, False), (256, False), (7, False), (1024, True), (3840, False)])
def test_grid_ticks_rejects_grids_off_the_tick_grid(division, triplet):
    with pytest.raises(ValueError):
        grid_ticks(division, triplet)


def test_quantise_snaps_onsets_and_ends():
    out = quantise([Note(60, 130, 230), Note(62, 470, 20)], 120)
    assert [(n.onset, n.end) for n in out] == [(120, 360), (480, 600)]  # the short one keeps a grid step


def test_quantise_half_strength_moves_half_way():
    out = quantise([Note(60, 100, 200)], 120, strength=0.5)
    assert (out[0].onset, out[0].end) == (110, 330)  # the end, 300, is half way: ties go later


def test_quantise_breaks_ties_the_same_way_in_every_bar():
    # banker's rounding would send 60 to 0 but 180 to 240
    assert [n.onset for n in quantise([Note(60, t, 10) for t in (60, 180, 300, 420)], 120)] == [120, 240, 360, 480]


def test_quantise_without_ends_keeps_durations():
    out = quantise([Note(60, 130, 77, velocity=33, generated=True)], 120, ends=False)
    assert out == [Note(60, 120, 77, velocity=33, generated=True)]


def test_quantise_rejects_a_zero_grid():
    with pytest.raises(ValueError):
        quantise([Note(60, 0, 1)], 0)


@settings(max_examples=150, deadline=None)
@given(notes=notes, grid=st.sampled_from([15, 40, 60, 80, 120, 160, 240, 480]))
def test_full_quantise_lands_on_the_grid_and_is_idempotent(notes, grid):
    out = quantise(notes, grid)
    assert all(n.onset % grid == 0 and n.end % grid == 0 and n.duration >= grid for n in out)
    assert [(n.pitch, n.velocity) for n in out] == [(n.pitch, n.velocity) for n in notes]
    assert all(abs(a.onset - b.onset) <= grid // 2 for a, b in zip(out, notes))
    assert quantise(out, grid) == out


@settings(max_examples=150, deadline=None)
@given(notes=notes, grid=st.sampled_from([15, 40, 60, 120, 160]), bars=st.integers(1, 20),
       strength=st.sampled_from([0.25, 0.5, 1.0]))
def test_quantise_does_not_depend_on_where_in_the_piece_a_note_is(notes, grid, bars, strength):
    shift = bars * grid
    moved = [n.with_(onset=n.onset + shift) for n in notes]
    assert quantise(moved, grid, strength=strength) == [n.with_(onset=n.onset + shift) for n in quantise(notes, grid, strength=strength)]


def test_transpose_and_its_range():
    source = [Note(21, 0, 1), Note(100, 0, 1)]
    assert [n.pitch for n in transpose(source, 5)] == [26, 105]
    assert transpose_range(source) == (0, 8)
    assert transpose_range([]) == (0, 0)
    with pytest.raises(ValueError, match="leaves the MIDI range"):
        transpose(source, 28)


@settings(max_examples=100, deadline=None)
@given(notes=notes.filter(bool), shift=st.integers(-40, 40))
def test_transpose_there_and_back(notes, shift):
    down, up = transpose_range(notes, 0, 127)
    if down <= shift <= up:
        assert transpose(transpose(notes, shift), -shift) == notes
    else:
        with pytest.raises(ValueError):
            transpose(notes, shift)


def test_melody_takes_the_top_of_chords_and_skips_drums():
    score = Score(voices=[Voice("Piano"), Voice("Kit", is_drum=True)], notes=[
        Note(60, 0, 480), Note(64, 0, 480), Note(67, 0, 480),   # chord: 67 is the tune
        Note(90, 0, 240, voice=1), Note(90, 480, 240, voice=1),  # drums never count
        Note(62, 480, 480), Note(55, 480, 960),
    ])
    assert [(n.pitch, n.onset, n.duration) for n in melody(score)] == [(67, 0, 480), (62, 480, 480)]


def test_melody_ignores_lower_onsets_under_a_held_note_and_cuts_a_held_note_for_a_higher_one():
    score = Score(notes=[Note(72, 0, 960), Note(60, 240, 240),  # under the held 72: not melody
                         Note(76, 480, 240),                      # higher: cuts the 72 at 480
                         Note(50, 960, 100)])                     # after everything ended
    assert [(n.pitch, n.onset, n.duration) for n in melody(score)] == [(72, 0, 480), (76, 480, 240), (50, 960, 100)]


@settings(max_examples=100, deadline=None)
@given(notes=notes)
def test_melody_is_monophonic_and_drawn_from_the_notes(notes):
    line = melody(Score(notes=notes))
    assert all(a.end <= b.onset for a, b in zip(line, line[1:]))
    originals = {(n.pitch, n.onset) for n in notes}
    assert all((n.pitch, n.onset) in originals for n in line)
    # every onset of the piece is either in the melody or under a higher sounding note
    for onset in {n.onset for n in notes}:
        top = max(n.pitch for n in notes if n.onset == onset)
        covered = any(m.onset == onset for m in line) or any(
            m.onset < onset < m.onset + max(o.duration for o in notes if (o.pitch, o.onset) == (m.pitch, m.onset))
            and m.pitch > top for m in line)
        assert covered
