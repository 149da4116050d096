"""Quantise Input counts its grid from each bar line of the score's meter map, as the window's
Quantise and snap do. QA: after an eighth-note pickup (bar 1 at tick 240) eighth-note triplets
played on beat 1 of bar 1 were quantised on a triplet grid from tick 0 (160, 320, ...): the
first note landed a 24th before the beat. The take's timing comes from the real take clock; no
keyboard is needed to quantise what was played (no engine: nothing sounds)."""

from __future__ import annotations

from composer.midi_in.take import TakeTransport
from composer.music.meter import MeterChange, pickup_meter
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score

TRIPLET = Q // 3  # 1/8 triplet: 160 ticks


def test_triplets_after_an_eighth_pickup_land_on_the_beat():
    score = Score(notes=[Note(67, 0, Q // 2)], meters=[pickup_meter(4, 4, Q // 2)])  # bar 1 at 240
    transport = TakeTransport(None, score, 0, count_in_bars=0, metronome=False, play_score=False, grid=TRIPLET)
    played = [Note(72 + i, 240 + i * TRIPLET + 7, TRIPLET - 10, 80) for i in range(3)]  # a little late
    take = transport.finish(played, 0.0)
    assert [n.onset for n in take.quantised] == [240, 400, 560]
    assert [n.onset for n in transport.shown(played)] == [240, 400, 560]  # as drawn while recording


def test_triplets_after_a_five_eight_bar_land_on_the_beat():
    score = Score(notes=[Note(60, 0, Q)], meters=[MeterChange(0, 5, 8), MeterChange(1200, 4, 4)])
    transport = TakeTransport(None, score, 0, count_in_bars=0, metronome=False, play_score=False, grid=TRIPLET)
    take = transport.finish([Note(72, 1200 + 5, TRIPLET, 80), Note(74, 1200 + TRIPLET - 6, TRIPLET, 80)], 0.0)
    assert [n.onset for n in take.quantised] == [1200, 1200 + TRIPLET]
