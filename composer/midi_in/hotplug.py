"""Noticing a keyboard plugged in or pulled out while the program runs.

rtmidi sends no hot-plug events, so a thread polls the port list (twice a second by default)
and reopens the wanted port by name when it comes back. A port that vanishes is reported at
once, so a take in progress can end the notes that were held.

The name alone is not enough: a keyboard pulled out and plugged in again between two polls (or
a new port under the old name) leaves the list as it was while the port Composer listened to
is gone, and Composer showed "connected" and heard nothing. So each poll also asks whether the
open port is still linked (MidiSystem.linked: JACK's connection graph) and, when not, reports
the loss and reopens. On JACK, port events wake the thread at once instead of at the next tick.
One lock covers a whole poll and every open/close (MidiInput takes it too), so a loss decided
by one poll can never close a port that another poll, or the user, has just opened.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from composer.midi_in.ports import MidiSystem

POLL_SECONDS = 0.5


class PortWatcher:
    def __init__(self, system: MidiSystem, on_lost: Callable[[str, float], None],
                 on_back: Callable[[str], None], on_ports: Callable[[list[str]], None],
                 interval: float = POLL_SECONDS):
        self.system = system
        self.wanted: str | None = None  # the device the user chose (remembered while absent)
        self.connected = False
        self._on_lost, self._on_back, self._on_ports = on_lost, on_back, on_ports
        self._interval = interval
        self._last_ports: list[str] | None = None
        self.lock = threading.RLock()  # one poll, or one open/close, at a time
        self._stop = threading.Event()
        self._wake = threading.Event()
        system.on_change = self._wake.set  # JACK's port events: poll now (nothing more there)
        self._thread = threading.Thread(target=self._run, name="composer-midi-hotplug", daemon=True)
        self._thread.start()

    def want(self, name: str | None, connected: bool) -> None:
        with self.lock:
            self.wanted, self.connected = name, connected

    def check(self) -> None:
        """One poll (the thread calls this; tests may too). The callbacks run under the lock."""
        with self.lock:
            ports = self.system.ports()
            if ports != self._last_ports:
                self._last_ports = ports
                self._on_ports(ports)
            wanted = self.wanted
            gone_at = self.system.take_gone(wanted) if wanted else None
            if wanted is None:
                return
            if self.connected:
                if wanted in ports and self.system.linked() is not False:
                    return
                # Gone, or replaced under the same name since the last poll: either way the
                # port we listened to is dead. Report it (held notes end), then reopen if back.
                self.connected = False
                self.system.close_port()
                self._on_lost(wanted, gone_at if gone_at is not None else time.perf_counter())
            if wanted in ports and self.system.open(wanted):
                self.connected = True
                self._on_back(wanted)

    def _run(self) -> None:
        while True:
            self._wake.wait(self._interval)
            if self._stop.is_set():
                return
            self._wake.clear()
            try:
                self.check()
            except Exception:  # a MIDI system hiccup must not end the watching
                import logging

                logging.getLogger(__name__).exception("MIDI port poll failed")

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self.system.on_change = lambda: None
        if self._thread is not threading.current_thread():
            self._thread.join(2.0)
