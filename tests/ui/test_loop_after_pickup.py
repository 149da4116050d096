"""Loop at the start of a tune with a pickup loops four whole bars' time, as a repeat sign does:
from the pickup through bar 4 less the pickup's length, so every pass keeps the meter. QA: a 3/4
waltz with a one-beat pickup, Loop pressed with the playhead at the start, looped the pickup and
bars 1-3 (10 beats): each pass put an extra beat between bar 3 and bar 1, heard in the metronome.
Real window (pytest-qt, offscreen); the score is written here."""

from __future__ import annotations

from composer.music.meter import MeterChange, pickup_meter
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score
from tests.window_helpers import close_window, open_window

BAR3 = 3 * Q


def _waltz(meters) -> Score:
    return Score(notes=[Note(67, 0, Q)] + [Note(72, Q + i * Q, Q) for i in range(24)], meters=meters)


def test_loop_from_a_pickup_is_four_bars_long(qtbot):
    window = open_window(qtbot)
    try:
        window.document.load(_waltz([pickup_meter(3, 4, Q)]))  # bar 1 starts at tick 480
        window.playback.seek(0)
        window.transport.loop_action.setChecked(True)
        assert window.playback.loop_region == (0, 4 * BAR3)  # through beat 2 of bar 4
    finally:
        close_window(window)


def test_loop_from_a_bar_line_is_unchanged(qtbot):
    window = open_window(qtbot)
    try:
        window.document.load(_waltz([pickup_meter(3, 4, Q)]))
        window.playback.seek(Q + BAR3)  # bar 2
        window.transport.loop_action.setChecked(True)
        assert window.playback.loop_region == (Q + BAR3, Q + 5 * BAR3)
    finally:
        close_window(window)
    window = open_window(qtbot)
    try:
        window.document.load(_waltz([MeterChange(0, 3, 4)]))
        window.playback.seek(0)
        window.transport.loop_action.setChecked(True)
        assert window.playback.loop_region == (0, 4 * BAR3)
    finally:
        close_window(window)
