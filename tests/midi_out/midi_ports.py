"""Helpers for the MIDI out tests: a "DAW" that receives on a real rtmidi input port and keeps
rtmidi's own timestamps (the JACK clock as rtmidi sees it: times are compared with each other
and with the sent schedule, never with the wall clock), and a DAW clock that sends MIDI clock
from a real rtmidi output port.
"""

from __future__ import annotations

import itertools
import threading
import time

_names = itertools.count()


def wait_until(when: float) -> None:
    while True:
        left = when - time.perf_counter()
        if left <= 0:
            return
        if left > 0.002:
            time.sleep(left - 0.001)


def wait_for(condition, timeout: float = 5.0, step: float = 0.01) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def wait_connected(port: str, timeout: float = 5.0) -> None:
    """Until JACK has really connected `port` (MIDI sent before that is not delivered)."""
    import jack

    client = jack.Client(f"composer-connection-probe-{next(_names)}", no_start_server=True)
    try:
        assert wait_for(lambda: bool(client.get_all_connections(port)), timeout), f"{port} never connected"
    finally:
        client.close()
    time.sleep(0.02)


class Daw:
    """A DAW's MIDI input: an rtmidi virtual input port on JACK, timing messages kept. A thread
    polls rtmidi's queue; `received` holds (message, seconds) with seconds summed from rtmidi's
    own deltas (one clock, its origin the first message)."""

    def __init__(self, client: str | None = None, port: str = "in"):
        import rtmidi

        self.client = client or f"test-daw-{next(_names)}"
        self.input = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name=self.client)
        self.input.ignore_types(sysex=True, timing=False, active_sense=True)
        self.input.open_virtual_port(port)
        self.name = f"{self.client}:{port}"
        self.received: list[tuple[list[int], float]] = []
        self._elapsed: float | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.001):
            while True:
                item = self.input.get_message()
                if item is None:
                    break
                message, delta = item
                self._elapsed = 0.0 if self._elapsed is None else self._elapsed + delta
                with self._lock:
                    self.received.append((message, self._elapsed))

    def messages(self, status: int | None = None, mask: int = 0xFF) -> list[tuple[list[int], float]]:
        with self._lock:
            return [(m, t) for m, t in self.received if status is None or (m[0] & mask) == status]

    def notes_on(self) -> list[tuple[list[int], float]]:
        return [(m, t) for m, t in self.messages(0x90, 0xF0) if m[2] > 0]

    def clear(self) -> None:
        with self._lock:
            self.received = []

    def close(self) -> None:
        if self._stop.is_set():
            return  # deleting an rtmidi client twice crashes the process
        self._stop.set()
        self._thread.join(1.0)
        self.input.close_port()
        self.input.delete()


class DawClock:
    """A DAW leading: sends MIDI clock (and Start / Stop) from an rtmidi virtual output port, each
    pulse at its scheduled perf_counter time (`sent` keeps the schedule; `played` the times each
    message was really sent, late when the busy machine runs this thread late)."""

    def __init__(self, bpm: float, port: str = "clock"):
        import rtmidi

        self.client = f"test-daw-clock-{next(_names)}"
        self.out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name=self.client)
        self.out.open_virtual_port(port)
        self.name = f"{self.client}:{port}"
        self.bpm = bpm
        self.sent: list[tuple[int, float]] = []
        self.played: list[tuple[list[int], float]] = []
        self._start_at: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run(self, start_after: float) -> None:
        """Clock now; Start after `start_after` seconds (on a pulse); until close()."""
        self._thread = threading.Thread(target=self._run, args=(start_after,), daemon=True)
        self._thread.start()

    def _run(self, start_after: float) -> None:
        interval = 60.0 / (self.bpm * 24)
        origin = time.perf_counter() + 0.01
        start_pulse = round(start_after / interval)
        k = 0
        while not self._stop.is_set():
            due = origin + k * interval
            wait_until(due)
            if k == start_pulse:
                self.out.send_message([0xFA])
                self.sent.append((0xFA, time.perf_counter()))
                self.played.append(([0xFA], self.sent[-1][1]))
            self.out.send_message([0xF8])
            self.played.append(([0xF8], time.perf_counter()))
            self.sent.append((0xF8, due))
            k += 1

    def close(self) -> None:
        """Stops the clock and closes the port; a second call does nothing."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self.out.close_port()
        self.out.delete()




# The dummy JACK server runs without real-time priority on a shared, busy machine: now and then a
# cycle is late (~10-50 ms) or missed, and JACK drops the MIDI of a missed cycle. What Composer
# sent is checked exactly (the sender's log); what arrived must be that, in order, nearly all of it.
ARRIVED = 0.9


def in_order_subset(received: list, sent: list) -> bool:
    """`received` is `sent` with some items missing, order kept."""
    it = iter(sent)
    return all(any(item == candidate for candidate in it) for item in received)


def arrived(received: list, sent: list) -> None:
    """`received` is `sent` in order with at most a tenth of it missing, or one item for fewer than
    ten (a stop and loop test sends 9 transport messages: 0.9 of them had meant all, and one
    dropped in a late cycle had failed CI)."""
    assert in_order_subset(received, sent), (received, sent)
    assert len(received) >= min(ARRIVED * len(sent), len(sent) - 1), f"{len(received)} of {len(sent)} arrived"


def matched(received: list[float], due: list[float], latency: float | None = None) -> list[tuple[float, float]]:
    """Pair each arrival time with its scheduled time. Arrivals are the scheduled messages in
    order, some lost, each late by a common latency (rtmidi's clock and perf_counter differ by a
    constant) plus a little: the pairing with the least total misfit, by dynamic programming
    (a few hundred pulses: instant). The latency, unless given (times on one clock: about 0), is
    the least of the first differences (losses and late cycles only make a difference larger)."""
    if latency is None:
        latency = min(r - d for r, d in zip(received[:11], due[:11]))
    n, m = len(received), len(due)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0] = [0.0] * (m + 1)
    for i in range(1, n + 1):
        t = received[i - 1] - latency
        row, previous = cost[i], cost[i - 1]
        for j in range(i, m + 1):  # received i pairs with due j, or due j was lost
            row[j] = min(row[j - 1], previous[j - 1] + abs(t - due[j - 1]))
    pairs, j = [], m
    for i in range(n, 0, -1):
        while cost[i][j] == cost[i][j - 1] and j > i:
            j -= 1
        pairs.append((received[i - 1], due[j - 1]))
        j -= 1
    return pairs[::-1]


def rate(pairs: list[tuple[float, float]]) -> float:
    """Arrival seconds per scheduled second, robustly (Theil-Sen over pairs half the run apart:
    a late cycle moves one pair, not the estimate)."""
    half = len(pairs) // 2
    ratios = sorted((pairs[i + half][0] - pairs[i][0]) / (pairs[i + half][1] - pairs[i][1]) for i in range(half))
    return ratios[len(ratios) // 2]
