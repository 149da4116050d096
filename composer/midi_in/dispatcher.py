"""The hand-off from rtmidi's thread to ours.

rtmidi calls back on a foreign thread (under JACK, inside the audio process callback), so the
callback only takes the time and puts the raw message on a lock-free queue; it never waits for a
lock, the GUI or the synth. One dispatcher thread takes events in arrival order and does the
work: thru to the synth, sustain, recording, phrase detection. It also wakes at deadlines (the
end of a pause) that the handler asks for, so silence is noticed without any event arriving.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

from composer.midi_in.events import MidiEvent, parse

log = logging.getLogger(__name__)
_STOP = object()


class Dispatcher:
    def __init__(self, handle: Callable[[MidiEvent], None],
                 wake: Callable[[float], float | None] = lambda _now: None):
        """`handle(event)` runs on the dispatcher thread for each event; `wake(now)` runs after
        each event and at each deadline and returns the next deadline (perf_counter) or None."""
        self._handle = handle
        self._wake = wake
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="composer-midi-dispatch", daemon=True)
        self._thread.start()

    def callback(self, message: list[int], when: float) -> None:
        """For rtmidi's thread: O(1), no locks held across a wait."""
        self._queue.put((message, when))

    def post(self, item: MidiEvent | Callable[[], None]) -> None:
        """An event made by the program (device gone), or a function to run on this thread
        (a poke: re-compute the next deadline)."""
        self._queue.put(item)

    def _run(self) -> None:
        deadline: float | None = None
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is _STOP:
                return
            try:
                if isinstance(item, tuple):
                    event = parse(*item)
                    if event is not None:
                        self._handle(event)
                elif isinstance(item, MidiEvent):
                    self._handle(item)
                elif item is not None:
                    item()
                deadline = self._wake(time.perf_counter())
            except Exception:  # one bad event must not end MIDI input for the session
                log.exception("MIDI input: handling an event failed")

    def close(self, timeout: float = 2.0) -> None:
        self._queue.put(_STOP)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
