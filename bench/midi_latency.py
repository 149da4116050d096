"""Keyboard event to synth note-on: how long a played key takes to reach FluidSynth, through a real
JACK MIDI path (a private dummy JACK server, an rtmidi virtual "keyboard" port, Composer's
MidiInput, SoundEngine on JACK). Prints median and p99 over >= 1000 notes.

    .venv/bin/python bench/midi_latency.py [--notes 1000] [--period 256]

Figures per path:
  app added   rtmidi received the key -> SoundEngine.note_on returned
  end to end  keyboard send -> note_on returned (adds JACK's MIDI delivery: up to a period)
Two paths: the shipped one (rtmidi queues in C++, a dispatcher thread polls every 1 ms and calls
note_on) and, for comparison, note_on called inside rtmidi's Python callback (under JACK: in the
audio thread, which then needs the GIL). "arrived" counts notes JACK delivered: on this busy,
non-real-time dummy server a client that misses a cycle loses that cycle's MIDI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid

from audio_latency import start_jack  # bench/: the same dummy-server start-up

from composer.audio import SoundEngine
from composer.midi_in import MidiInput
from composer.music.score import Score


class StampedEngine:
    """The real engine; notes when each note_on returned (keyed by pitch and velocity)."""

    def __init__(self, engine: SoundEngine):
        self.engine = engine
        self.done: dict[tuple[int, int], float] = {}

    def note_on(self, voice: int, pitch: int, velocity: int = 100) -> bool:
        ok = self.engine.note_on(voice, pitch, velocity)
        self.done[(pitch, velocity)] = time.perf_counter()
        return ok

    def note_off(self, voice: int, pitch: int) -> None:
        self.engine.note_off(voice, pitch)


def play(out, notes: int, gap: float) -> dict[tuple[int, int], float]:
    """Distinct (pitch, velocity) per note so each is matched to its own note-on."""
    sent = {}
    for i in range(notes):
        pitch, velocity = 36 + i % 60, 1 + (i // 60) % 127
        out.send_message([0x90, pitch, velocity])
        sent[(pitch, velocity)] = time.perf_counter()
        time.sleep(gap / 2)
        out.send_message([0x80, pitch, 0])
        time.sleep(gap / 2)
    return sent


def summary(label: str, seconds: list[float], sent: int) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(round(0.99 * (len(ms) - 1))))]
    return (f"{label:<34} median {statistics.median(ms):6.3f} ms   p99 {p99:6.3f} ms   "
            f"({len(ms)} of {sent} notes arrived)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--period", type=int, default=256)
    parser.add_argument("--gap", type=float, default=0.008, help="seconds between notes")
    args = parser.parse_args()
    import rtmidi

    name = f"composer-bench-midi-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    log = tempfile.TemporaryFile()
    jackd = start_jack(name, 48000, args.period, log)
    engine = SoundEngine(driver="jack", jack_server=name)
    try:
        if not engine.status.playback:
            raise SystemExit(f"no sound: {engine.status.problems}")
        engine.load(Score())
        out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="bench-keyboard")
        out.open_virtual_port("keys")
        print(f"JACK dummy server 48 kHz, period {args.period} frames ({1000 * args.period / 48000:.2f} ms); "
              f"{args.notes} notes, {args.gap * 1000:.0f} ms apart")

        # 1. The shipped path: rtmidi's C++ queue -> dispatcher thread (1 ms polls) -> note_on.
        stamped = StampedEngine(engine)
        midi = MidiInput(stamped, api="jack", client_name="composer-bench")
        assert midi.open("bench-keyboard:keys"), midi.ports()
        time.sleep(0.2)
        sent = play(out, args.notes, args.gap)
        time.sleep(0.2)
        app_added = list(midi.thru_latencies)[-args.notes:]
        end_to_end = [stamped.done[k] - t for k, t in sent.items() if k in stamped.done]
        midi.close()
        print(summary("polling dispatcher: app added", app_added, len(sent)))
        print(summary("polling dispatcher: end to end", end_to_end, len(sent)))

        # 2. For comparison: note_on inside rtmidi's callback (JACK's process thread).
        direct_in = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name="composer-bench-direct")
        added, done = [], {}

        def callback(event, _data):
            received = time.perf_counter()
            message = event[0]
            if message[0] & 0xF0 == 0x90 and message[2]:
                engine.note_on(0, message[1], message[2])
                now = time.perf_counter()
                added.append(now - received)
                done[(message[1], message[2])] = now
            elif message[0] & 0xF0 == 0x80:
                engine.note_off(0, message[1])

        direct_in.set_callback(callback)
        direct_in.open_port(direct_in.get_ports().index("bench-keyboard:keys"))
        time.sleep(0.2)
        sent = play(out, args.notes, args.gap)
        time.sleep(0.2)
        direct_in.close_port()
        direct_in.delete()
        print(summary("in the rtmidi callback: app added", added, len(sent)))
        print(summary("in the rtmidi callback: end to end", [done[k] - t for k, t in sent.items() if k in done],
                      len(sent)))
        out.close_port()
        out.delete()
    finally:
        engine.close()
        jackd.terminate()
        jackd.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
