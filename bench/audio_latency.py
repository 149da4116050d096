"""Live note-on latency: from engine.note_on() to the first audible sample at the JACK graph,
on a private JACK dummy server (48 kHz, 256-frame periods). Prints median and p99.

    .venv/bin/python bench/audio_latency.py [--notes 60] [--period 256]

Needs jackd (Debian jackd2) and JACK-Client (the test extra). A recording JACK client stamps
every block with its JACK frame time; the note-on is stamped with the frame time at the call,
so the figure is note-on to the sample leaving FluidSynth, without any hardware buffer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import numpy as np

from composer.audio import SoundEngine
from composer.music.score import Score

THRESHOLD = 1e-3


def start_jack(name: str, rate: int, period: int, log) -> subprocess.Popen:
    import jack

    process = subprocess.Popen([shutil.which("jackd") or "jackd", "--no-realtime", "-n", name,
                                "-d", "dummy", "-r", str(rate), "-p", str(period)],
                               stdout=log, stderr=log)
    deadline = time.monotonic() + 15
    while True:
        try:
            jack.Client("probe", servername=name, no_start_server=True).close()
            return process
        except jack.JackError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("jackd did not start; is jackd2 installed?")
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=60)
    parser.add_argument("--rate", type=int, default=48000)
    parser.add_argument("--period", type=int, default=256)
    args = parser.parse_args()
    try:
        import jack
    except ImportError:
        raise SystemExit("JACK-Client missing: pip install -e '.[test]'")
    name = f"composer-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    with tempfile.TemporaryFile() as log:
        server = start_jack(name, args.rate, args.period, log)
        try:
            return measure(jack, name, args)
        finally:
            server.terminate()
            server.wait(timeout=10)


def measure(jack, name: str, args) -> int:
    engine = SoundEngine(driver="jack", jack_server=name)
    if not engine.status.playback:
        raise SystemExit(f"no JACK output: {engine.status.problems}")
    client = jack.Client("latency-recorder", servername=name, no_start_server=True)
    port = client.inports.register("in")
    blocks: list[tuple[int, np.ndarray]] = []
    lock = threading.Lock()

    @client.set_process_callback
    def process(frames: int) -> None:
        with lock:
            blocks.append((client.last_frame_time, port.get_array().copy()))

    client.activate()
    client.connect(client.get_ports("composer.*:left", is_output=True)[0], port)
    engine.load(Score())
    latencies: list[int] = []
    for i in range(args.notes):
        time.sleep(0.05 + (i % 7) * 0.013)  # land the note-ons at varied points of a period
        with lock:
            blocks.clear()
        sent = client.frame_time
        engine.note_on(0, 60 + i % 12, 110)
        time.sleep(0.1)
        engine.note_off(0, 60 + i % 12)
        time.sleep(0.25)  # let the release fade
        with lock:
            recorded = list(blocks)
        for start, data in recorded:
            loud = np.flatnonzero(np.abs(data) > THRESHOLD)
            if len(loud) and start + loud[0] >= sent:
                latencies.append(int(start + loud[0] - sent))
                break
    client.deactivate()
    client.close()
    status = engine.status
    engine.close()
    ms = [1000.0 * f / args.rate for f in latencies]
    print(f"driver: {status.summary()}")
    print(f"settings: JACK dummy {args.rate} Hz, period {args.period} frames "
          f"({1000 * args.period / args.rate:.2f} ms); reported buffer latency {status.latency_ms:.2f} ms")
    print(f"note-on -> first audible sample over {len(ms)}/{args.notes} notes: "
          f"median {statistics.median(ms):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms, "
          f"max {max(ms):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
