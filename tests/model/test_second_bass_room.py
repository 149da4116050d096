"""A second bass beside a bass line under a tune that comes down to F#4 (composer.music.second_part;
the score is written by the test).

Found by QA: a G major tune (F#4-G5) over a bass on D2-A2, Add part > Bass anyway said "in the same
register (there is no room an octave away)" and wrote the second bass in the first one's register,
though D3-A3 lies a fifth under the tune. The octave of room a pedal bass needs (its range widened
to 12 semitones before moving it up) was asked of every bass, and C#3-C#4 reached within a fifth of
F#4; the octave of room now ends where the tune leaves room (C3-B3 here)."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.second_part import bass_complement

Q = 480
BAR = 4 * Q


def score(tune: list[int]) -> Score:
    notes = [Note(p, i * Q, Q - 20, 90, 0) for i, p in enumerate(tune * 2)]
    notes += [Note(p, i * Q, Q - 20, 80, 1) for i, p in enumerate([38, 45, 43, 40, 45, 38, 43, 45] * 4)]  # D2-A2
    return Score(notes=notes, voices=[Voice("Flute", 73), Voice("Bass", 33)])


def test_a_second_bass_goes_an_octave_up_where_the_tune_leaves_room_for_its_line():
    tune = [66, 67, 71, 74, 72, 76, 74, 69, 71, 67, 66, 67, 66, 69, 74, 79]  # F#4-G5, its 10th percentile F#4
    plan = bass_complement(score(tune), 1)
    assert (plan.low, plan.high) == (38, 45)  # D2-A2
    # An octave of room (every root), above the bass there and a fifth (7) under the tune's F#4.
    assert plan.where == "above", plan.plan_text()
    assert plan.highest <= 66 - 7 and plan.highest - plan.lowest >= 11 and plan.lowest > plan.high, plan
    assert "octave above" in plan.plan_text(), plan.plan_text()


def test_no_room_above_under_a_low_tune_is_still_said():
    tune = [57, 59, 60, 62, 60, 59, 57, 55] * 2  # A3 down to G3: D3-A3 would reach into it
    plan = bass_complement(score(tune), 1)
    assert plan.where != "above" and "no room an octave away" in plan.plan_text(), plan.plan_text()
