"""Call and response: from the pause to the first note of the co-writer's answer, through the real
path (JACK dummy server, an rtmidi "keyboard", MidiInput, SoundEngine on JACK, the Continuer).
Prints medians and p90 over a number of exchanges.

    .venv/bin/python bench/call_response.py [--rounds 12] [--model PATH] [--length 24]

  pause noticed     last key released + the set silence -> the dispatcher notices the pause
  first answer note pause noticed -> the first answer note sent to the synth (the target: <= 150 ms)
  answer generation first piece (the first few notes) and the whole answer, timed separately

Without --model it uses models/default.safetensors, or, when that is not there yet, an untrained
network of the default model's size (its speed is the trained model's speed; its notes are noise).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from audio_latency import start_jack  # bench/: the same dummy-server start-up

from composer.audio import SoundEngine
from composer.generate import DEFAULT_MODEL, Continuer
from composer.midi_in import CallResponseSettings, KeyLit, MidiInput
from composer.music.score import Score

PHRASE = [(60, 80, 0.0), (62, 84, 0.125), (64, 88, 0.25), (65, 84, 0.375), (67, 92, 0.5),
          (65, 80, 0.75), (64, 78, 0.875), (62, 76, 1.0)]


class TimedContinuer:
    """The real Continuer; notes how long each continue_score call took."""

    def __init__(self, continuer: Continuer):
        self.continuer = continuer
        self.calls: list[tuple[int, float]] = []  # (length, seconds)

    def continue_score(self, score, **options):
        start = time.perf_counter()
        result = self.continuer.continue_score(score, **options)
        self.calls.append((options.get("length", 0), time.perf_counter() - start))
        return result


def load(model: str | None) -> tuple[Continuer, str]:
    if model:
        return Continuer.load(model), model
    if DEFAULT_MODEL.exists():
        return Continuer.load(None), str(DEFAULT_MODEL)
    import torch

    from composer.model.checkpoint import Checkpoint
    from composer.model.network import NetworkConfig, Seq2Seq

    torch.manual_seed(0)
    path = Path(tempfile.mkdtemp()) / "untrained-default-size.safetensors"
    Checkpoint(model=Seq2Seq(NetworkConfig()), styles=["neutral"]).save(path)
    return Continuer.load(path), "untrained network of the default size (models/default.safetensors not there yet)"


def stats(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return f"{label:<30} median {statistics.median(ms):7.1f} ms   p90 {p90:7.1f} ms   (n={len(ms)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--model")
    parser.add_argument("--length", type=int, default=24)
    parser.add_argument("--first", type=int, default=4, help="notes generated before the answer starts")
    parser.add_argument("--silence-ms", type=int, default=600)
    args = parser.parse_args()
    import rtmidi

    continuer, described = load(args.model)
    timed = TimedContinuer(continuer)
    name = f"composer-bench-cr-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    jackd = start_jack(name, 48000, 256, tempfile.TemporaryFile())
    engine = SoundEngine(driver="jack", jack_server=name)
    out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="bench-keyboard")
    out.open_virtual_port("keys")
    midi = MidiInput(engine, api="jack", client_name="composer-bench")
    try:
        assert midi.open("bench-keyboard:keys")
        time.sleep(0.2)
        settings = CallResponseSettings(silence_ms=args.silence_ms, length=args.length, first_notes=args.first)
        midi.start_call_response(timed, Score(), 0, settings)
        print(f"model: {described}; answer {args.length} notes, first {args.first} generated first; "
              f"silence {args.silence_ms} ms; {args.rounds} exchanges")
        released = []
        for _ in range(args.rounds):
            start = time.perf_counter() + 0.05
            for pitch, velocity, at in PHRASE:
                while time.perf_counter() < start + at:
                    time.sleep(0.0005)
                out.send_message([0x90, pitch, velocity])
                time.sleep(0.1)
                out.send_message([0x80, pitch, 0])
            released.append(time.perf_counter())
            midi.drain()  # the cut answer's last key lights are not this phrase's answer
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline:  # wait for the first answer note, then cut in
                if any(isinstance(e, KeyLit) and e.answer and e.on for e in midi.drain()):
                    break
                time.sleep(0.002)
            time.sleep(0.3)
        time.sleep(0.2)
        exchanges = midi.stop_call_response()
        answered = [e for e in exchanges if e.first_note_at is not None]
        silence = args.silence_ms / 1000
        noticed = [e.detected_at - max(r for r in released if r < e.detected_at) - silence for e in answered]
        if len(answered) < args.rounds:
            print(f"{args.rounds - len(answered)} phrase(s) got no answer: "
                  f"{[e.error for e in exchanges if e.first_note_at is None]}")
        first = [e.first_note_at - e.detected_at for e in answered]
        print(stats("pause noticed (after silence)", noticed))
        print(stats("first answer note", first))
        firsts = [s for n, s in timed.calls if n == args.first]
        rests = [s for n, s in timed.calls if n != args.first]
        print(stats(f"generate first {args.first} notes", firsts))
        if rests:
            print(stats(f"generate other {args.length - args.first} notes", rests))
        midi.drain()
    finally:
        midi.close()
        out.close_port()
        out.delete()
        engine.close()
        jackd.terminate()
        jackd.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
