"""Helpers for the MIDI tests: a keyboard without hardware and waits on JACK.

Kept out of conftest.py so tests import them by a unique module name: `from conftest import …`
picks whichever conftest pytest imported last, so `pytest tests/midi_in tests/ui` failed to collect.
"""

from __future__ import annotations

import itertools
import time

_names = itertools.count()


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


def wait_heard(keyboard: Keyboard, held, pitch: int = 21, tries: int = 20, wait=None) -> None:
    """Play `pitch` (not recording) until the app shows it held (`held()` is the set of held
    pitches), then release it: proves MIDI reaches the app, not just that JACK lists the connection.
    A connection JACK lists can still drop the first messages on a busy machine (the graph takes
    another cycle or two), which failed a CI run once. `wait(condition, s)` pumps the caller's
    event loop (Qt); default polls."""
    wait = wait or (lambda condition, s: wait_for(condition, s))
    for _ in range(tries):
        keyboard.on(pitch, 1)
        heard = wait(lambda: pitch in held(), 0.25)
        keyboard.off(pitch)
        if heard:
            assert wait(lambda: pitch not in held(), 2.0), f"{pitch} never released"
            return
    raise AssertionError(f"{keyboard.name}: nothing played reached the app in {tries} tries")


def wait_for(condition, timeout: float = 5.0, step: float = 0.01) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
