"""A take's count-in counts the meter (and tempo) in force where the take starts, not the piece's
first meter: in a piece in 4/4 then 3/4 from bar 5, a take from bar 7 counts in three clicks and
its first beat falls on the bar line after them (the metronome's beats, composer.music.meter
MeterMap.beats: the denominator's note, so 6/8 counts six eighths)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from composer.audio.timeline import beats_in
from composer.midi_in.take import TakeTransport, pre_rolled
from composer.music.meter import MeterChange
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score, TempoChange

BAR4, BAR3 = 4 * Q, 3 * Q
CHANGE = 4 * BAR4  # bar 5 (bars counted from 1)
BAR7 = CHANGE + 2 * BAR3


def four_then_three(with_notes: bool = True) -> Score:
    """Four bars of 4/4, then 3/4 from bar 5, at 240 bpm (a quarter is 0.25 s); a note on each bar."""
    starts = [i * BAR4 for i in range(4)] + [CHANGE + i * BAR3 for i in range(6)]
    return Score(notes=[Note(60, t, Q) for t in starts] if with_notes else [],
                 meters=[MeterChange(0, 4, 4), MeterChange(CHANGE, 3, 4)], tempos=[TempoChange(0, 240.0)])


def test_a_take_after_a_meter_change_counts_in_a_bar_of_that_meter():
    """No engine: the take's clock still waits one bar of count-in, three quarters here (before
    the fix, a bar of the first meter: four)."""
    before = time.perf_counter()
    transport = TakeTransport(None, four_then_three(), BAR7, count_in_bars=1)
    assert transport.clock.origin - before == pytest.approx(3 * 0.25, abs=0.05)
    assert transport.clock.tick(transport.clock.origin) == BAR7


@pytest.mark.parametrize("start", [CHANGE, BAR7])
def test_the_count_in_clicks_are_the_bar_before_the_start_in_its_meter(start):
    rolled = pre_rolled(four_then_three(), BAR3, True, start)
    beats = beats_in(rolled, start, start + 2 * BAR3)
    # A 3/4 bar of count-in (accent, two clicks), then the take's first bar, accented on its start.
    assert beats == [(start, True), (start + Q, False), (start + 2 * Q, False),
                     (start + BAR3, True), (start + BAR3 + Q, False), (start + BAR3 + 2 * Q, False)]
    assert [n.onset for n in rolled.notes if n.onset >= start + BAR3][0] == start + BAR3  # the music after it


def test_a_compound_meter_counts_in_its_eighths_and_the_tempo_in_force():
    score = Score(meters=[MeterChange(0, 4, 4), MeterChange(CHANGE, 6, 8)],
                  tempos=[TempoChange(0, 120.0), TempoChange(CHANGE, 240.0)])
    start = CHANGE + 3 * Q * 2  # bar 7: two 6/8 bars after the change
    before = time.perf_counter()
    transport = TakeTransport(None, score, start, count_in_bars=1)
    rolled = pre_rolled(score, 3 * Q, False, start)
    eighths = [t for t, _ in beats_in(rolled, start, start + 3 * Q)]
    assert eighths == list(range(start, start + 3 * Q, Q // 2))  # six eighths, as the metronome counts 6/8
    # The count-in is at 240 bpm (the tempo at the start), not 120 (the tempo a bar of 4/4 earlier).
    assert transport.clock.origin - before == pytest.approx(6 * 0.125, abs=0.05)


def test_the_engine_clicks_three_beats_of_count_in_before_a_take_in_3_4():
    """On the real sound engine (offline: its clock is its rendered samples, as in
    test_thru_and_ports), the clicks before the take's first beat are three, a quarter apart,
    and the take's origin is the engine's schedule for the beat after them."""
    from sound_analysis import detect_onsets

    from composer.audio import SoundEngine, SoundFontError
    from test_thru_and_ports import _OfflineAsLive

    rate = 44100
    try:
        sound = SoundEngine(offline=True, sample_rate=float(rate), strict=True)
    except SoundFontError as error:
        pytest.skip(f"no General MIDI soundfont ({error})")
    try:
        # No notes: every onset heard is a click.
        transport = TakeTransport(_OfflineAsLive(sound), four_then_three(with_notes=False), BAR7,
                                  count_in_bars=1, metronome=True, play_score=True)
        origin_ahead = sound._player.heard_in_ms(BAR7 + BAR3) / 1000.0  # seconds of audio from sample 0
        assert abs(transport.clock.origin - sound.heard_at(BAR7 + BAR3)) <= 0.004
        accents = [t for t, accent in beats_in(sound._player.score, BAR7, BAR7 + 2 * BAR3) if accent]
        audio = [sound.render(1024)[:, 0] for _ in range(int((origin_ahead + 0.6) * rate) // 1024)]
        clicks = detect_onsets(np.concatenate(audio).astype(np.float64), rate)
        transport.finish([], time.perf_counter())
    finally:
        sound.close()
    assert accents == [BAR7, BAR7 + BAR3]  # the count-in's bar line, then the take's
    counted = [c for c in clicks if c < origin_ahead - 0.1]
    assert len(counted) == 3, (clicks, origin_ahead)
    beats = [origin_ahead + (i - 3) * 0.25 for i in range(3)]
    errors = [round(c - b, 4) for c, b in zip(counted, beats)]
    assert all(abs(e) <= 0.010 for e in errors), errors
