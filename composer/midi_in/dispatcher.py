"""The one thread that handles MIDI input, in arrival order.

Input is not taken through rtmidi's callback: under JACK that callback runs in JACK's process
thread and, being Python, must take the GIL there; while the GUI thread holds the GIL (painting
the roll) JACK's cycle is missed and the MIDI events of that cycle are lost (the window tests
lost notes that way). Instead rtmidi queues input in C++ and this thread polls it every
millisecond: thru to the synth, sustain, recording, phrase detection. It also runs the program's
own events (device gone) and wakes at deadlines the handler asks for (the end of a pause), so
silence is noticed without any event arriving. bench/midi_latency.py measures both ways.
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
POLL_SECONDS = 0.001


class Dispatcher:
    def __init__(self, read: Callable[[], list[tuple[list[int], float]]],
                 handle: Callable[[MidiEvent], None],
                 wake: Callable[[float], float | None] = lambda _now: None,
                 poll_seconds: float = POLL_SECONDS):
        """`read()` returns the new raw messages with their times; `handle(event)` runs for each
        event; `wake(now)` runs after events and at each deadline and returns the next deadline
        (perf_counter) or None."""
        self._read = read
        self._handle = handle
        self._wake = wake
        self._poll = poll_seconds
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="composer-midi-dispatch", daemon=True)
        self._thread.start()

    def post(self, item: MidiEvent | Callable[[], None]) -> None:
        """An event made by the program (device gone), or a function to run on this thread
        (a poke: re-compute the next deadline)."""
        self._inbox.put(item)

    def _run(self) -> None:
        deadline: float | None = None
        while True:
            worked = False
            try:
                while True:
                    item = self._inbox.get_nowait()
                    if item is _STOP:
                        return
                    worked = True
                    if isinstance(item, MidiEvent):
                        self._guarded(self._handle, item)
                    else:
                        self._guarded(item)
            except queue.Empty:
                pass
            for message, when in self._guarded(self._read) or ():
                event = parse(message, when)
                if event is not None:
                    worked = True
                    self._guarded(self._handle, event)
            now = time.perf_counter()
            if worked or (deadline is not None and now >= deadline):
                deadline = self._guarded(self._wake, now)
            time.sleep(self._poll)

    @staticmethod
    def _guarded(function, *args):
        try:
            return function(*args)
        except Exception:  # one bad event must not end MIDI input for the session
            log.exception("MIDI input: handling failed")
            return None

    def close(self, timeout: float = 2.0) -> None:
        self._inbox.put(_STOP)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
