"""Sends MIDI messages at given times (time.perf_counter seconds) from one thread.

rtmidi has no scheduled send, so a thread waits for each message's time: a condition-variable
wait until SPIN_SECONDS before it, then short sleeps, so a message leaves within a fraction of a
millisecond of its time without burning a core. On JACK the message then goes out at the start
of the next JACK period (rtmidi writes it at frame 0 of the cycle); bench/midi_out.py measures the
whole path against the schedule (median and p99 jitter).

Notes are tracked while they sound, per tag ("play", "live", ...), so cancelling a tag's pending
messages also ends its sounding notes: a stop or seek never leaves a note hanging in the DAW.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections import Counter, deque
from typing import Callable

log = logging.getLogger(__name__)
SPIN_SECONDS = 0.002
REFILL_SECONDS = 0.05  # how often `refill` is asked to top the queue up
LOG_SIZE = 20000


class TimedSender:
    def __init__(self, send: Callable[[list[int]], bool], refill: Callable[[float], None] = lambda _now: None,
                 spin: float = SPIN_SECONDS):
        """`send(message)` puts raw bytes on the port; `refill(now)` is called about every
        REFILL_SECONDS on this thread (the player schedules its next window there)."""
        self._send = send
        self.refill = refill
        self._spin = spin
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, str, list[int]]] = []
        self._order = 0
        self._sounding: dict[str, Counter] = {}
        # (due, sent, message) of the latest messages, scheduled or sent now: tests and bench/
        self.log: deque[tuple[float, float, list[int]]] = deque(maxlen=LOG_SIZE)
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="composer-midi-out", daemon=True)
        self._thread.start()

    # -- scheduling ---------------------------------------------------------------------------
    def at(self, when: float, message: list[int], tag: str = "play") -> None:
        with self._cond:
            self._order += 1
            heapq.heappush(self._queue, (when, self._order, tag, message))
            if self._queue[0][1] == self._order:
                self._cond.notify()

    def many(self, items: list[tuple[float, list[int]]], tag: str = "play") -> None:
        with self._cond:
            for when, message in items:
                self._order += 1
                heapq.heappush(self._queue, (when, self._order, tag, message))
            self._cond.notify()

    def now(self, message: list[int], tag: str = "live") -> bool:
        """Send at once from the caller's thread (thru, answers): nothing waits in a queue."""
        with self._cond:
            self._track(tag, message)
        ok = self._send(message)
        now = time.perf_counter()
        self.log.append((now, now, message))
        return ok

    def cancel(self, tag: str | None = None, release: bool = True) -> None:
        """Drop pending messages (of `tag`, or all); with `release`, end the notes they started."""
        with self._cond:
            self._queue = [item for item in self._queue if tag is not None and item[2] != tag]
            heapq.heapify(self._queue)
            offs = []
            if release:
                for name in ([tag] if tag is not None else list(self._sounding)):
                    for (channel, pitch), count in self._sounding.pop(name, Counter()).items():
                        offs += [[0x80 | channel, pitch, 0]] * count
            self._cond.notify()
        for message in offs:
            self._send(message)

    def pending(self, tag: str | None = None) -> int:
        with self._cond:
            return sum(1 for item in self._queue if tag is None or item[2] == tag)

    # -- the thread ---------------------------------------------------------------------------
    def _track(self, tag: str, message: list[int]) -> None:
        status = message[0] & 0xF0 if message else 0
        if status not in (0x80, 0x90) or len(message) < 3:
            return
        key = (message[0] & 0x0F, message[1])
        notes = self._sounding.setdefault(tag, Counter())
        if status == 0x90 and message[2] > 0:
            notes[key] += 1
        elif notes[key] > 0:
            notes[key] -= 1
            if not notes[key]:
                del notes[key]

    def _run(self) -> None:
        next_refill = 0.0
        while True:
            now = time.perf_counter()
            if now >= next_refill:
                next_refill = now + REFILL_SECONDS
                try:
                    self.refill(now)
                except Exception:  # a scheduling bug must not end MIDI out for the session
                    log.exception("MIDI out: refill failed")
            with self._cond:
                if self._stop:
                    return
                due = self._queue[0][0] if self._queue else None
                now = time.perf_counter()
                if due is None or due - now > self._spin:
                    wake = next_refill if due is None else min(next_refill, due - self._spin)
                    self._cond.wait(max(0.0, wake - now))
                    continue
                if due > now:
                    ready = None
                else:
                    when, _, tag, message = heapq.heappop(self._queue)
                    self._track(tag, message)
                    ready = (when, message)
            if ready is None:
                time.sleep(min(2e-4, max(0.0, due - time.perf_counter())))  # the last stretch
                continue
            self._send(ready[1])
            self.log.append((ready[0], time.perf_counter(), ready[1]))

    def close(self) -> None:
        self.cancel()
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread is not threading.current_thread():
            self._thread.join(2.0)
