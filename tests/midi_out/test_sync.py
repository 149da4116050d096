"""Tempo sync on real rtmidi ports on a dummy JACK server. Leading: Composer's clock reaches a
"DAW" at 24 pulses per quarter note at the set tempo (rtmidi's timestamps), after song position
and Start. Following: a DAW's clock at 90 and 140 bpm sets the tempo, and the playhead moves at
that tempo (checked at the pulses' own times: the k-th pulse after Start is tick 20 k)."""

from __future__ import annotations

import statistics

import pytest
from midi_ports import DawClock, wait_connected, wait_for

from composer.midi_out import Routing
from composer.midi_out.clock_follow import ClockFollower, Tempo, Transport
from composer.music.score import Note, Score, TempoChange, Voice


def slope(times: list[float]) -> float:
    """Least-squares seconds per pulse of pulse times; a pulse lost on the way (a gap of about two
    intervals) keeps its place in the count."""
    typical = statistics.median(b - a for a, b in zip(times, times[1:]))
    index = [0]
    for a, b in zip(times, times[1:]):
        index.append(index[-1] + max(1, round((b - a) / typical)))
    mean_x, mean_t = statistics.fmean(index), statistics.fmean(times)
    return (sum((i - mean_x) * (t - mean_t) for i, t in zip(index, times))
            / sum((i - mean_x) ** 2 for i in index))


@pytest.mark.parametrize("bpm", [100.0, 137.0])
def test_leading_sends_24_clocks_per_quarter_note_at_the_set_tempo(out, daw, bpm):
    assert out.open(daw.name)
    wait_connected(daw.name)
    router = out.wrap(None)
    out.set_routing(Routing("external"))
    assert out.set_sync("lead").startswith("leading")
    quarters = 8
    score = Score(notes=[Note(72 + q % 2, q * 480, 480, 100) for q in range(quarters)], voices=[Voice("bell", 14)],
                  tempos=[TempoChange(0, bpm / 1.25)])
    router.load(score)
    router.set_tempo_factor(1.25)  # the tempo factor counts: the clock runs at the played tempo
    router.play(0)
    assert wait_for(lambda: [0xFC] in [m for m, _ in daw.messages()], 10)
    messages = daw.messages()
    realtime = [m for m, _ in messages if m[0] >= 0xF0]
    assert realtime[0] == [0xF2, 0, 0] and realtime[1] == [0xFA]  # song position 0, then Start
    # Composer sent exactly 24 pulses a quarter note; the dummy JACK server, not real-time on a
    # busy machine, may now and then lose the MIDI of a missed cycle, so one may not arrive.
    assert sum(m == [0xF8] for _, _, m in out.sender.log) == quarters * 24
    clocks = [t for m, t in messages if m == [0xF8]]
    assert quarters * 24 - 1 <= len(clocks) <= quarters * 24
    # Between two quarter-note onsets, 24 pulses (the first pulse comes with the first note).
    onsets = [t for m, t in messages if m[0] == 0x90]
    counts = [sum(a - 0.001 <= t < b - 0.001 for t in clocks) for a, b in zip(onsets, onsets[1:])]
    assert sum(c == 24 for c in counts) >= len(counts) - 1 and min(counts) >= 23, counts
    # Tempo from the pulse times (rtmidi's clock): within 0.5 %.
    measured = 60.0 / (slope(clocks) * 24)
    assert measured == pytest.approx(bpm, rel=0.005)


def test_stop_and_loop_send_transport_messages(out, daw):
    assert out.open(daw.name)
    wait_connected(daw.name)
    router = out.wrap(None)
    out.set_sync("lead")
    router.load(Score(notes=[Note(60, 0, 480 * 8)], tempos=[TempoChange(0, 240.0)]))
    router.play(480, loop=(480, 960))  # one beat at 240 bpm: 250 ms a pass; all voices inside
    assert wait_for(lambda: sum(m == [0xFB] for m, _ in daw.messages()) >= 3, 5)
    router.stop()
    assert wait_for(lambda: daw.messages()[-1][0] == [0xFC], 2)
    realtime = [m for m, _ in daw.messages() if m[0] >= 0xF0 and m[0] != 0xF8]
    assert realtime[:2] == [[0xF2, 4, 0], [0xFB]]  # tick 480 = sixteenth 4, then Continue
    assert realtime[2:5] == [[0xFC], [0xF2, 4, 0], [0xFB]]  # the wrap: back to the loop start


def test_follower_counts_pulses_and_song_position_without_ports():
    follower = ClockFollower()
    events = follower.feed([0xF2, 8, 0], 0.0)  # sixteenth 8 = tick 960
    assert events == [Transport(False, 960, 0.0)]
    interval = 60.0 / (96.0 * 24)
    follower.feed([0xFB], 0.001)
    got = []
    for k in range(48):
        got += follower.feed([0xF8], 0.002 + k * interval)
    assert got[0] == Transport(True, 960, 0.002)
    assert [e for e in got if isinstance(e, Tempo)][-1].bpm == pytest.approx(96.0, abs=0.01)
    assert follower.position(0.002 + 47 * interval) == 960 + 47 * 20
    assert follower.check(0.002 + 47 * interval + 0.1) == []
    assert follower.check(0.002 + 47 * interval + 1.0) and follower.state == "lost"


@pytest.mark.parametrize("bpm", [90.0, 140.0])
def test_following_a_daw_clock_moves_the_playhead_at_its_tempo(out, bpm):
    router = out.wrap(None)  # MIDI only: the playhead is the out player's
    score = Score(notes=[Note(60, i * 480, 400) for i in range(64)], tempos=[TempoChange(0, 120.0)])
    router.load(score)
    clock = DawClock(bpm)
    try:
        out.set_sync("follow", source=clock.name)
        source = out.clock_input
        assert source is not None
        wait_connected(clock.name)
        clock.run(start_after=1.0)  # a DAW's clock runs while it is stopped, then Start
        assert wait_for(lambda: len(source.pulses) >= 24 * 6, 15), len(source.pulses)
        assert out.sync_state == f"following {out.follow.bpm:.1f} bpm"
        assert out.follow.bpm == pytest.approx(bpm, rel=0.005)
        assert router.tempo_factor() == pytest.approx(bpm / 120.0, rel=0.005)
        assert router.player.playing
        pulses = list(source.pulses)
        anchored = router.player.anchored_at
        checked = [(k, t) for k, t in enumerate(pulses) if t >= anchored][-48:]
        assert len(checked) >= 24
        # The playhead at each pulse's own time (rtmidi's stamp) against tick 20 k: within a
        # pulse (one JACK period of stamp rounding is under 3 ticks at these tempi).
        errors = [router.player.position(now=t) - 20 * k for k, t in checked]
        assert max(abs(e) for e in errors) <= 20, errors
        assert out.follow.corrections == 0
    finally:
        out.set_sync("off")
        clock.close()
