"""MIDI out timing against the schedule, and MIDI clock jitter, through a real JACK MIDI path: a
private dummy JACK server, Composer's MidiOutput (rtmidi) playing a score and leading the clock,
and a "DAW" rtmidi input port that keeps rtmidi's own timestamps.

    .venv/bin/python bench/midi_out.py [--notes 1200] [--period 128] [--spin 0.002]

Figures (median and p99 of |jitter|, in ms):
  sender     the moment Composer handed a message to rtmidi - its scheduled time (perf_counter)
  at the DAW rtmidi's receive stamp (taken in the DAW client's JACK cycle) - the scheduled time,
             less the median of that difference (the constant latency): what a DAW hears as
             timing error. JACK moves MIDI once per period (rtmidi writes at frame 0 of the next
             cycle), so up to a period of this is JACK's; on a busy machine the non-real-time
             dummy server's late or missed cycles add the rest ("arrived" counts the losses).
  clock      the same for the 0xF8 pulses, and the tempo a follower would measure from them
             (schedule span / arrival span, least squares).
A JACK-Client port stamping with the JACK frame clock was tried as a second receiver: on the
non-real-time dummy server under load the frame count falls hundreds of ms behind real time, so
rtmidi's stamps (the system clock at each cycle) are the better measure here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid

from audio_latency import start_jack  # bench/: the same dummy-server start-up

from composer.midi_out import MidiOutput, Routing
from composer.music.score import Note, Score, TempoChange, Voice


class Daw:
    def __init__(self):
        import rtmidi

        self.input = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name="bench-daw")
        self.input.ignore_types(sysex=True, timing=False, active_sense=True)
        self.input.open_virtual_port("in")
        self.received: list[tuple[list[int], float]] = []
        self._elapsed = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.001):
            while (item := self.input.get_message()) is not None:
                message, delta = item
                self._elapsed = 0.0 if self._elapsed is None else self._elapsed + delta
                self.received.append((message, self._elapsed))

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.input.close_port()
        self.input.delete()


def stats(label: str, seconds: list[float], extra: str = "") -> str:
    ms = sorted(abs(s) * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(round(0.99 * (len(ms) - 1))))]
    return f"{label:<26} median {statistics.median(ms):6.3f} ms   p99 {p99:6.3f} ms   max {ms[-1]:6.2f} ms  {extra}"


def note_pairs(received, sent) -> list[tuple[float, float]]:
    """(arrival, schedule) per note-on, matched by (pitch, velocity): each is unique in the run,
    so a note JACK lost (a missed cycle on this non-real-time server) just has no pair."""
    due = {tuple(m[1:3]): d for d, m in sent}
    return [(t, due[tuple(m[1:3])]) for m, t in received if tuple(m[1:3]) in due]


def clock_pairs(received: list[float], due: list[float], latency: float) -> list[tuple[float, float]]:
    """Each arriving pulse with its scheduled pulse: arrivals are the schedule in order, some lost,
    each `latency` plus a little late; the pairing with the least total misfit (dynamic
    programming, as tests/midi_out/midi_ports.matched does)."""
    n, m = len(received), len(due)
    inf = float("inf")
    cost = [[0.0] * (m + 1)] + [[inf] * (m + 1) for _ in range(n)]
    for i in range(1, n + 1):
        t = received[i - 1] - latency
        row, previous = cost[i], cost[i - 1]
        for j in range(i, m + 1):
            row[j] = min(row[j - 1], previous[j - 1] + abs(t - due[j - 1]))
    pairs, j = [], m
    for i in range(n, 0, -1):
        while j > i and cost[i][j] == cost[i][j - 1]:
            j -= 1
        pairs.append((received[i - 1], due[j - 1]))
        j -= 1
    return pairs[::-1]


def report(label: str, pairs: list[tuple[float, float]], total: int, tempo: float | None = None) -> float:
    diffs = [r - d for r, d in pairs]
    latency = statistics.median(diffs)
    extra = f"({len(pairs)} of {total} arrived"
    if tempo is not None:  # the tempo a follower would measure: schedule span / arrival span
        mr, md = statistics.fmean(r for r, _ in pairs), statistics.fmean(d for _, d in pairs)
        ratio = sum((r - mr) * (d - md) for r, d in pairs) / sum((d - md) ** 2 for _, d in pairs)
        extra += f"; tempo {tempo / ratio:.3f} bpm"
    print(stats(label, [d - latency for d in diffs], extra + ")"))
    return latency


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1200)
    parser.add_argument("--period", type=int, default=128)
    parser.add_argument("--bpm", type=float, default=150.0)
    parser.add_argument("--spin", type=float, default=None,
                        help="seconds the sender sleeps in short steps before a message (default: the shipped value)")
    args = parser.parse_args()
    name = f"composer-bench-midiout-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    log = tempfile.TemporaryFile()
    jackd = start_jack(name, 48000, args.period, log)
    daw = Daw()
    out = MidiOutput(api="jack", client_name="composer-bench")
    try:
        if args.spin is not None:
            out.sender._spin = args.spin
        assert out.open("bench-daw:in"), out.ports()
        time.sleep(0.5)  # the JACK connection
        router = out.wrap(None)
        out.set_routing(Routing("external"))
        out.set_sync("lead")
        step = 40  # ticks: 33 ms apart at 150 bpm, two voices in turn
        notes = [Note(36 + i % 60, i * step, step - 5, 1 + (i // 60) % 127, i % 2) for i in range(args.notes)]
        score = Score(notes=notes, voices=[Voice("a", 0), Voice("b", 33)], tempos=[TempoChange(0, args.bpm)])
        router.load(score)
        seconds = score.seconds_at(score.end)
        print(f"JACK dummy server 48 kHz, period {args.period} frames ({1000 * args.period / 48000:.2f} ms); "
              f"{args.notes} notes over {seconds:.0f} s at {args.bpm:g} bpm with MIDI clock; "
              f"sender spin {out.sender._spin * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}")
        router.play(0)
        while router.player.playing:
            time.sleep(0.1)
        time.sleep(0.3)
        log_ = list(out.sender.log)
        due_on = [due for due, _, m in log_ if m[0] & 0xF0 == 0x90]
        print(stats("sender (note on)", [sent - due for due, sent, m in log_ if m[0] & 0xF0 == 0x90]))
        due_clock = [due for due, _, m in log_ if m == [0xF8]]
        sent_on = [(due, m) for due, _, m in log_ if m[0] & 0xF0 == 0x90]
        print(stats("sender (clock)", [sent - due for due, sent, m in log_ if m == [0xF8]]))
        print("at the DAW, less the median latency (target p99 <= 2 ms):")
        received = list(daw.received)
        ons = [(m, t) for m, t in received if m[0] & 0xF0 == 0x90 and m[2] > 0]
        latency = report("  note on", note_pairs(ons, sent_on), len(sent_on))
        pulses = [t for m, t in received if m == [0xF8]]
        report("  clock", clock_pairs(pulses, due_clock, latency), len(due_clock), args.bpm)
    finally:
        out.close()
        daw.close()
        jackd.terminate()
        jackd.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
