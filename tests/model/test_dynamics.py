"""Written notes follow the dynamics of the music around them (composer.model.dynamics): the level
of the voice before (and after) the region, its accents in the bar, a drum kit per drum."""

from __future__ import annotations

import statistics

import numpy as np
import pytest
from parts_music import four_voice_score

from composer.model.dynamics import follow_dynamics
from composer.music import Note, Score, Voice
from composer.request import bar_span, continue_request, fill_request

Q = 480
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67]


def _generated(variation) -> list[Note]:
    return [n for n in variation.notes if n.generated]


# -- the rule itself, on notes written here ------------------------------------------------------

def test_the_level_moves_across_a_fill_from_the_voice_before_to_the_voice_after():
    context = [Note(60, i * Q, Q, 40) for i in range(8)] + [Note(60, (16 + i) * Q, Q, 100) for i in range(8)]
    written = [Note(62, (8 + i) * Q, Q, 75, generated=True) for i in range(8)]
    out = follow_dynamics(written, context, start=8 * Q, end=16 * Q, meters=None)
    velocities = [n.velocity for n in out]
    assert velocities == sorted(velocities) and velocities[0] < 50 and velocities[-1] > 85
    assert [n.pitch for n in out] == [n.pitch for n in written]  # nothing but the velocity changes


def test_a_continuation_takes_the_level_of_the_last_bars_not_of_eight_notes_back():
    """A bass of one note a bar, ff for 6 bars then mf for 2: continued mf (QA: at 92, the median of
    the 8 notes before, where the last bars were 80)."""
    context = [Note(40, b * 4 * Q, 4 * Q, 110 if b < 6 else 80) for b in range(8)]
    written = [Note(43, (8 + b) * 4 * Q, 4 * Q, 75) for b in range(2)]
    out = follow_dynamics(written, context, start=8 * 4 * Q, end=None, meters=None)
    assert [n.velocity for n in out] == [80, 80]


def test_accents_by_position_in_the_bar_are_kept():
    # bars of 4/4 eighths: the downbeat 110, beat 3 90, the rest 60
    context = [Note(60, i * Q // 2, Q // 2, 110 if i % 8 == 0 else 90 if i % 8 == 4 else 60) for i in range(32)]
    written = [Note(62, (32 + i) * Q // 2, Q // 2, 75) for i in range(16)]
    out = follow_dynamics(written, context, start=16 * Q, end=None, meters=None)
    downbeats = [n.velocity for n in out if n.onset % (4 * Q) == 0]
    others = [n.velocity for n in out if n.onset % (2 * Q) != 0]
    assert min(downbeats) >= max(others) + 25


def test_ghost_notes_and_backbeats_keep_their_levels():
    """A snare of ghost notes (30) and backbeats (110) over 8 bars: continued so (QA: with accents
    shrunk by n / (n + 3) the ghosts came back at 53-58)."""
    context = []
    for bar in range(8):
        for beat in range(4):
            tick = bar * 4 * Q + beat * Q
            context += [Note(38, tick, 60, 110 if beat in (1, 3) else 30, 1), Note(38, tick + Q // 2, 60, 30, 1)]
    written = [Note(38, 32 * Q + k * Q // 2, 60, 75, 1) for k in range(8)]
    velocities = [n.velocity for n in follow_dynamics(written, context, start=32 * Q, end=None, meters=None,
                                                      drum_voices=[1])]
    ghosts = [v for k, v in enumerate(velocities) if k not in (2, 6)]
    assert max(ghosts) <= 35 and min(velocities[2], velocities[6]) >= 100, velocities


def test_a_drum_kit_is_read_drum_by_drum():
    kit = []
    for beat in range(16):
        kit.append(Note(36 if beat % 2 == 0 else 38, beat * Q, 60, 110, 1))
        kit += [Note(42, beat * Q + half * Q // 2, 60, 50, 1) for half in range(2)]
    written = [Note(36, 16 * Q, 60, 75, 1), Note(42, 16 * Q, 60, 75, 1), Note(42, 16 * Q + Q // 2, 60, 75, 1)]
    out = follow_dynamics(written, kit, start=16 * Q, end=None, meters=None, drum_voices=[1])
    assert out[0].velocity >= 100 and out[1].velocity <= 60 and out[2].velocity <= 60


def test_a_new_part_takes_the_level_of_the_others_and_no_context_keeps_the_models_velocities():
    quiet = [Note(72, i * Q, Q, 45, 0) for i in range(8)]
    bass = [Note(40, i * Q, Q, 75, 1) for i in range(8)]
    assert {n.velocity for n in follow_dynamics(bass, quiet, start=0, end=8 * Q, meters=None)} == {45}
    assert follow_dynamics(bass, [], start=0, end=8 * Q, meters=None) == bass


def test_positions_follow_the_meter_map():
    """In 3/4 the downbeat comes every 3 beats: an accent on beat 1 of 3/4 is not put on 4/4's."""
    meters = np.array([[0, 3, 4]])
    context = [Note(60, i * Q, Q, 100 if i % 3 == 0 else 50) for i in range(12)]
    written = [Note(60, (12 + i) * Q, Q, 75) for i in range(6)]
    out = follow_dynamics(written, context, start=12 * Q, end=None, meters=meters)
    assert [n.velocity > 60 for n in out] == [True, False, False, True, False, False]


# -- with the shipped model ----------------------------------------------------------------------

@pytest.mark.parametrize("level", [35, 110])
def test_a_continuation_keeps_the_seeds_dynamics(cowriter, level):
    """A pianissimo (or fortissimo) tune continued: the new notes keep its level. Before, every
    written note had velocity 75 whatever the seed."""
    score = Score(notes=[Note(p, i * Q // 2, Q // 2, level) for i, p in enumerate(TUNE)])
    for variation in cowriter.generate(continue_request(score, length=24, variations=2, seed=3)):
        velocities = [n.velocity for n in _generated(variation)]
        assert len(velocities) >= 8
        assert abs(statistics.median(velocities) - level) <= 5, velocities


def test_a_fill_keeps_each_parts_balance(cowriter):
    """A fill of melody, chords, bass and drums: each part (each drum) as loud as around the gap.
    Before: all at 75, the chords and hi-hat louder than the melody, bass and kick."""
    score = four_voice_score(8)
    start, end = bar_span(score, 4, 5)
    expected = {0: 90, 1: 70, 2: 95}  # four_voice_score's levels
    for variation in cowriter.generate(fill_request(score, start, end, (0, 1, 2, 3), variations=2, seed=1)):
        notes = _generated(variation)
        for voice, level in expected.items():
            velocities = [n.velocity for n in notes if n.voice == voice]
            assert velocities and abs(statistics.median(velocities) - level) <= 6, (voice, velocities)
        kicks = [n.velocity for n in notes if n.voice == 3 and n.pitch == 36]
        hats = [n.velocity for n in notes if n.voice == 3 and n.pitch == 42]
        assert kicks and hats and min(kicks) > max(hats) + 15


def test_dynamics_change_nothing_but_velocity(cowriter, monkeypatch):
    """The same request writes the same notes (pitch, onset, length, voice) with the dynamics read
    or not: only the velocities differ."""
    import composer.model.region_writer as region_writer

    score = Score(notes=[Note(p, i * Q // 2, Q // 2, 40) for i, p in enumerate(TUNE)], voices=[Voice("flute", 73)])
    request = continue_request(score, length=16, variations=2, seed=5)
    read = [_generated(v) for v in cowriter.generate(request)]
    monkeypatch.setattr(region_writer, "follow_dynamics", lambda notes, *args, **kwargs: list(notes))
    unread = [_generated(v) for v in cowriter.generate(request)]
    for a, b in zip(read, unread):
        assert [(n.pitch, n.onset, n.duration, n.voice) for n in a] == [(n.pitch, n.onset, n.duration, n.voice) for n in b]
        assert {n.velocity for n in b} == {75}  # the shipped model's one velocity (the reason for the module)
        assert statistics.median(n.velocity for n in a) <= 45
