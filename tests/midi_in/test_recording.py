"""Recording from a real rtmidi keyboard port through a dummy JACK server: notes, velocities,
timing, sustain pedal, quantise, count-in, a cable pulled mid-take, reconnection by name."""

from __future__ import annotations

import math
import time

import pytest
from midi_keys import Keyboard, wait_connected, wait_for

from composer.midi_in import NotesChanged, StatusChanged
from composer.music.score import Score, TempoChange
from composer.music.transform import grid_ticks

BPM = 120.0
TICK_SECONDS = 60.0 / (BPM * 480)  # ~1.04 ms
# MIDI arrives once per JACK period (2.7 ms), plus a tick (1 ms) of rounding. The dummy JACK
# server runs without real-time priority on a shared 2-core machine, so a cycle is now and then
# late by ~10 ms; what is checked is that nearly every note is within 4 ms and none is off by
# more than a late cycle.
TIGHT, LOOSE = 0.004, 0.015


def check_timing(errors: list[float]) -> None:
    errors = [abs(e) for e in errors]
    assert max(errors) <= LOOSE, errors
    assert sum(e <= TIGHT for e in errors) >= 0.8 * len(errors), errors


def score() -> Score:
    return Score(tempos=[TempoChange(0, BPM)])


def record(midi, keyboard, phrase, **take_options):
    clock = midi.start_take(score(), 0, count_in_bars=0, **take_options)
    sent = keyboard.play(phrase)
    time.sleep(0.03)
    return clock, sent, midi.stop_take()


PHRASE = [(60, 40, 0.00, 0.20), (64, 70, 0.25, 0.10), (67, 100, 0.40, 0.35),
          (72, 127, 0.80, 0.05), (71, 90, 0.90, 0.15), (67, 20, 1.10, 0.30)]


def test_recorded_notes_have_the_played_pitches_velocities_and_timing(connected):
    midi, keyboard = connected
    clock, sent, take = record(midi, keyboard, PHRASE)
    assert [(n.pitch, n.velocity) for n in take.raw] == [(p, v) for p, v, _, _ in sent]
    assert take.quantised is None and take.notes == take.raw
    check_timing([note.onset * TICK_SECONDS - (on - clock.origin) for note, (_, _, on, _) in zip(take.raw, sent)]
                 + [note.end * TICK_SECONDS - (off - clock.origin) for note, (*_, off) in zip(take.raw, sent)])


def test_the_pedal_holds_released_notes_until_it_lifts(connected):
    midi, keyboard = connected
    clock = midi.start_take(score(), 0, count_in_bars=0)
    keyboard.pedal(True)
    keyboard.on(60, 80)
    time.sleep(0.1)
    keyboard.off(60)
    keyboard.on(64, 80)
    time.sleep(0.1)
    keyboard.off(64)
    time.sleep(0.2)
    keyboard.on(64, 90)  # re-struck under the pedal: the first 64 ends here, a new one begins
    time.sleep(0.05)
    keyboard.off(64)
    time.sleep(0.1)
    lifted = keyboard.pedal(False)
    time.sleep(0.05)
    notes = midi.stop_take().raw
    assert [(n.pitch, n.velocity) for n in notes] == [(60, 80), (64, 80), (64, 90)]
    lift_tick = (lifted - clock.origin) / TICK_SECONDS
    assert abs(notes[0].end - lift_tick) * TICK_SECONDS <= LOOSE  # held past its key-up
    assert notes[1].end == notes[2].onset
    assert abs(notes[2].end - lift_tick) * TICK_SECONDS <= LOOSE


@pytest.mark.parametrize("label,division,triplet", [("1/16", 16, False), ("1/8 triplet", 8, True)])
def test_quantise_on_input_snaps_and_keeps_the_raw_timing(connected, label, division, triplet):
    midi, keyboard = connected
    grid = grid_ticks(division, triplet)
    beat = 0.5  # seconds per quarter at 120 bpm
    step = beat * grid / 480
    # Each note 12-18 ms off its grid line, early or late: what a human does.
    offsets = [0.015, -0.012, 0.018, -0.014]
    phrase = [(60 + i, 90, (i + 1) * step + off, step * 0.8) for i, off in enumerate(offsets)]
    # The dummy JACK server drops the MIDI of a cycle it misses (seen under load: one of the four
    # notes never arrived); quantising is what is tested here, so a take that lost a note is
    # played again (at most three times).
    for _attempt in range(3):
        clock = midi.start_take(score(), 0, count_in_bars=0, grid=grid)
        # Start the phrase on a beat of the take (tick 0 is heard at clock.origin).
        start = clock.origin + math.ceil((time.perf_counter() + 0.05 - clock.origin) / beat) * beat
        sent = keyboard.play(phrase, start=start)
        time.sleep(0.02)
        take = midi.stop_take()
        if len(take.raw) == len(sent):
            break
    assert [n.onset % grid for n in take.quantised] == [0] * 4, take.quantised
    assert [n.pitch for n in take.quantised] == [p for p, *_ in sent]
    assert all(n.onset % grid != 0 for n in take.raw), "the raw take keeps the played timing"
    assert [n.velocity for n in take.quantised] == [n.velocity for n in take.raw]
    assert take.notes == take.quantised and take.grid == grid


def test_live_notes_grow_while_a_key_is_held(connected):
    midi, keyboard = connected
    midi.start_take(score(), 0, count_in_bars=0)
    midi.drain()
    keyboard.on(62, 77)
    assert wait_for(lambda: midi.live_notes())
    first = midi.live_notes()[0].duration
    time.sleep(0.1)
    second = midi.live_notes()[0]
    assert (second.pitch, second.velocity) == (62, 77) and second.duration > first
    assert any(isinstance(e, NotesChanged) for e in midi.drain())
    keyboard.off(62)
    time.sleep(0.02)
    assert len(midi.stop_take().raw) == 1


def test_count_in_before_tick_zero_puts_the_first_beat_after_one_bar(connected):
    midi, keyboard = connected
    clock = midi.start_take(score(), 0, count_in_bars=1)  # no engine: the clock still counts in
    bar_seconds = 4 * 0.5
    assert clock.origin - time.perf_counter() == pytest.approx(bar_seconds, abs=0.05)
    # A pick-up played during the count-in is clamped to the start of the score.
    keyboard.on(60, 100)
    time.sleep(0.05)
    keyboard.off(60)
    time.sleep(0.02)
    (note,) = midi.stop_take().raw
    assert note.onset == 0


def test_a_pulled_cable_keeps_the_take_and_the_device_comes_back_by_name(midi, jack_server):
    board = Keyboard(port="pulled", client="test-keyboard-hotplug")
    assert midi.open(board.name)
    wait_connected(board.name)
    clock = midi.start_take(score(), 0, count_in_bars=0)
    sent = board.play([(60, 100, 0.0, 0.1), (62, 101, 0.15, 0.1)])
    board.on(64, 102)  # held when the cable is pulled
    time.sleep(0.1)
    # The watcher may notice the loss while close() is still tearing the port down, so the
    # pull is the span close() takes, not the moment it returned.
    pulling = time.perf_counter()
    board.close()
    pulled = time.perf_counter()
    assert wait_for(lambda: midi.status.state == "disconnected", 2.0), midi.status
    time.sleep(0.05)
    take = midi.stop_take()
    assert [(n.pitch, n.velocity) for n in take.raw] == [(60, 100), (62, 101), (64, 102)]
    held_to = take.raw[2].end * TICK_SECONDS + clock.origin
    assert pulling - TICK_SECONDS <= held_to <= pulled + 0.5  # ended when the loss was noticed (poll: 50 ms; ticks round)
    assert abs(take.raw[0].onset * TICK_SECONDS - (sent[0][2] - clock.origin)) <= LOOSE
    assert "disconnected" in midi.status.message
    states = [e.status.state for e in midi.drain() if isinstance(e, StatusChanged)]
    assert states[-1] == "disconnected"
    # Plugged in again (same name): reopened without being asked, and notes flow again.
    board = Keyboard(port="pulled", client="test-keyboard-hotplug")
    try:
        assert wait_for(lambda: midi.status.state == "connected", 2.0), midi.status
        assert "reconnected" in midi.status.message
        wait_connected(board.name)
        # (the dummy JACK server drops the MIDI of a cycle it misses: a note that never arrived, 1
        # CI run in several; the device coming back is what is tested, so a lost note is played again)
        for _attempt in range(3):
            midi.start_take(score(), 0, count_in_bars=0)
            board.play([(65, 55, 0.0, 0.05)])
            time.sleep(0.03)
            got = [(n.pitch, n.velocity) for n in midi.stop_take().raw]
            if got:
                break
        assert got == [(65, 55)]
    finally:
        board.close()
