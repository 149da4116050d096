"""Fixtures for MIDI input: a private JACK dummy server (started and stopped here, a unique name),
a "keyboard" that is a real rtmidi virtual output port on it, and the app's MidiInput.

The JACK server follows tests/audio/conftest.py (same command line and readiness probe), with a
128-frame period (2.7 ms: rtmidi delivers MIDI once per period, so this bounds timing; a shorter
period makes a non-real-time client on a busy machine miss cycles, and JACK drops the MIDI of a
missed cycle), and module scope so the tests share it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "audio"))  # sound_analysis: listen to the synth

from composer.midi_in import MidiInput  # noqa: E402

_names = itertools.count()


def _die_with_parent() -> None:
    """In the child before exec: jackd gets SIGTERM if pytest itself is killed (a timeout), so
    no dummy server outlives the run whose fixture would have stopped it (Linux prctl)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@pytest.fixture(scope="module")
def jack_server(tmp_path_factory):
    jackd = shutil.which("jackd")
    if jackd is None:
        pytest.skip("jackd not installed (Debian: sudo apt install jackd2)")
    jack = pytest.importorskip("jack", reason="JACK-Client missing: pip install -e '.[test]'")
    name = f"composer-midi-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    previous = os.environ.get("JACK_DEFAULT_SERVER")
    os.environ["JACK_DEFAULT_SERVER"] = name
    log = tmp_path_factory.mktemp("jack") / "jackd.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([jackd, "--no-realtime", "-n", name, "-d", "dummy",
                                    "-r", "48000", "-p", "128"], stdout=sink, stderr=sink,
                                   preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                jack.Client("composer-probe", servername=name, no_start_server=True).close()
                break
            except jack.JackError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jackd dummy server did not start: {log.read_text()[-500:]}")
                time.sleep(0.1)
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if previous is None:
            os.environ.pop("JACK_DEFAULT_SERVER", None)
        else:
            os.environ["JACK_DEFAULT_SERVER"] = previous


class Keyboard:
    """A MIDI keyboard without hardware: an rtmidi virtual output port on the JACK server.
    It notes the perf_counter time right after each message is sent."""

    def __init__(self, port: str = "keys", client: str | None = None):
        import rtmidi

        self.client = client or f"test-keyboard-{next(_names)}"
        self.port = port
        self.out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name=self.client)
        self.out.open_virtual_port(port)
        self.name = f"{self.client}:{port}"

    def send(self, *message: int) -> float:
        self.out.send_message(list(message))
        return time.perf_counter()

    def on(self, pitch: int, velocity: int = 100) -> float:
        return self.send(0x90, pitch, velocity)

    def off(self, pitch: int) -> float:
        return self.send(0x80, pitch, 0)

    def pedal(self, down: bool) -> float:
        return self.send(0xB0, 64, 127 if down else 0)

    def play(self, phrase: list[tuple[int, int, float, float]], start: float | None = None) -> list[tuple]:
        """phrase: (pitch, velocity, onset s, duration s) from `start` (default: now + 50 ms).
        Returns (pitch, velocity, on time, off time) as actually sent."""
        start = time.perf_counter() + 0.05 if start is None else start
        events = sorted([(start + on, 1, p, v) for p, v, on, _ in phrase] +
                        [(start + on + d, 0, p, v) for p, v, on, d in phrase])
        sent: dict[int, list] = {}
        out = []
        for when, is_on, pitch, velocity in events:
            wait_until(when)
            if is_on:
                sent[pitch] = [pitch, velocity, self.on(pitch, velocity)]
            else:
                out.append((*sent.pop(pitch), self.off(pitch)))
        return sorted(out, key=lambda n: n[2])

    def close(self) -> None:
        self.out.close_port()
        self.out.delete()


def wait_until(when: float) -> None:
    """Sleep, then spin the last millisecond: a keyboard player's timing, not Python's."""
    while True:
        left = when - time.perf_counter()
        if left <= 0:
            return
        time.sleep(left - 0.001) if left > 0.002 else None


def wait_connected(port: str, timeout: float = 5.0) -> None:
    """Wait until JACK has really connected `port` (opening a port asks for the connection; on a
    busy machine the graph takes a while to include it, and MIDI sent before is not delivered)."""
    import jack

    client = jack.Client(f"composer-connection-probe-{next(_names)}", no_start_server=True)
    try:
        assert wait_for(lambda: bool(client.get_all_connections(port)), timeout), f"{port} never connected"
    finally:
        client.close()
    time.sleep(0.02)


def wait_for(condition, timeout: float = 5.0, step: float = 0.01) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.fixture
def keyboard(jack_server):
    board = Keyboard()
    yield board
    try:
        board.close()
    except Exception:
        pass


@pytest.fixture
def midi(jack_server):
    """The app's MIDI input on JACK, no sound engine (tests that listen make their own)."""
    service = MidiInput(None, api="jack", client_name=f"composer-{next(_names)}", watch_interval=0.05)
    assert service.status.available, service.status.message
    yield service
    service.close()


@pytest.fixture
def connected(midi, keyboard):
    assert midi.open(keyboard.name), midi.ports()
    wait_connected(keyboard.name)
    return midi, keyboard
