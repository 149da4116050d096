"""Takes follow the meter map: the count-in's pre-roll moves it with the notes (the metronome,
composer.audio.timeline.beats_in, accents the bars the take is played against), and call and
response answers at the next bar line of the map."""

from __future__ import annotations

from composer.audio.timeline import beats_in
from composer.midi_in.clock import TakeClock
from composer.midi_in.take import pre_rolled
from composer.music.meter import MeterChange, pickup_meter
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score

BAR4, BAR3 = 4 * Q, 3 * Q


def accents(score: Score, stop: int) -> list[int]:
    return [t for t, accent in beats_in(score, 0, stop) if accent]


def test_a_meter_change_moves_with_the_pre_roll():
    score = Score(notes=[Note(60, 2 * BAR4, Q)], meters=[MeterChange(0, 4, 4), MeterChange(2 * BAR4, 3, 4)])
    rolled = pre_rolled(score, BAR4, with_notes=True)
    assert rolled.notes[0].onset == 3 * BAR4
    # One bar of count-in, the score's two 4/4 bars, then its 3/4 bars where its notes now are.
    assert accents(rolled, 3 * BAR4 + 2 * BAR3) == [0, BAR4, 2 * BAR4, 3 * BAR4, 3 * BAR4 + BAR3]


def test_a_pickup_keeps_its_bar_lines_after_the_count_in():
    score = Score(notes=[Note(67, 0, Q)], meters=[pickup_meter(4, 4, Q)])
    rolled = pre_rolled(score, BAR4, with_notes=True)
    assert accents(rolled, 3 * BAR4) == [Q, Q + BAR4, Q + 2 * BAR4]  # bar 1 still a quarter after the pickup


def test_the_next_bar_line_follows_a_meter_change_and_a_pickup():
    score = Score(meters=[MeterChange(0, 4, 4), MeterChange(2 * BAR4, 3, 4)])  # 120 bpm: a quarter is 0.5 s
    clock = TakeClock(score, start_tick=0, origin=100.0)
    assert clock.next_bar_line(100.0 + 2 * BAR4 / Q * 0.5 + 0.1) == 2 * BAR4 + BAR3  # in bar 3 (3/4)
    assert clock.next_bar_line(100.0 + 0.1) == BAR4
    pickup = TakeClock(Score(meters=[pickup_meter(4, 4, Q)]), start_tick=0, origin=100.0)
    assert pickup.next_bar_line(100.0 + 0.1) == Q  # bar 1 after the pickup
