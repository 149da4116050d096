"""A dragged-out clip keeps the meter map of its place: it starts at the bar line the meter map
puts before its first note and carries the meter in force there and later changes (a pickup
too). Real .mid files written by composer.midi_out.clip and read back with composer.io."""

from __future__ import annotations

from composer.io import read_score
from composer.midi_out.clip import clip_score, write_clip
from composer.music.meter import MeterChange, pickup_meter
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score

BAR4, BAR3 = 4 * Q, 3 * Q
CHANGES = [MeterChange(0, 4, 4), MeterChange(2 * BAR4, 3, 4), MeterChange(2 * BAR4 + 3 * BAR3, 4, 4)]


def test_a_clip_after_a_meter_change_starts_on_its_bar_line_in_its_meter(tmp_path):
    score = Score(notes=[Note(60, 2 * BAR4 + BAR3 + Q, Q), Note(62, 2 * BAR4 + 3 * BAR3 + Q, Q)], meters=CHANGES)
    clip = clip_score(score, score.notes)
    assert [n.onset for n in clip.notes] == [Q, 2 * BAR3 + Q]  # beat 2 of its first bar, as in the score
    assert clip.meters == [MeterChange(0, 3, 4), MeterChange(2 * BAR3, 4, 4)]
    assert read_score(write_clip(score, score.notes, "waltz", tmp_path)).meters == clip.meters


def test_a_clip_from_the_pickup_keeps_the_pickup(tmp_path):
    meters = [pickup_meter(4, 4, Q), MeterChange(Q + BAR4, 3, 4)]
    score = Score(notes=[Note(67, 0, Q), Note(72, Q, Q), Note(71, Q + BAR4, Q)], meters=meters)
    clip = clip_score(score, score.notes)
    assert [n.onset for n in clip.notes] == [0, Q, Q + BAR4] and clip.meters == meters
    assert read_score(write_clip(score, score.notes, "anacrusis", tmp_path)).meters == meters
