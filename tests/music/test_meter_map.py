"""The meter map: bar lines, positions in bar and pickups (composer.music.meter)."""

from __future__ import annotations

import numpy as np
import pytest

from composer.music.meter import MeterChange, MeterMap, normalised, pickup_meter
from composer.music.score import Score, TimeSignature


def test_a_one_beat_pickup_in_four_four():
    meters = MeterMap([MeterChange(-1440, 4, 4)])
    assert meters.pickup_ticks == 480
    position, length = meters.position_in_bar(np.array([0, 240, 480, 960, 2400]))
    assert position.tolist() == [1440, 1680, 0, 480, 0]  # tick 0 is beat 4; 480 a downbeat
    assert length.tolist() == [1920] * 5
    assert meters.bar_starts(4000) == [-1440, 480, 2400]
    assert [meters.bar_index(t) for t in (0, 479, 480, 2400)] == [0, 0, 1, 2]


def test_meter_changes_start_bars_and_set_their_length():
    # Two bars of 4/4, then 3/4, then 6/8.
    meters = MeterMap([MeterChange(0, 4, 4), MeterChange(3840, 3, 4), MeterChange(3840 + 2 * 1440, 6, 8)])
    position, length = meters.position_in_bar(np.array([100, 3840, 3840 + 1500, 6720 + 1500]))
    assert position.tolist() == [100, 0, 60, 60]
    assert length.tolist() == [1920, 1440, 1440, 1440]
    assert meters.bar_starts(8500) == [0, 1920, 3840, 5280, 6720, 8160]
    assert meters.bar_index(6720) == 4
    assert meters.at(5000) == MeterChange(3840, 3, 4)


def test_a_change_inside_a_bar_makes_a_short_bar():
    meters = MeterMap([MeterChange(0, 4, 4), MeterChange(960, 3, 4)])
    assert meters.bar_starts(3000) == [0, 960, 2400]
    assert meters.bar_index(960) == 1


def test_normalised_drops_repeats_and_keeps_one_pickup():
    assert normalised([]) == [MeterChange(0, 4, 4)]
    assert normalised([MeterChange(0, 3, 4), MeterChange(1440, 3, 4)]) == [MeterChange(0, 3, 4)]
    assert normalised([MeterChange(-1920, 4, 4)]) == [MeterChange(0, 4, 4)]  # a whole bar is no pickup
    assert pickup_meter(3, 4, 480) == MeterChange(-960, 3, 4)
    assert pickup_meter(3, 4, 1440) == MeterChange(0, 3, 4)


def test_bad_meters_are_refused():
    with pytest.raises(ValueError, match="denominator 3"):
        MeterChange(0, 4, 3)
    with pytest.raises(ValueError, match="numerator 0"):
        MeterChange(0, 0, 4)


def test_score_time_signature_and_key_are_the_first_entries():
    score = Score(meters=[MeterChange(-480, 3, 4), MeterChange(2400, 2, 4)])
    assert score.time_signature == TimeSignature(3, 4)
    score.time_signature = TimeSignature(4, 4)  # keeps the pickup's length (960 ticks)
    assert score.meters == [MeterChange(-960, 4, 4), MeterChange(2400, 2, 4)]
    assert Score(time_signature=TimeSignature(6, 8)).meters == [MeterChange(0, 6, 8)]
    copy = score.copy()
    assert copy.meters == score.meters and copy.meters is not score.meters
