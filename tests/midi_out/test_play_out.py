"""MIDI out on real rtmidi ports on a dummy JACK server: a played score reaches a "DAW" port on
each voice's channel, after its program change, at the score's timing (rtmidi's timestamps
against the score's seconds); routing; live notes; a pulled output port is reopened."""

from __future__ import annotations

import statistics
import time

from midi_ports import Daw, arrived, wait_connected, wait_for

from composer.midi_out import Routing
from composer.music.score import Note, Score, TempoChange, Voice

JACK_PERIOD_S = 128 / 48000
# MIDI moves once per JACK period (2.7 ms); the sender wakes within a fraction of a millisecond.
# The dummy JACK server runs without real-time priority on a shared 2-core machine, so a cycle
# is now and then late by 10-50 ms (as in tests/midi_in; load averages of 10 on 2 cores were
# seen): three notes in four must be within a period plus 2 ms of the score's time, and 85 % within
# 15 ms. (bench/midi_out.py gives the distribution.)
TIGHT, LOOSE = JACK_PERIOD_S + 0.002, 0.015


def check_timing(errors: list[float]) -> None:
    errors = [abs(e) for e in errors]
    shown = [round(e * 1000, 2) for e in errors]
    assert sum(e <= TIGHT for e in errors) >= 0.75 * len(errors), shown
    assert sum(e <= LOOSE for e in errors) >= 0.85 * len(errors), shown


def finished(router, out) -> bool:
    """Played to the end and the last message sent (then a moment for JACK to deliver it)."""
    done = wait_for(lambda: not router.player.playing and out.sender.pending() == 0, 20)
    time.sleep(0.1)
    return done


def sent(out, status: int) -> list[list[int]]:
    return [m for _, _, m in out.sender.log if m[0] & 0xF0 == status and (status != 0x90 or m[2] > 0)]


def band_score(bpm: float = 150.0) -> Score:
    """Piano, flute and drums; 8 bars of eighth notes, voices in turn, velocities varied."""
    notes = []
    for i in range(48):
        voice = i % 3
        pitch = (36 + (i % 2) * 2) if voice == 2 else 60 + (i * 5) % 19
        notes.append(Note(pitch, i * 240, 200, 40 + (i * 7) % 80, voice))
    return Score(notes=notes, voices=[Voice("piano", 0), Voice("flute", 73), Voice("kit", 0, is_drum=True)],
                 tempos=[TempoChange(0, bpm)])


def test_a_played_score_reaches_the_daw_with_channels_programs_and_timing(out, daw):
    assert out.open(daw.name), out.ports()
    wait_connected(daw.name)
    router = out.wrap(None)
    out.set_routing(Routing("external"))
    score = band_score()
    router.load(score)
    router.play(0)
    assert finished(router, out)

    # Programs first: piano on channel 1, flute on 2, drums on 10.
    assert [m for _, _, m in out.sender.log][:9:3] == [[0xC0, 0], [0xC1, 73], [0xC9, 0]]
    arrived([m for m, _ in daw.messages(0xC0, 0xF0)], [[0xC0, 0], [0xC1, 73], [0xC9, 0]])
    first_note_time = daw.notes_on()[0][1]
    assert all(t <= first_note_time for _, t in daw.messages(0xC0, 0xF0))

    channel_of = {0: 0, 1: 1, 2: 9}
    expected = [[0x90 | channel_of[n.voice], n.pitch, n.velocity] for n in sorted(score.notes, key=lambda n: n.onset)]
    assert sent(out, 0x90) == expected  # every note, on its voice's channel, at its velocity
    received = daw.notes_on()
    arrived([m for m, _ in received], expected)
    # Timing on the JACK/rtmidi clock against the score's seconds (the schedule), less the
    # common latency.
    due = {tuple(m): score.seconds_at(n.onset) for m, n in zip(expected, sorted(score.notes, key=lambda n: n.onset))}
    offsets = [t - due[tuple(m)] for m, t in received]
    latency = statistics.median(offsets)
    check_timing([o - latency for o in offsets])
    # Note lengths: 200 ticks at 150 bpm = 167 ms.
    offs = {}
    for m, t in daw.messages(0x80, 0xF0):
        offs.setdefault((m[0] & 0x0F, m[1]), []).append(t)
    ons = {}
    for m, t in received:
        ons.setdefault((m[0] & 0x0F, m[1]), []).append(t)
    lengths = [off - on for key in ons for on, off in zip(ons[key], offs.get(key, [])) if off > on]
    assert abs(statistics.median(lengths) - score.seconds_at(200)) <= TIGHT


def test_routing_keeps_internal_voices_inside_and_live_notes_follow_it(out, daw):
    assert out.open(daw.name)
    wait_connected(daw.name)
    router = out.wrap(None)
    out.set_routing(Routing("internal", {1: "external", 2: "both"}))
    score = band_score(240.0)
    router.load(score)
    router.play(0)
    assert finished(router, out)
    out_notes = [n for n in sorted(score.notes, key=lambda n: n.onset) if n.voice in (1, 2)]
    assert sent(out, 0x90) == [[0x91 if n.voice == 1 else 0x99, n.pitch, n.velocity] for n in out_notes]
    assert {m[0] & 0x0F for m, _ in daw.notes_on()} <= {1, 9}  # the piano stayed inside
    assert sent(out, 0xC0) == [[0xC1, 73], [0xC9, 0]]
    daw.clear()
    router.note_on(0, 64, 90)  # thru on the internal piano: nothing goes out
    router.note_on(1, 65, 91)
    router.note_off(1, 65)
    time.sleep(0.1)
    assert [m for m, _ in daw.messages()] == [[0x91, 65, 91], [0x81, 65, 0]]


def test_stop_ends_sounding_notes_at_once(out, daw):
    assert out.open(daw.name)
    wait_connected(daw.name)
    router = out.wrap(None)
    out.set_routing(Routing("external"))
    router.load(Score(notes=[Note(60, 0, 480 * 16), Note(67, 0, 480 * 16)], tempos=[TempoChange(0, 120.0)]))
    router.play(0)
    assert wait_for(lambda: len(daw.notes_on()) == 2)
    router.stop()
    assert wait_for(lambda: len(daw.messages(0x80, 0xF0)) == 2)
    assert sorted(m[1] for m, _ in daw.messages(0x80, 0xF0)) == [60, 67]


def test_a_pulled_output_port_is_reopened_and_playing_goes_on(out, daw):
    client = daw.client
    assert out.open(daw.name)
    wait_connected(daw.name)
    router = out.wrap(None)
    out.set_routing(Routing("external"))
    notes = [Note(60 + i % 12, i * 120, 100, 100) for i in range(400)]  # 25 s at 120 bpm
    router.load(Score(notes=notes, voices=[Voice("organ", 19)], tempos=[TempoChange(0, 120.0)]))
    router.play(0)
    assert wait_for(lambda: len(daw.notes_on()) >= 3)
    daw.close()  # the cable is pulled
    assert wait_for(lambda: out.status.state == "disconnected", 3), out.status
    assert router.player.playing and router.state.value == "playing"
    again = Daw(client=client)  # plugged in again: same device name
    try:
        assert wait_for(lambda: out.status.state == "connected", 5), out.status
        assert out.status.message.endswith("(reconnected)")
        wait_connected(again.name)
        assert wait_for(lambda: len(again.notes_on()) >= 3, 5)
        assert [0xC0, 19] in [m for m, _ in again.messages(0xC0, 0xF0)]  # the program was sent again
    finally:
        router.stop()
        again.close()
